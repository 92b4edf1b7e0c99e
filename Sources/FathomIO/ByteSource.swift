/// A forward-only stream of bytes: a file, standard input, or a decoder wrapped around another
/// source. Sources hand out bytes in big chunks; splitting them into lines is the caller's job.
///
/// Sources own operating-system resources (descriptors, zlib state) and are not `Sendable`:
/// create one where it is read, or hand it over with `sending`.
public protocol ByteSource {
    /// Appends at most `max` bytes (`max` > 0) to `buffer` and returns how many were appended;
    /// 0 means the end of the input, and every later call returns 0 again.
    ///
    /// A source that fails after producing some bytes returns those bytes first and throws on the
    /// next call, so a caller never loses data that was decoded before the failure.
    mutating func read(into buffer: inout [UInt8], max: Int) throws -> Int
}

extension ByteSource {
    /// Reads everything that is left (for tests and small inputs; the hot path reads in chunks).
    public mutating func readAll(chunk: Int = 1 << 20) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while try read(into: &bytes, max: chunk) > 0 {}
        return bytes
    }
}
