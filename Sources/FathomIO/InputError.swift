#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something wrong with an input that a user can cause: a missing or unreadable path, a truncated
/// or corrupt compressed stream. The message says what went wrong and where.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for code that wants to react (the message is for people).
    public enum Kind: Sendable, Equatable {
        /// The path does not exist (ENOENT, or a path component is not a directory).
        case notFound
        /// The path exists but may not be read (EACCES, EPERM).
        case permissionDenied
        /// The path is a directory where a file was expected.
        case isDirectory
        /// A gzip/zlib stream ended before its end marker, after `decompressedOffset` good bytes.
        case truncatedGzip(decompressedOffset: Int64)
        /// A gzip/zlib stream holds invalid data; `decompressedOffset` good bytes came before it.
        case corruptGzip(decompressedOffset: Int64)
        /// Decompressing would produce more than `limit` bytes (a size cap, or a decompression bomb).
        case outputLimitExceeded(limit: Int64)
        /// An in-memory zlib blob (see `Deflate`) is not valid.
        case corruptDeflate
        /// `read(2)` failed with this errno.
        case readError(errno: Int32)
        /// Another system call failed with this errno (open, stat, opendir).
        case systemError(errno: Int32)
    }

    /// The input as the user named it ("<stdin>" for standard input).
    public let path: String
    /// What went wrong.
    public let kind: Kind
    /// The full message, starting with the path.
    public let message: String

    /// An error with an explicit message (which should name `path`).
    public init(path: String, kind: Kind, message: String) {
        self.path = path
        self.kind = kind
        self.message = message
    }

    /// `message`.
    public var description: String { message }

    /// The error for a failed system call on `path`: `action` is what was attempted ("open").
    static func posix(path: String, errno code: Int32, action: String) -> InputError {
        switch code {
        case ENOENT, ENOTDIR:
            return InputError(path: path, kind: .notFound, message: "\(path): no such file or directory")
        case EACCES, EPERM:
            return InputError(path: path, kind: .permissionDenied, message: "\(path): permission denied")
        case EISDIR:
            return isDirectory(path)
        default:
            return InputError(
                path: path, kind: .systemError(errno: code),
                message: "\(path): cannot \(action): \(Posix.errorText(code))")
        }
    }

    static func isDirectory(_ path: String) -> InputError {
        InputError(path: path, kind: .isDirectory, message: "\(path): is a directory")
    }

    static func read(path: String, errno code: Int32) -> InputError {
        InputError(path: path, kind: .readError(errno: code), message: "\(path): read error: \(Posix.errorText(code))")
    }
}
