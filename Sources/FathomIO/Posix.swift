#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin helpers over the C library used by the sources and the path walker.
enum Posix {
    /// The C library's text for `code` ("No such file or directory").
    static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    /// The current `errno`.
    static var lastError: Int32 { errno }

    /// The kind of file `mode` describes.
    static func kind(_ mode: mode_t) -> FileKind {
        switch mode & S_IFMT {
        case S_IFREG: .regular
        case S_IFDIR: .directory
        case S_IFLNK: .symlink
        default: .other
        }
    }

    enum FileKind { case regular, directory, symlink, other }

    /// `stat` (following symlinks) or `lstat`; `nil` with `errno` set on failure.
    static func status(_ path: String, followLinks: Bool = true) -> stat? {
        var st = stat()
        let rc = followLinks ? stat(path, &st) : lstat(path, &st)
        return rc == 0 ? st : nil
    }
}
