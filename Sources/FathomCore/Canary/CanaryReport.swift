/// The overall verdict on a canary version against its baseline (Kayenta's classification, plus
/// Inconclusive when either side has too little traffic to judge).
public enum CanaryVerdict: String, Sendable, Equatable, CaseIterable {
    case pass, marginal, fail, inconclusive
}

/// The judgement of one compared metric.
public enum CanaryClassification: String, Sendable, Equatable, CaseIterable {
    /// No significant, material change in the bad direction.
    case pass
    /// Significant and material, but within the fail bound.
    case marginal
    /// Significantly and materially worse.
    case fail
    /// One side has no data for this metric; not scored.
    case nodata
}

/// One compared metric: both sides, the change, the test and its classification.
public struct CanaryMetricResult: Sendable, Equatable {
    /// `duration.p50`, `error_rate`, `cold_start_rate`, `init_duration`, `max_memory_used`,
    /// or a custom metric's name.
    public var name: String
    /// `mann-whitney` (distributions) or `two-proportion` (rates).
    public var test: String
    /// The baseline's and the canary's value (the quantile, the rate, or the median).
    public var baseline: Double?
    public var canary: Double?
    /// (canary − baseline) / |baseline|; nil when the baseline is 0 or missing.
    public var change: Double?
    /// The test statistic (z for both tests), its two-sided p-value and the effect size
    /// (common-language effect size for Mann-Whitney, the difference of proportions for rates).
    public var statistic: Double?
    public var pValue: Double?
    public var effectSize: Double?
    /// How many samples each side had.
    public var baselineCount: Int
    public var canaryCount: Int
    public var classification: CanaryClassification
    /// Why it was classified so, in words (empty for an unremarkable pass).
    public var reason: String

    public init(
        name: String, test: String, baseline: Double?, canary: Double?, change: Double?, statistic: Double?,
        pValue: Double?, effectSize: Double?, baselineCount: Int, canaryCount: Int,
        classification: CanaryClassification, reason: String
    ) {
        self.name = name
        self.test = test
        self.baseline = baseline
        self.canary = canary
        self.change = change
        self.statistic = statistic
        self.pValue = pValue
        self.effectSize = effectSize
        self.baselineCount = baselineCount
        self.canaryCount = canaryCount
        self.classification = classification
        self.reason = reason
    }
}

/// The result of comparing a canary version of a function with its baseline over a window.
public struct CanaryReport: Sendable, Equatable {
    public var function: String
    public var baseline: String
    public var canary: String
    /// The window, ms since the epoch, `[from, to)`.
    public var from: Int64
    public var to: Int64
    /// Invocations of each version in the window.
    public var baselineInvocations: Int
    public var canaryInvocations: Int
    /// The fewest invocations per side a verdict other than Inconclusive needs.
    public var minInvocations: Int
    public var verdict: CanaryVerdict
    /// 0…100: the share of scored metrics that passed (Kayenta's score); nil when inconclusive.
    public var score: Double?
    /// Why the verdict is what it is, most important first.
    public var reasons: [String]
    /// One result per compared metric, built-in metrics first, then custom ones by name.
    public var metrics: [CanaryMetricResult]

    public init(
        function: String, baseline: String, canary: String, from: Int64, to: Int64, baselineInvocations: Int,
        canaryInvocations: Int, minInvocations: Int, verdict: CanaryVerdict, score: Double?, reasons: [String],
        metrics: [CanaryMetricResult]
    ) {
        self.function = function
        self.baseline = baseline
        self.canary = canary
        self.from = from
        self.to = to
        self.baselineInvocations = baselineInvocations
        self.canaryInvocations = canaryInvocations
        self.minInvocations = minInvocations
        self.verdict = verdict
        self.score = score
        self.reasons = reasons
        self.metrics = metrics
    }
}
