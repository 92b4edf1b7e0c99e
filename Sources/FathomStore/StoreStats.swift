/// How much an embedded store holds, for `fathom store stats` (or any status line).
public struct StoreStats: Sendable, Equatable {
    /// Rows of each table.
    public var series: Int
    public var rollups: Int
    public var invocations: Int
    /// Invocations that still have their log lines (retention drops the lines of old ones).
    public var invocationsWithLines: Int
    public var quarantine: Int
    public var sources: Int
    /// Size of the database in bytes: SQLite's page count × page size, which includes what is
    /// committed but still waiting in the write-ahead log.
    public var bytes: Int64

    public init(
        series: Int, rollups: Int, invocations: Int, invocationsWithLines: Int, quarantine: Int, sources: Int,
        bytes: Int64
    ) {
        self.series = series
        self.rollups = rollups
        self.invocations = invocations
        self.invocationsWithLines = invocationsWithLines
        self.quarantine = quarantine
        self.sources = sources
        self.bytes = bytes
    }
}
