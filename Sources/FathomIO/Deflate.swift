import CZlib

/// zlib-format compression of in-memory blobs (log lines stored compactly).
public enum Deflate {
    /// `bytes` compressed in zlib format at `level` (0–9, -1 for zlib's default; 1 is fastest).
    public static func compress(_ bytes: [UInt8], level: Int32 = 1) -> [UInt8] {
        let level = level < 0 ? Z_DEFAULT_COMPRESSION : Swift.min(level, 9)
        let bound = Int(compressBound(UInt(bytes.count)))
        return bytes.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: bound) { out, count in
                var outLength = UInt(bound)
                let code = compress2(out.baseAddress, &outLength, source.baseAddress, UInt(source.count), level)
                // compressBound makes Z_BUF_ERROR impossible and the level is valid: only memory can fail.
                precondition(code == Z_OK, "compress2 failed: \(ZStream.describe(code))")
                count = Int(outLength)
            }
        }
    }

    /// The bytes `compress` made of them. `expectedSize`, when known (stored beside the blob),
    /// lets the output be allocated once; it is a hint: a different actual size is still returned.
    /// Throws `InputError` (`.corruptDeflate`) for garbage, truncated data or trailing bytes.
    public static func decompress(_ bytes: [UInt8], expectedSize: Int? = nil) throws -> [UInt8] {
        if let expectedSize, expectedSize > 0, expectedSize <= 1 << 30,
           let exact = try oneShot(bytes, size: expectedSize) {
            return exact
        }
        return try streaming(bytes, capacityHint: expectedSize ?? bytes.count * 4)
    }

    /// `uncompress2` into exactly `size` bytes; `nil` when the output does not fit (then stream).
    private static func oneShot(_ bytes: [UInt8], size: Int) throws -> [UInt8]? {
        var code = Z_OK
        var consumed = 0
        let out = bytes.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: size) { out, count in
                var outLength = UInt(size)
                var sourceLength = UInt(source.count)
                code = uncompress2(out.baseAddress, &outLength, source.baseAddress, &sourceLength)
                consumed = Int(sourceLength)
                count = code == Z_OK ? Int(outLength) : 0
            }
        }
        switch code {
        case Z_OK:
            if consumed != bytes.count { throw trailing(bytes.count - consumed) }
            return out
        case Z_BUF_ERROR:
            return nil  // larger than expected, or truncated: the streaming path tells which
        default:
            throw corrupt(ZStream.describe(code))
        }
    }

    private static func streaming(_ bytes: [UInt8], capacityHint: Int) throws -> [UInt8] {
        let stream = ZStream.allocate()
        defer { ZStream.free(stream) }
        let initCode = ZStream.inflateInit(stream, windowBits: 15)
        guard initCode == Z_OK else { throw corrupt(ZStream.describe(initCode)) }
        defer { inflateEnd(stream) }
        var result: [UInt8] = []
        result.reserveCapacity(Swift.min(Swift.max(capacityHint, 64), 64 << 20))
        let chunk = 64 << 10
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { scratch.deallocate() }
        try bytes.withUnsafeBufferPointer { source in
            stream.pointee.next_in = source.count > 0 ? UnsafeMutablePointer(mutating: source.baseAddress) : nil
            stream.pointee.avail_in = UInt32(source.count)
            while true {
                stream.pointee.next_out = scratch
                stream.pointee.avail_out = UInt32(chunk)
                let code = inflate(stream, Z_NO_FLUSH)
                let made = chunk - Int(stream.pointee.avail_out)
                result.append(contentsOf: UnsafeBufferPointer(start: scratch, count: made))
                switch code {
                case Z_STREAM_END:
                    let left = Int(stream.pointee.avail_in)
                    if left > 0 { throw trailing(left) }
                    return
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                    throw corrupt("truncated data (no end of stream after \(result.count) bytes)")
                default:
                    throw corrupt(ZStream.message(stream, code: code))
                }
            }
        }
        return result
    }

    private static func corrupt(_ what: String) -> InputError {
        InputError(path: "<deflate>", kind: .corruptDeflate, message: "<deflate>: corrupt zlib data: \(what)")
    }

    private static func trailing(_ count: Int) -> InputError {
        corrupt("\(count) trailing bytes after the end of the stream")
    }
}
