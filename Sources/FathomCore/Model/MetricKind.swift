/// The type of a metric series, as printed in a `MONITORING|` line or implied by a built-in metric.
public enum MetricKind: String, Hashable, Sendable, Comparable, CaseIterable {
    /// Values are added up (`count` in Datadog's form; Count units in the 5-field form).
    case count
    /// The last value wins (`gauge`).
    case gauge
    /// Every value is a sample of a distribution (`histogram`, `distribution`, `latency`, `timing`, EMF).
    case distribution
    /// A service check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (`check`).
    case check

    /// Maps a type token of a `MONITORING|` line to a kind; `nil` for an unknown token.
    public init?<C: Collection>(token: C) where C.Element == UInt8 {
        switch String(decoding: token, as: UTF8.self).lowercased() {
        case "count", "counter", "c": self = .count
        case "gauge", "g": self = .gauge
        case "histogram", "h", "distribution", "d", "latency", "timing", "ms": self = .distribution
        case "check", "service_check": self = .check
        default: return nil
        }
    }

    public static func < (a: MetricKind, b: MetricKind) -> Bool { a.rawValue < b.rawValue }
}
