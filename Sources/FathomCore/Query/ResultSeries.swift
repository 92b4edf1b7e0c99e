/// One series of a query result: a point per bucket, `nil` where there was no data.
public struct ResultSeries: Sendable, Equatable, CustomStringConvertible {
    /// The metric name, or the expression's canonical text for arithmetic.
    public var metric: String
    /// The aggregation's name (`p99`); for arithmetic the left-most one, or `expr` when none.
    public var aggregation: String
    /// The group-by values, sorted by key; `[]` when not grouped.
    public var tags: [Tag]
    /// One point per bucket start (ms since the epoch), sorted by time.
    public var points: [(time: Int64, value: Double?)]

    /// A series with `points` as given.
    public init(metric: String, aggregation: String, tags: [Tag], points: [(time: Int64, value: Double?)]) {
        self.metric = metric
        self.aggregation = aggregation
        self.tags = tags
        self.points = points
    }

    /// The values alone, in time order.
    public var values: [Double?] { points.map(\.value) }

    /// `aggregation:metric{k:v,...}`.
    public var description: String {
        aggregation + ":" + metric + "{" + tags.map(\.text).joined(separator: ",") + "}"
    }

    /// Equal names, aggregations, tags, and points (times and values; `nil` equals only `nil`).
    public static func == (a: ResultSeries, b: ResultSeries) -> Bool {
        guard a.metric == b.metric, a.aggregation == b.aggregation, a.tags == b.tags,
            a.points.count == b.points.count
        else { return false }
        for (p, q) in zip(a.points, b.points) where p.time != q.time || p.value != q.value { return false }
        return true
    }
}
