#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes from a file descriptor, read with `read(2)` in chunks of up to `chunkSize` bytes.
///
/// A final class (not a `~Copyable` struct) so that it fits in `any ByteSource` and generic
/// wrappers without ownership annotations; the descriptor is closed when the last reference goes.
/// One fixed 1 MiB scratch buffer is allocated at creation; a read costs one `read(2)` and one copy.
public final class FileSource: ByteSource {
    /// The largest single `read(2)`.
    public static let chunkSize = 1 << 20

    /// The path as the user named it, for messages.
    public let path: String
    /// The size in bytes when the descriptor is a regular file, `nil` for pipes, terminals, etc.
    public let size: Int64?

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let scratch: UnsafeMutablePointer<UInt8>
    private var ended = false

    /// Opens `path` for reading. Throws `InputError` (not found, permission denied, is a directory).
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError.posix(path: path, errno: Posix.lastError, action: "open") }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = Posix.lastError
            close(fd)
            throw InputError.posix(path: path, errno: code, action: "stat")
        }
        switch Posix.kind(st.st_mode) {
        case .directory:
            close(fd)
            throw InputError.isDirectory(path)
        case .regular:
            size = Int64(st.st_size)
            #if os(Linux)
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
            #endif
        default:
            size = nil
        }
        self.path = path
        descriptor = fd
        ownsDescriptor = true
        scratch = .allocate(capacity: Self.chunkSize)
    }

    /// Reads an already open descriptor; it is closed on deinit only when `ownsDescriptor`.
    public init(descriptor: Int32, path: String, ownsDescriptor: Bool) {
        self.path = path
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        var st = stat()
        size = fstat(descriptor, &st) == 0 && Posix.kind(st.st_mode) == .regular ? Int64(st.st_size) : nil
        scratch = .allocate(capacity: Self.chunkSize)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
        scratch.deallocate()
    }

    /// Appends up to `min(max, chunkSize)` bytes from one `read(2)` (retried on EINTR).
    public func read(into buffer: inout [UInt8], max: Int) throws -> Int {
        precondition(max > 0, "ByteSource.read needs max > 0")
        if ended { return 0 }
        let want = Swift.min(max, Self.chunkSize)
        while true {
            let n = systemRead(descriptor, scratch, want)
            if n > 0 {
                buffer.append(contentsOf: UnsafeBufferPointer(start: scratch, count: n))
                return n
            }
            if n == 0 {
                ended = true
                return 0
            }
            let code = Posix.lastError
            if code == EINTR { continue }
            if code == EISDIR { throw InputError.isDirectory(path) }
            throw InputError.read(path: path, errno: code)
        }
    }
}

/// `read(2)`, out of the way of the method of the same name.
@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    read(fd, buffer, count)
}
