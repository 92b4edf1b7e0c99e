/// Count, sum, extremes, mean and quantiles of a distribution (durations of a function version),
/// taken from a merged `Rollup`: exact count, sum, min, max and mean; quantiles from its sketch
/// (1 % relative accuracy, clamped into [min, max]).
public struct DistributionStats: Sendable, Equatable {
    public var count: Int
    public var sum: Double
    public var min: Double
    public var max: Double
    public var avg: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double

    /// Stats from their values.
    public init(
        count: Int, sum: Double, min: Double, max: Double, avg: Double,
        p50: Double, p90: Double, p95: Double, p99: Double
    ) {
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.avg = avg
        self.p50 = p50
        self.p90 = p90
        self.p95 = p95
        self.p99 = p99
    }

    /// The stats of `rollup`, or nil when it is empty.
    public init?(_ rollup: Rollup) {
        guard rollup.count > 0, let avg = rollup.avg,
            let p50 = rollup.value(.quantile(0.5)), let p90 = rollup.value(.quantile(0.9)),
            let p95 = rollup.value(.quantile(0.95)), let p99 = rollup.value(.quantile(0.99))
        else { return nil }
        self.init(
            count: Int(rollup.count), sum: rollup.sum, min: rollup.min, max: rollup.max, avg: avg,
            p50: p50, p90: p90, p95: p95, p99: p99)
    }
}
