import CZlib

/// Streaming gzip compressor (deflate, windowBits 31): feed chunks, then `finish`. For the
/// generator's `.gz` output and for tests; memory is one 256 KiB output buffer plus zlib's state.
public final class GzipEncoder {
    private let stream: UnsafeMutablePointer<z_stream>
    private let scratch: UnsafeMutablePointer<UInt8>
    private let chunk = 256 << 10
    private var finished = false

    /// An encoder at `level` (0–9, -1 for zlib's default 6).
    public init(level: Int32 = 6) {
        stream = ZStream.allocate()
        scratch = .allocate(capacity: chunk)
        let level = level < 0 ? Z_DEFAULT_COMPRESSION : Swift.min(level, 9)
        let code = ZStream.deflateInit(stream, level: level, windowBits: 31)
        precondition(code == Z_OK, "deflateInit2 failed: \(ZStream.describe(code))")
    }

    deinit {
        deflateEnd(stream)
        ZStream.free(stream)
        scratch.deallocate()
    }

    /// Compresses `bytes`, appending whatever compressed output is ready to `output`.
    public func compress(_ bytes: [UInt8], into output: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { compress($0, into: &output) }
    }

    /// Compresses `bytes`, appending whatever compressed output is ready to `output`.
    public func compress(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        precondition(!finished, "GzipEncoder used after finish")
        guard bytes.count > 0 else { return }
        run(bytes, flush: Z_NO_FLUSH, into: &output)
    }

    /// Ends the stream (writes the CRC and length trailer) and appends the rest to `output`.
    public func finish(into output: inout [UInt8]) {
        precondition(!finished, "GzipEncoder finished twice")
        finished = true
        run(UnsafeBufferPointer(start: nil, count: 0), flush: Z_FINISH, into: &output)
    }

    private func run(_ bytes: UnsafeBufferPointer<UInt8>, flush: Int32, into output: inout [UInt8]) {
        stream.pointee.next_in = bytes.count > 0 ? UnsafeMutablePointer(mutating: bytes.baseAddress) : nil
        stream.pointee.avail_in = UInt32(bytes.count)
        while true {
            stream.pointee.next_out = scratch
            stream.pointee.avail_out = UInt32(chunk)
            let code = deflate(stream, flush)
            let made = chunk - Int(stream.pointee.avail_out)
            output.append(contentsOf: UnsafeBufferPointer(start: scratch, count: made))
            precondition(code == Z_OK || code == Z_STREAM_END || code == Z_BUF_ERROR,
                         "deflate failed: \(ZStream.describe(code))")
            if flush == Z_FINISH {
                if code == Z_STREAM_END { break }
            } else if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 {
                break
            }
        }
        stream.pointee.next_in = nil
    }
}

/// `bytes` compressed as one gzip member (for tests and the generator's `.gz` output).
public func gzipCompress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
    let encoder = GzipEncoder(level: level)
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count / 4 + 64)
    encoder.compress(bytes, into: &output)
    encoder.finish(into: &output)
    return output
}
