/// The fields of a REPORT line (text) or a `platform.report` record (JSON). Absent numbers stay nil.
public struct ReportFields {
    public var durationMs: Double?
    public var billedDurationMs: Double?
    public var memorySizeMB: Double?
    public var maxMemoryUsedMB: Double?
    public var initDurationMs: Double?
    public var restoreDurationMs: Double?
    public var billedRestoreDurationMs: Double?
    public var status: InvocationStatus?
    public var errorType: Range<Int>?
    public var xrayTraceID: Range<Int>?

    public init() {}

    /// Maps a status word (`timeout`, `error`, `failure`, `success`) to a status.
    public static func status(_ v: ByteView, _ r: Range<Int>) -> InvocationStatus? {
        switch r.count {
        case 7 where v.matches("timeout", at: r.lowerBound): return .timeout
        case 7 where v.matches("success", at: r.lowerBound): return .ok
        case 5 where v.matches("error", at: r.lowerBound): return .error
        case 7 where v.matches("failure", at: r.lowerBound): return .error
        default: return nil
        }
    }
}
