/// One metric query: `<aggregation>:<metric>[{<filters>}] [by {<tag>,...}] [.rollup(<agg>[, <seconds>])]`.
public struct MetricQuery: Sendable, Hashable, CustomStringConvertible {
    /// How the series of a group (and the minutes of a bucket) are combined.
    public var aggregation: Aggregation
    /// The metric name (`fn.duration`, `cache-hit`).
    public var metric: String
    /// Every filter must match; empty means every series (`{*}` or no braces).
    public var filters: [TagFilter]
    /// Tag keys to group by, sorted, without duplicates; empty for one series overall.
    public var groupBy: [String]
    /// `.rollup(...)`, when given.
    public var rollup: QueryRollup?

    /// A query; `groupBy` is sorted and deduplicated.
    public init(
        aggregation: Aggregation, metric: String, filters: [TagFilter] = [], groupBy: [String] = [],
        rollup: QueryRollup? = nil
    ) {
        self.aggregation = aggregation
        self.metric = metric
        self.filters = filters
        self.groupBy = Array(Set(groupBy)).sorted()
        self.rollup = rollup
    }

    /// Whether a series with `tags` passes every filter.
    public func matches(_ tags: [Tag]) -> Bool {
        filters.allSatisfy { $0.matches(tags) }
    }

    /// Canonical text: `p99:fn.duration{function:checkout} by {version}.rollup(sum, 300)`.
    public var text: String {
        var s = aggregation.name + ":" + metric
        if !filters.isEmpty { s += "{" + filters.map(\.text).joined(separator: ",") + "}" }
        if !groupBy.isEmpty { s += " by {" + groupBy.joined(separator: ",") + "}" }
        if let rollup { s += rollup.text }
        return s
    }

    /// Same as `text`.
    public var description: String { text }
}
