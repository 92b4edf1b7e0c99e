/// Why a line was not used. Every line is either used, kept as a plain log line, or quarantined
/// with one of these reasons and its position.
public enum QuarantineReason: String, Hashable, Sendable, CaseIterable, Comparable {
    case badMetricValue = "bad_metric_value"
    case nonFiniteValue = "non_finite_value"
    case unknownMetricType = "unknown_metric_type"
    case badMetricLine = "bad_metric_line"
    case timestampSkew = "timestamp_skew"
    case brokenJSON = "broken_json"
    case badEnvelope = "bad_envelope"
    case lineTooLong = "line_too_long"
    case badReport = "bad_report"
    case duplicateStart = "duplicate_start"
    case binary = "binary"
    case truncatedInput = "truncated_input"
    case unreadable = "unreadable"

    public static func < (a: QuarantineReason, b: QuarantineReason) -> Bool { a.rawValue < b.rawValue }

    /// A sentence for people.
    public var explanation: String {
        switch self {
        case .badMetricValue: return "the metric value is not a number"
        case .nonFiniteValue: return "the metric value is NaN, infinite or out of range"
        case .unknownMetricType: return "the metric type is not count, gauge, histogram, distribution or check"
        case .badMetricLine: return "a MONITORING line with too few fields"
        case .timestampSkew: return "the metric's timestamp is far from the time of its line"
        case .brokenJSON: return "a line that began as a JSON record is not valid JSON"
        case .badEnvelope: return "a CloudWatch Logs envelope that could not be read"
        case .lineTooLong: return "the line is longer than the line-length cap"
        case .badReport: return "a REPORT line without a readable request id or duration"
        case .duplicateStart: return "a second START for a request id that is still running"
        case .binary: return "the line holds binary data (NUL bytes)"
        case .truncatedInput: return "the input ended in the middle of a compressed stream"
        case .unreadable: return "the source could not be read"
        }
    }
}

/// One rejected line (or input) with where it was and why.
public struct QuarantineEntry: Sendable, Equatable {
    public var reason: QuarantineReason
    /// The source as the user named it (a path, or `-` for stdin).
    public var source: String
    /// 1-based line number within the (decompressed) source; 0 when the whole source is meant.
    public var line: Int
    /// Byte offset of the line within the (decompressed) source.
    public var offset: Int64
    /// A detail such as the offending field, for people.
    public var detail: String
    /// The first bytes of the line (at most 200), invalid UTF-8 repaired.
    public var excerpt: String

    public init(reason: QuarantineReason, source: String, line: Int, offset: Int64, detail: String, excerpt: String) {
        self.reason = reason
        self.source = source
        self.line = line
        self.offset = offset
        self.detail = detail
        self.excerpt = excerpt
    }
}
