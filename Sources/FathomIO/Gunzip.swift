import CZlib

/// Whether `bytes` starts with the gzip magic number `1f 8b`.
public func isGzip(_ bytes: some Collection<UInt8>) -> Bool {
    var i = bytes.makeIterator()
    return i.next() == 0x1f && i.next() == 0x8b
}

/// The whole decompressed content of the in-memory gzip buffer `bytes` (an HTTP body sent with
/// `Content-Encoding: gzip`, a Firehose record from a CloudWatch Logs subscription).
///
/// - Multi-member buffers (`cat a.gz b.gz`) decode to the members' contents joined; zero padding
///   between or after members is skipped. A zlib header is accepted too (like `GzipSource`).
/// - `maxOutput` guards against decompression bombs: decoding stops as soon as more than
///   `maxOutput` bytes would come out, and at most `maxOutput + 1` bytes are ever held.
/// - Throws `InputError`, its message starting with `name`: `.truncatedGzip` when the input ends
///   inside a member (empty input included), `.corruptGzip` for invalid data, a bad CRC or
///   trailing garbage, and `.outputLimitExceeded(limit: maxOutput)` when the output is too large.
public func gunzip(_ bytes: [UInt8], maxOutput: Int, name: String = "<gzip>") throws(InputError) -> [UInt8] {
    var ends: [Int] = []
    return try Gunzip.run(bytes, maxOutput: maxOutput, name: name, memberEnds: &ends)
}

/// Like `gunzip`, but each member's content separately, in order (empty members included;
/// `maxOutput` bounds their total). A CloudWatch Logs record that holds several gzip members
/// holds one envelope per member, which this keeps apart.
public func gunzipMembers(_ bytes: [UInt8], maxOutput: Int, name: String = "<gzip>") throws(InputError) -> [[UInt8]] {
    var ends: [Int] = []
    let all = try Gunzip.run(bytes, maxOutput: maxOutput, name: name, memberEnds: &ends)
    var members: [[UInt8]] = []
    members.reserveCapacity(ends.count)
    var start = 0
    for end in ends {
        members.append(Array(all[start..<end]))
        start = end
    }
    return members
}

/// The in-memory gzip decoder behind `gunzip` and `gunzipMembers`.
enum Gunzip {
    /// Decompresses `bytes`, appending the output offset at each member's end to `memberEnds`.
    static func run(
        _ bytes: [UInt8], maxOutput: Int, name: String, memberEnds: inout [Int]
    ) throws(InputError) -> [UInt8] {
        let limit = Swift.min(Swift.max(maxOutput, 0), Int.max - 1)
        if bytes.isEmpty {
            throw InputError(
                path: name, kind: .truncatedGzip(decompressedOffset: 0),
                message: "\(name): empty input: no gzip stream")
        }
        let stream = ZStream.allocate()
        defer { ZStream.free(stream) }
        let initCode = ZStream.inflateInit(stream, windowBits: 15 + 32)
        guard initCode == Z_OK else {
            throw InputError(
                path: name, kind: .corruptGzip(decompressedOffset: 0),
                message: "\(name): cannot start gzip decoding: \(ZStream.describe(initCode))")
        }
        defer { inflateEnd(stream) }

        var result: [UInt8] = []
        result.reserveCapacity(initialCapacity(bytes, limit: limit))
        let chunk = 64 << 10
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { scratch.deallocate() }

        let failure: InputError? = bytes.withUnsafeBufferPointer { source in
            let base = source.baseAddress!
            // Input is handed to zlib up to `fed` (in pieces that fit its 32-bit counters).
            var fed = 0
            func feed(from start: Int) {
                let piece = Swift.min(source.count - start, 1 << 30)
                stream.pointee.next_in = UnsafeMutablePointer(mutating: base + start)
                stream.pointee.avail_in = UInt32(piece)
                fed = start + piece
            }
            feed(from: 0)
            while true {
                if stream.pointee.avail_in == 0 && fed < source.count { feed(from: fed) }
                // One byte past the limit is enough to know it is exceeded.
                let room = Swift.min(chunk, limit + 1 - result.count)
                stream.pointee.next_out = scratch
                stream.pointee.avail_out = UInt32(room)
                let code = inflate(stream, Z_NO_FLUSH)
                let made = room - Int(stream.pointee.avail_out)
                var position = fed - Int(stream.pointee.avail_in)
                result.append(contentsOf: UnsafeBufferPointer(start: scratch, count: made))
                if result.count > limit {
                    return InputError(
                        path: name, kind: .outputLimitExceeded(limit: Int64(limit)),
                        message: "\(name): decompressed size exceeds the limit of \(limit) bytes "
                            + "(stopped at compressed offset \(position))")
                }
                switch code {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    memberEnds.append(result.count)
                    // Skip zero padding; another member may follow.
                    while position < source.count && base[position] == 0 { position += 1 }
                    if position == source.count { return nil }
                    inflateReset(stream)
                    feed(from: position)
                case Z_BUF_ERROR where stream.pointee.avail_in == 0 && fed == source.count:
                    return InputError(
                        path: name, kind: .truncatedGzip(decompressedOffset: Int64(result.count)),
                        message: "\(name): truncated gzip stream: input ended before the end of the stream "
                            + "at decompressed offset \(result.count) (compressed offset \(position))")
                case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                    continue
                default:
                    return InputError(
                        path: name, kind: .corruptGzip(decompressedOffset: Int64(result.count)),
                        message: "\(name): corrupt gzip data at decompressed offset \(result.count) "
                            + "(compressed offset \(position)): \(ZStream.message(stream, code: code))")
                }
            }
        }
        if let failure { throw failure }
        return result
    }

    /// A first allocation: the last member's ISIZE trailer (the usual single-member case), but
    /// never more than deflate's best ratio (1032:1) allows, the limit, or 64 MiB.
    static func initialCapacity(_ bytes: [UInt8], limit: Int) -> Int {
        var hint = bytes.count * 4
        let n = bytes.count
        if n >= 18 {
            hint = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
        }
        let most = Swift.min(bytes.count.multipliedReportingOverflow(by: 1032).partialValue, limit + 1, 64 << 20)
        return Swift.max(Swift.min(hint, most), 0)
    }

    /// Whether `error` is `gunzip`'s "decompressed size exceeds the limit" error.
    static func isOutputLimit(_ error: InputError) -> Bool {
        if case .outputLimitExceeded = error.kind { return true }
        return false
    }
}

extension InputError {
    /// Whether this is `gunzip`'s decompression-bomb guard tripping (the output would exceed
    /// `maxOutput`), as opposed to corrupt or truncated data: answer 413 rather than 400.
    public var isOutputLimit: Bool { Gunzip.isOutputLimit(self) }
}
