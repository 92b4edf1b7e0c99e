/// The severity of an application log line, across the runtimes' vocabularies
/// (`WARN`/`WARNING`, `FATAL`/`CRITICAL`, .NET's `fail`/`crit`, PowerShell's `Information`).
public enum LogLevel: UInt8, Sendable, Comparable {
    case unknown = 0, trace, debug, info, warn, error, fatal

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    /// The level named by `range` of `v`, or nil when it is not a level token.
    public static func parse(_ v: ByteView, _ range: Range<Int>) -> LogLevel? {
        let n = range.count
        guard n >= 4 && n <= 11 else { return nil }
        let p = range.lowerBound
        // Compare case-insensitively on ASCII letters.
        @inline(__always) func eq(_ s: StaticString) -> Bool {
            guard s.utf8CodeUnitCount == n else { return false }
            let q = s.utf8Start
            for k in 0..<n where (v[p + k] | 0x20) != (q[k] | 0x20) { return false }
            return true
        }
        switch v[p] | 0x20 {
        case UInt8(ascii: "i"): if eq("INFO") || eq("INFORMATION") { return .info }
        case UInt8(ascii: "e"): if eq("ERROR") { return .error }
        case UInt8(ascii: "w"): if eq("WARN") || eq("WARNING") { return .warn }
        case UInt8(ascii: "d"): if eq("DEBUG") || eq("DBUG") { return .debug }
        case UInt8(ascii: "t"): if eq("TRACE") || eq("TRCE") { return .trace }
        case UInt8(ascii: "f"): if eq("FATAL") || eq("FAIL") { return eq("FAIL") ? .error : .fatal }
        case UInt8(ascii: "c"): if eq("CRITICAL") || eq("CRIT") { return .fatal }
        default: break
        }
        return nil
    }

    /// A numeric pino/bunyan level (10 trace … 60 fatal).
    public init(numeric: Double) {
        switch numeric {
        case ..<20: self = .trace
        case ..<30: self = .debug
        case ..<40: self = .info
        case ..<50: self = .warn
        case ..<60: self = .error
        default: self = .fatal
        }
    }

    /// Whether this level reports a failure.
    public var isError: Bool { self >= .error }
}
