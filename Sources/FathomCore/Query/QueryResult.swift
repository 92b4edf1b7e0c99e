/// What a query evaluates to: one series per group, sorted by metric, then tags.
public struct QueryResult: Sendable, Equatable {
    public var series: [ResultSeries]

    public init(series: [ResultSeries]) { self.series = series }
}
