/// Evaluates metric queries against a `MetricReader`'s per-minute rollups.
///
/// The contract:
/// - **Step.** Rollups are per minute, so the step is a whole number of minutes: a given step is
///   rounded up to a multiple of 60 000 ms (at least one minute). With no step, the smallest of
///   1m, 5m, 15m, 1h, 6h, 1d that gives at most 300 points over `[from, to)` (1d when none does).
/// - **Buckets.** They start at `floor(from / step) * step` and go up to, excluding, `to`: one
///   point per bucket, sorted by time, `nil` when the bucket has no data. A bucket holds the
///   minutes that start in it and before `to`. An empty range (`to <= from`) gives no points.
/// - **Selection.** `reader.series(named:)`, then every tag filter must match: `key:value`
///   (value a glob with `*`), `key` (has the tag), `!key:value` (has no such value; series
///   without the key pass), `!key` (lacks the tag). Series whose data lies wholly outside the
///   buckets are left out.
/// - **Grouping.** By the `by {...}` keys; a series without a key goes to the group where that
///   key is `none`. Without `by`, all selected series form one group with no tags. No selected
///   series, no result series. Groups are sorted by their tags.
/// - **Without `.rollup`.** For each group and bucket, the rollups of every minute of every
///   series in it are merged (`Rollup.merge`) and the query's aggregation taken: exact for
///   sum, count, min, max, avg and last; from the merged sketch for quantiles.
/// - **With `.rollup(m, s)`.** Buckets are `s` seconds (rounded up to whole minutes), overriding
///   the step; `.rollup(m)` keeps the step. Each series' merged minutes of a bucket give
///   `value(m)`; the group's series values are then combined with the query's aggregation:
///   sum, avg, min, max; count = the number of series with data; last = the value of the series
///   whose data is latest (`lastTime`; the later series in key order on a tie); pXX = the exact
///   quantile of the series values at the nearest rank `ceil(q * n)`.
/// - **Arithmetic.** Two sides' series are paired by identical tag sets; a side that is exactly
///   one series without tags is broadcast to every series of the other side; unpaired series are
///   dropped. Values combine at equal times (over the union of both sides' times); the result is
///   `nil` when either value is `nil` or on division by zero. Numbers are broadcast everywhere;
///   unary minus negates. A result series of arithmetic is named by the expression's canonical
///   text, with the left-most aggregation's name (`expr` when there is none); a bare number
///   gives one series over the step's buckets.
/// - **Order.** The result is sorted by metric name, then tags.
public struct QueryEngine {
    /// Where the data comes from.
    public let reader: any MetricReader

    /// The most buckets one metric query may produce, as a guard against typos in `from`/`step`.
    public static let maxPoints = 1_000_000

    /// The steps tried, in order, when none is given.
    public static let defaultSteps: [Int64] = [60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000]

    /// An engine reading from `reader`.
    public init(reader: any MetricReader) { self.reader = reader }

    /// Parses `text` and evaluates it over `[from, to)` (ms since the epoch); `step` in ms.
    public func evaluate(_ text: String, from: Int64, to: Int64, step: Int64? = nil) throws -> QueryResult {
        try evaluate(try QueryParser.parse(text), from: from, to: to, step: step)
    }

    /// Evaluates `expr` over `[from, to)` (ms since the epoch); `step` in ms, rounded up to minutes.
    public func evaluate(_ expr: QueryExpression, from: Int64, to: Int64, step: Int64? = nil) throws -> QueryResult {
        let step = QueryEngine.step(step, from: from, to: to)
        var series: [ResultSeries]
        switch try value(of: expr, root: expr, from: from, to: to, step: step) {
        case .scalar(let x):
            series = [
                ResultSeries(
                    metric: expr.text, aggregation: "expr", tags: [],
                    points: try buckets(root: expr, from: from, to: to, step: step).map { ($0, x) })
            ]
        case .series(let s):
            series = s
        }
        if case .metric = expr {} else {
            let name = expr.text
            let aggregation = expr.leftmostAggregation?.name ?? "expr"
            for i in series.indices {
                series[i].metric = name
                series[i].aggregation = aggregation
            }
        }
        series.sort { a, b in
            if a.metric != b.metric { return a.metric < b.metric }
            return a.tags.lexicographicallyPrecedes(b.tags)
        }
        return QueryResult(series: series)
    }

    /// Evaluates `expr` over exactly `[from, to)` as one bucket (both rounded down to whole
    /// minutes): one point per result series, at `from`. What alert rules and stat panels ask:
    /// "the p99 over the last 5 minutes". `.rollup(m, s)` reduces each series over the whole
    /// window (its `s` is ignored). A selected series with no data in the window has a nil point.
    public func evaluateWindow(_ expr: QueryExpression, from: Int64, to: Int64) throws -> QueryResult {
        let lo = CivilDate.floorDiv(from, 60_000) * 60_000
        let hi = CivilDate.floorDiv(to, 60_000) * 60_000
        guard hi > lo else { return QueryResult(series: []) }
        var series: [ResultSeries]
        switch try value(of: expr, root: expr, from: lo, to: hi, step: hi - lo, window: true) {
        case .scalar(let x):
            series = [ResultSeries(metric: expr.text, aggregation: "expr", tags: [], points: [(lo, x)])]
        case .series(let s):
            series = s
        }
        if case .metric = expr {} else {
            for i in series.indices {
                series[i].metric = expr.text
                series[i].aggregation = expr.leftmostAggregation?.name ?? "expr"
            }
        }
        series.sort { a, b in
            if a.metric != b.metric { return a.metric < b.metric }
            return a.tags.lexicographicallyPrecedes(b.tags)
        }
        return QueryResult(series: series)
    }

    // MARK: Steps and buckets

    /// The step actually used: `step` rounded up to whole minutes (at least one), or the default.
    public static func step(_ step: Int64?, from: Int64, to: Int64) -> Int64 {
        guard let step else { return defaultStep(from: from, to: to) }
        return roundUpToMinute(step)
    }

    /// The smallest of 1m, 5m, 15m, 1h, 6h, 1d giving at most 300 points over `[from, to)`.
    public static func defaultStep(from: Int64, to: Int64) -> Int64 {
        defaultSteps.first { bucketCount(from: from, to: to, step: $0) <= 300 } ?? defaultSteps[defaultSteps.count - 1]
    }

    /// The start of the first bucket: `floor(from / step) * step`.
    public static func firstBucket(from: Int64, step: Int64) -> Int64 {
        CivilDate.floorDiv(from, step) * step
    }

    /// How many buckets of `step` cover `[from, to)`, the first starting at `firstBucket`.
    public static func bucketCount(from: Int64, to: Int64, step: Int64) -> Int {
        guard to > from else { return 0 }
        let span = to - firstBucket(from: from, step: step)
        return Int((span + step - 1) / step)
    }

    static func roundUpToMinute(_ ms: Int64) -> Int64 {
        ms <= 60_000 ? 60_000 : (ms / 60_000 + (ms % 60_000 == 0 ? 0 : 1)) * 60_000
    }

    /// The bucket starts, checked against `maxPoints`.
    func buckets(root: QueryExpression, from: Int64, to: Int64, step: Int64, window: Bool = false) throws -> [Int64] {
        if window { return to > from ? [from] : [] }
        let n = QueryEngine.bucketCount(from: from, to: to, step: step)
        guard n <= QueryEngine.maxPoints else {
            throw QueryError(
                message: "too many points: \(n) buckets of \(step / 60_000) min from \(TimeSpec.format(from)) "
                    + "to \(TimeSpec.format(to)) (at most \(QueryEngine.maxPoints)); use a larger step or rollup",
                position: 0, query: root.text)
        }
        let start = QueryEngine.firstBucket(from: from, step: step)
        return (0..<n).map { start + Int64($0) * step }
    }

    // MARK: Evaluation

    /// An intermediate value: a number, or series.
    enum Value {
        case scalar(Double?)
        case series([ResultSeries])
    }

    func value(
        of expr: QueryExpression, root: QueryExpression, from: Int64, to: Int64, step: Int64, window: Bool = false
    ) throws -> Value {
        switch expr {
        case .number(let x):
            return .scalar(x)
        case .metric(let query):
            return .series(try evaluate(query, root: root, from: from, to: to, step: step, window: window))
        case .negate(let inner):
            switch try value(of: inner, root: root, from: from, to: to, step: step, window: window) {
            case .scalar(let x): return .scalar(x.map { -$0 })
            case .series(let s): return .series(s.map { QueryEngine.map($0) { $0.map { -$0 } } })
            }
        case .binary(let op, let lhs, let rhs):
            let l = try value(of: lhs, root: root, from: from, to: to, step: step, window: window)
            let r = try value(of: rhs, root: root, from: from, to: to, step: step, window: window)
            return QueryEngine.combine(op, l, r)
        }
    }

    /// One metric query: select, group, bucket, aggregate.
    func evaluate(
        _ query: MetricQuery, root: QueryExpression, from: Int64, to: Int64, step: Int64, window: Bool = false
    ) throws -> [ResultSeries] {
        let bucketStep = window ? step : query.rollup?.seconds.map { QueryEngine.roundUpToMinute($0 * 1000) } ?? step
        let starts = try buckets(root: root, from: from, to: to, step: bucketStep, window: window)
        guard let first = starts.first else { return [] }

        let selected = try reader.series(named: query.metric).filter {
            $0.key.name == query.metric && $0.lastSeen >= first && $0.firstSeen < to && query.matches($0.key.tags)
        }
        guard !selected.isEmpty else { return [] }
        var groups: [[Tag]: [SeriesKey]] = [:]
        for info in selected {
            let tags = query.groupBy.map { Tag($0, info.key.tag($0) ?? "none") }
            groups[tags, default: []].append(info.key)
        }
        let rollups = try reader.rollups(of: selected.map(\.key), from: first, to: to)

        /// The merged minutes of `key`, one per bucket.
        func bucketed(_ key: SeriesKey, into buckets: inout [Rollup?]) {
            for minute in rollups[key] ?? [] where minute.minute >= first && minute.minute < to {
                let i = Int((minute.minute - first) / bucketStep)
                guard i < buckets.count, minute.rollup.count > 0 else { continue }
                if buckets[i] == nil { buckets[i] = minute.rollup } else { buckets[i]!.merge(minute.rollup) }
            }
        }

        var out: [ResultSeries] = []
        for tags in groups.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let keys = groups[tags]!.sorted()
            var values = [Double?](repeating: nil, count: starts.count)
            if let rollup = query.rollup {
                // Per series first, then across the group.
                var perBucket = [[(value: Double, lastTime: Int64)]](repeating: [], count: starts.count)
                for key in keys {
                    var buckets = [Rollup?](repeating: nil, count: starts.count)
                    bucketed(key, into: &buckets)
                    for (i, b) in buckets.enumerated() {
                        if let b, b.count > 0, let v = b.value(rollup.aggregation) { perBucket[i].append((v, b.lastTime)) }
                    }
                }
                for i in values.indices { values[i] = QueryEngine.combine(perBucket[i], query.aggregation) }
            } else {
                var buckets = [Rollup?](repeating: nil, count: starts.count)
                for key in keys { bucketed(key, into: &buckets) }
                for (i, b) in buckets.enumerated() {
                    if let b, b.count > 0 { values[i] = b.value(query.aggregation) }
                }
            }
            out.append(
                ResultSeries(
                    metric: query.metric, aggregation: query.aggregation.name, tags: tags,
                    points: Array(zip(starts, values)).map { (time: $0.0, value: $0.1) }))
        }
        return out
    }

    /// The series values of one bucket combined with `aggregation` (nil when there are none).
    static func combine(_ values: [(value: Double, lastTime: Int64)], _ aggregation: Aggregation) -> Double? {
        guard !values.isEmpty else { return nil }
        switch aggregation {
        case .sum: return values.reduce(0) { $0 + $1.value }
        case .avg: return values.reduce(0) { $0 + $1.value } / Double(values.count)
        case .min: return values.map(\.value).min()
        case .max: return values.map(\.value).max()
        case .count: return Double(values.count)
        case .last:
            var best = values[0]
            for v in values.dropFirst() where v.lastTime >= best.lastTime { best = v }
            return best.value
        case .quantile(let q):
            let sorted = values.map(\.value).sorted()
            // Nearest rank ⌈q·n⌉, the convention of the sketches.
            let nearest = Int((Swift.max(0, Swift.min(1, q)) * Double(sorted.count) - 1e-9).rounded(.up))
            return sorted[Swift.min(Swift.max(nearest - 1, 0), sorted.count - 1)]
        }
    }

    // MARK: Arithmetic

    static func combine(_ op: QueryExpression.Operator, _ lhs: Value, _ rhs: Value) -> Value {
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)):
            return .scalar(op.apply(a, b))
        case (.series(let s), .scalar(let b)):
            return .series(s.map { map($0) { op.apply($0, b) } })
        case (.scalar(let a), .series(let s)):
            return .series(s.map { map($0) { op.apply(a, $0) } })
        case (.series(let ls), .series(let rs)):
            let lone: (([ResultSeries]) -> Bool) = { $0.count == 1 && $0[0].tags.isEmpty }
            if lone(rs) && !lone(ls) {
                return .series(ls.map { pair(op, $0, rs[0], tags: $0.tags) })
            }
            if lone(ls) && !lone(rs) {
                return .series(rs.map { pair(op, ls[0], $0, tags: $0.tags) })
            }
            var byTags: [[Tag]: ResultSeries] = [:]
            for r in rs where byTags[r.tags] == nil { byTags[r.tags] = r }
            return .series(ls.compactMap { l in byTags[l.tags].map { pair(op, l, $0, tags: l.tags) } })
        }
    }

    /// `s` with `transform` applied to every value.
    static func map(_ s: ResultSeries, _ transform: (Double?) -> Double?) -> ResultSeries {
        var out = s
        out.points = s.points.map { (time: $0.time, value: transform($0.value)) }
        return out
    }

    /// `l op r` point by point over the union of their times (nil where either lacks a point).
    static func pair(_ op: QueryExpression.Operator, _ l: ResultSeries, _ r: ResultSeries, tags: [Tag]) -> ResultSeries {
        var points: [(time: Int64, value: Double?)] = []
        points.reserveCapacity(Swift.max(l.points.count, r.points.count))
        var i = 0, j = 0
        while i < l.points.count || j < r.points.count {
            if j == r.points.count || (i < l.points.count && l.points[i].time < r.points[j].time) {
                points.append((l.points[i].time, nil))
                i += 1
            } else if i == l.points.count || r.points[j].time < l.points[i].time {
                points.append((r.points[j].time, nil))
                j += 1
            } else {
                points.append((l.points[i].time, op.apply(l.points[i].value, r.points[j].value)))
                i += 1
                j += 1
            }
        }
        return ResultSeries(metric: l.metric, aggregation: l.aggregation, tags: tags, points: points)
    }
}
