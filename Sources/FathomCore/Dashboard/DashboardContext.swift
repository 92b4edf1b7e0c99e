/// Where a dashboard frame's data comes from, and the instant it ends at.
public struct DashboardContext {
    /// The store's metrics.
    public var reader: any MetricReader
    /// The end of every panel's range, ms since the epoch (the caller reads the clock, or `--at`).
    public var at: Int64
    /// The span of data in the store, `[from, to)` (for "no data here; the data is from A to B"),
    /// nil when empty (`EmbeddedStore.dataRange()`).
    public var dataRange: (from: Int64, to: Int64)?
    /// The alerts as they stand (the alert list panel); may be empty.
    public var alerts: () throws -> [AlertSnapshot]
    /// The canary report of `function` (baseline and canary nil: pick them) over `[from, to)`;
    /// nil when there are not two versions to compare.
    public var canary: (_ function: String, _ baseline: String?, _ canary: String?, _ from: Int64, _ to: Int64) throws
        -> CanaryReport?

    public init(
        reader: any MetricReader, at: Int64, dataRange: (from: Int64, to: Int64)?,
        alerts: @escaping () throws -> [AlertSnapshot] = { [] },
        canary: @escaping (String, String?, String?, Int64, Int64) throws -> CanaryReport? = { _, _, _, _, _ in nil }
    ) {
        self.reader = reader
        self.at = at
        self.dataRange = dataRange
        self.alerts = alerts
        self.canary = canary
    }

    /// A context whose canary panels ask `CanaryJudge` (picking the two versions that served
    /// traffic when baseline and canary are not given).
    public static func judged(
        reader: any MetricReader, at: Int64, dataRange: (from: Int64, to: Int64)?,
        alerts: @escaping () throws -> [AlertSnapshot] = { [] }
    ) -> DashboardContext {
        DashboardContext(reader: reader, at: at, dataRange: dataRange, alerts: alerts) { function, baseline, canary, from, to in
            var pair: (baseline: String, canary: String)?
            if let baseline, let canary {
                pair = (baseline, canary)
            } else if let picked = try CanaryJudge.versions(reader: reader, function: function, from: from, to: to) {
                pair = (baseline ?? picked.baseline, canary ?? picked.canary)
            }
            guard let pair else { return nil }
            return try CanaryJudge.compare(
                reader: reader, function: function, baseline: pair.baseline, canary: pair.canary, from: from, to: to)
        }
    }
}

/// How a frame is drawn.
public struct DashboardOptions: Sendable, Equatable {
    /// Terminal cells per line and lines per frame.
    public var width: Int
    public var height: Int
    /// ANSI colours (only for a terminal, never with NO_COLOR).
    public var color: Bool
    /// Only ASCII characters (TERM=dumb or linux, `--ascii`).
    public var ascii: Bool

    public init(width: Int = 100, height: Int = 40, color: Bool = false, ascii: Bool = false) {
        self.width = width
        self.height = height
        self.color = color
        self.ascii = ascii
    }
}
