#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A shell glob (`*.log`, `orders-*/**`, `*.[0-9]`) matched with the C library's `fnmatch`.
/// A pattern with a `/` is matched against the whole path, one without against the file name,
/// as `find -path` and `find -name` do.
public struct Glob: Sendable, Equatable, CustomStringConvertible {
    public let pattern: String

    public init(_ pattern: String) { self.pattern = pattern }

    /// Whether `path` (or its last component, for a pattern without `/`) matches.
    public func matches(_ path: String) -> Bool {
        if pattern.contains("/") {
            // `**` crosses directories: without FNM_PATHNAME a `*` already does.
            return fnmatch(pattern.replacingDoubleStars(), path, 0) == 0
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return fnmatch(pattern, name, FNM_PERIOD) == 0
    }

    public var description: String { pattern }
}

extension String {
    fileprivate func replacingDoubleStars() -> String {
        var out = ""
        var last: Character? = nil
        for c in self {
            if c == "*" && last == "*" { continue }
            out.append(c)
            last = c
        }
        return out
    }
}
