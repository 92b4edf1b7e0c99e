/// Judges a canary version of a function against its baseline from the store's rollups.
///
/// STUB (interface fixed, implementation pending): returns Inconclusive.
public enum CanaryJudge {
    /// The judge's thresholds.
    public struct Config: Sendable, Equatable {
        /// The fewest invocations per side for a verdict other than Inconclusive.
        public var minInvocations: Int = 100
        public init() {}
    }

    /// Compares `canary` with `baseline` of `function` over `[from, to)`.
    public static func compare(
        reader: any MetricReader, function: String, baseline: String, canary: String, from: Int64, to: Int64,
        config: Config = Config()
    ) throws -> CanaryReport {
        CanaryReport(
            function: function, baseline: baseline, canary: canary, from: from, to: to, baselineInvocations: 0,
            canaryInvocations: 0, minInvocations: config.minInvocations, verdict: .inconclusive, score: nil,
            reasons: ["not implemented"], metrics: [])
    }

    /// The two versions of `function` that served traffic in `[from, to)`: the newest is the
    /// canary, the one before it the baseline (by `FunctionSummaries.versionPrecedes`); nil when
    /// fewer than two did.
    public static func versions(reader: any MetricReader, function: String, from: Int64, to: Int64) throws -> (
        baseline: String, canary: String
    )? {
        nil
    }
}
