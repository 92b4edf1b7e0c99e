/// A series that exists in a store, with the span of time it has data for.
public struct SeriesInfo: Sendable, Equatable {
    public var key: SeriesKey
    /// Milliseconds since the epoch of its first and last minute with data.
    public var firstSeen: Int64
    public var lastSeen: Int64

    public init(key: SeriesKey, firstSeen: Int64, lastSeen: Int64) {
        self.key = key
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}

/// What the query engine and the read commands need from a store: series and their per-minute
/// rollups. The embedded store, ClickHouse and the in-memory test store implement it.
public protocol MetricReader {
    /// The series named `name` (every series when `name` is nil), sorted by key.
    func series(named name: String?) throws -> [SeriesInfo]
    /// The per-minute rollups of `series` whose minute starts in `[from, to)` (ms since the epoch),
    /// each list sorted by minute.
    func rollups(of series: [SeriesKey], from: Int64, to: Int64) throws -> [SeriesKey: [MinuteRollup]]
}

/// One minute of one series.
public struct MinuteRollup: Sendable, Equatable {
    /// Start of the minute, ms since the epoch (a multiple of 60 000).
    public var minute: Int64
    public var rollup: Rollup

    public init(minute: Int64, rollup: Rollup) {
        self.minute = minute
        self.rollup = rollup
    }
}
