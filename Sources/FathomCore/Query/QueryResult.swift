/// What a query evaluates to: one series per group, sorted by metric, then tags.
public struct QueryResult: Sendable, Equatable {
    /// One series per group (or per pair of groups, for arithmetic).
    public var series: [ResultSeries]

    /// A result holding `series` as given (no sorting).
    public init(series: [ResultSeries]) { self.series = series }
}
