import CZlib

/// Streaming gzip/zlib decoder over another source.
///
/// - The header is auto-detected (gzip or zlib, `inflateInit2` with windowBits 15 + 32).
/// - Multi-member files (`cat a.gz b.gz`) decode as one stream; zero padding between or after
///   members is skipped.
/// - Memory is bounded: one input buffer (`inputCapacity`) and one output buffer
///   (`outputCapacity`), both allocated at creation, plus zlib's 32 KiB window. A read appends at
///   most `min(max, outputCapacity)` bytes to the caller's buffer and allocates nothing else.
/// - A truncated or corrupt stream throws `InputError` (`.truncatedGzip` / `.corruptGzip`) naming
///   the path and the decompressed offset reached — but only after every byte decoded before the
///   failure has been returned: the failing read returns the good bytes, the next one throws.
///   Once failed, every later read throws the same error. Truncation only ever follows correct
///   bytes; corruption is found where zlib finds it (at the latest at the member's CRC check), so
///   bytes decoded from a damaged region just before a `.corruptGzip` error may be wrong.
public final class GzipSource<Base: ByteSource>: ByteSource {
    /// The path as the user named it, for messages.
    public let path: String
    /// Decompressed bytes returned so far.
    public private(set) var decompressedOffset: Int64 = 0
    /// Compressed bytes consumed so far.
    public private(set) var compressedOffset: Int64 = 0

    private var base: Base
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutablePointer<UInt8>
    private let outputCapacity: Int
    private let inputCapacity: Int
    private var input: [UInt8]
    private var inputPosition = 0
    private var inputEnded = false
    private var memberEnded = false
    private var finished = false
    private var failure: (any Error)?
    private let initialized: Bool

    /// Decodes `base`; `path` names it in messages.
    public init(base: Base, path: String, inputCapacity: Int = 256 << 10, outputCapacity: Int = 1 << 20) {
        precondition(inputCapacity > 0 && outputCapacity > 0)
        self.base = base
        self.path = path
        self.inputCapacity = inputCapacity
        self.outputCapacity = outputCapacity
        input = []
        input.reserveCapacity(inputCapacity)
        output = .allocate(capacity: outputCapacity)
        stream = ZStream.allocate()
        let rc = ZStream.inflateInit(stream, windowBits: 15 + 32)
        initialized = rc == Z_OK
        if !initialized {
            failure = InputError(
                path: path, kind: .corruptGzip(decompressedOffset: 0),
                message: "\(path): cannot start gzip decoding: \(ZStream.describe(rc))")
        }
    }

    deinit {
        if initialized { inflateEnd(stream) }
        ZStream.free(stream)
        output.deallocate()
    }

    /// See `ByteSource.read(into:max:)`.
    public func read(into buffer: inout [UInt8], max: Int) throws -> Int {
        precondition(max > 0, "ByteSource.read needs max > 0")
        if let failure { throw failure }
        if finished { return 0 }
        let want = Swift.min(max, outputCapacity)
        var produced = 0
        do {
            while produced < want {
                if memberEnded {
                    guard try startNextMember() else {
                        finished = true
                        break
                    }
                }
                if inputPosition == input.count && !inputEnded { try refill() }
                let (code, made) = inflateStep(into: output + produced, count: want - produced)
                produced += made
                switch code {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    memberEnded = true
                case Z_BUF_ERROR where inputPosition == input.count:
                    if inputEnded { throw truncated(at: produced) }
                default:
                    throw corrupt(code, at: produced)
                }
            }
        } catch {
            failure = error
            if produced == 0 { throw error }
        }
        if produced > 0 {
            buffer.append(contentsOf: UnsafeBufferPointer(start: output, count: produced))
            decompressedOffset += Int64(produced)
        }
        return produced
    }

    /// One `inflate` call over the unread input into `out`: the zlib code and the bytes written.
    private func inflateStep(into out: UnsafeMutablePointer<UInt8>, count: Int) -> (Int32, Int) {
        let stream = self.stream
        let position = inputPosition
        let (code, consumed, made): (Int32, Int, Int) = input.withUnsafeBufferPointer { buffer in
            let available = buffer.count - position
            stream.pointee.next_in = available > 0
                ? UnsafeMutablePointer(mutating: buffer.baseAddress! + position) : nil
            stream.pointee.avail_in = UInt32(available)
            stream.pointee.next_out = out
            stream.pointee.avail_out = UInt32(count)
            let code = inflate(stream, Z_NO_FLUSH)
            let consumed = available - Int(stream.pointee.avail_in)
            let made = count - Int(stream.pointee.avail_out)
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
            return (code, consumed, made)
        }
        inputPosition += consumed
        compressedOffset += Int64(consumed)
        return (code, made)
    }

    /// After a member's end: skips zero padding; resets for the next member if input remains.
    private func startNextMember() throws -> Bool {
        while true {
            while inputPosition < input.count && input[inputPosition] == 0 {
                inputPosition += 1
                compressedOffset += 1
            }
            if inputPosition < input.count {
                inflateReset(stream)
                memberEnded = false
                return true
            }
            if inputEnded { return false }
            try refill()
        }
    }

    /// Replaces the (fully consumed) input buffer with the next chunk of `base`.
    private func refill() throws {
        input.removeAll(keepingCapacity: true)
        inputPosition = 0
        if try base.read(into: &input, max: inputCapacity) == 0 { inputEnded = true }
    }

    private func truncated(at produced: Int) -> InputError {
        let offset = decompressedOffset + Int64(produced)
        return InputError(
            path: path, kind: .truncatedGzip(decompressedOffset: offset),
            message: "\(path): truncated gzip stream: input ended before the end of the stream "
                + "at decompressed offset \(offset) (compressed offset \(compressedOffset))")
    }

    private func corrupt(_ code: Int32, at produced: Int) -> InputError {
        let offset = decompressedOffset + Int64(produced)
        return InputError(
            path: path, kind: .corruptGzip(decompressedOffset: offset),
            message: "\(path): corrupt gzip data at decompressed offset \(offset) "
                + "(compressed offset \(compressedOffset)): \(ZStream.message(stream, code: code))")
    }
}
