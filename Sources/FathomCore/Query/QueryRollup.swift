/// The `.rollup(<aggregation>[, <seconds>])` of a metric query: how each series is reduced to one
/// value per bucket before the series of a group are combined.
public struct QueryRollup: Sendable, Hashable, CustomStringConvertible {
    /// Applied to the merged minutes of one series in one bucket.
    public var aggregation: Aggregation
    /// The bucket size in seconds, overriding the query step; nil keeps the step.
    public var seconds: Int64?

    /// `.rollup(aggregation[, seconds])`.
    public init(aggregation: Aggregation, seconds: Int64? = nil) {
        self.aggregation = aggregation
        self.seconds = seconds
    }

    /// `.rollup(sum, 300)` or `.rollup(sum)`.
    public var text: String {
        if let seconds { return ".rollup(\(aggregation.name), \(seconds))" }
        return ".rollup(\(aggregation.name))"
    }

    /// Same as `text`.
    public var description: String { text }
}
