/// What the daemon keeps in memory to answer `GET /metrics` without reading the store: per
/// series, cumulative totals since the store began, and for distributions the per-minute rollups
/// of a short recent window for quantiles.
///
/// Feed it the rollups of every committed `IngestBatch` (`add`), after `seed`ing it from the
/// store's totals when the daemon starts. `render(into:)` writes the Prometheus exposition; see
/// `CumulativeMetrics+Render.swift` for how series become families.
public struct CumulativeMetrics: Sendable {
    /// Totals of one series.
    struct Totals: Sendable {
        /// Number of values, and their sum (for `count` series the sum is the counter's value).
        var count: UInt64 = 0
        var sum: Double = 0
        /// The value with the latest event time (ties: the larger value), and that time in ms.
        var last: Double = 0
        var lastTime: Int64 = .min
        /// Distributions only: minute start (ms) → rollup of that minute, for minutes within the
        /// window that ends at `newestMinute`.
        var window: [Int64: Rollup] = [:]
        var newestMinute: Int64 = .min
        /// Where the series goes in the exposition, worked out once.
        let placement: PrometheusPlacement

        init(_ key: SeriesKey) { placement = PrometheusPlacement(key) }

        mutating func addTotals(count: UInt64, sum: Double, last: Double, lastTime: Int64) {
            guard count > 0 else { return }
            if self.count == 0 || lastTime > self.lastTime || (lastTime == self.lastTime && last > self.last) {
                self.last = last
                self.lastTime = lastTime
            }
            self.count += count
            self.sum += sum
        }

        /// The merged rollup of the window (empty when nothing recent is known).
        var recent: Rollup {
            var r = Rollup()
            for minute in window.keys.sorted() { r.merge(window[minute]!) }
            return r
        }
    }

    /// How many minutes of distribution values the quantiles describe, counted back from the
    /// newest minute seen for each series (that minute included).
    public let windowMinutes: Int
    var series: [SeriesKey: Totals] = [:]

    /// An empty state whose quantiles cover the last `windowMinutes` minutes of each series
    /// (0 or less: no quantiles, only sums and counts).
    public init(windowMinutes: Int = 5) {
        self.windowMinutes = Swift.max(0, windowMinutes)
    }

    /// Number of series known.
    public var seriesCount: Int { series.count }

    /// Adds the per-minute rollups of one committed batch (`IngestBatch.rollups`: series →
    /// minute start in ms → rollup). Every value counts in the totals; for distributions, the
    /// minutes that fall out of the window are dropped from the quantiles.
    public mutating func add(_ rollups: [SeriesKey: [Int64: Rollup]]) {
        for (key, minutes) in rollups {
            var t = series[key] ?? Totals(key)
            let keep = key.kind == .distribution && windowMinutes > 0
            for minute in minutes.keys.sorted() {
                let r = minutes[minute]!
                guard r.count > 0 else { continue }
                t.addTotals(count: r.count, sum: r.sum, last: r.last, lastTime: r.lastTime)
                if keep { t.newestMinute = Swift.max(t.newestMinute, minute) }
            }
            if keep && t.newestMinute != .min {
                let oldest = t.newestMinute - Int64(windowMinutes - 1) * 60_000
                for (minute, r) in minutes where minute >= oldest && r.count > 0 {
                    t.window[minute, default: Rollup()].merge(r)
                }
                t.window = t.window.filter { $0.key >= oldest }
            }
            series[key] = t
        }
    }

    /// Adds totals the store already holds for `key` (when the daemon starts): `count` values
    /// summing to `sum`, the latest being `last` at `lastTime` (ms). They count in sums, counts
    /// and latest values, never in quantiles. Seeding a count of 0 only registers the series.
    public mutating func seed(_ key: SeriesKey, count: UInt64, sum: Double, last: Double, lastTime: Int64) {
        var t = series[key] ?? Totals(key)
        t.addTotals(count: count, sum: sum, last: last, lastTime: lastTime)
        series[key] = t
    }
}
