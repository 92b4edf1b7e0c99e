/// Judges a canary version of a function against its baseline from the store's rollups.
///
/// Per metric (see docs/canary.md):
/// - duration (p50, p90, p99 rows, one Mann-Whitney U test on the whole distribution), init
///   duration, max memory used and every custom metric both versions emit: Mann-Whitney U on the
///   sketches' bins, effect size = common-language effect size P(canary > baseline);
/// - error, timeout and cold start rates: a two-proportion z test, effect = the difference.
///
/// A metric fails only when the change is BOTH significant (p below the family α divided by the
/// number of tests, Bonferroni) AND material in the bad direction (higher is worse for every
/// built-in metric; a custom metric counts a change either way). Marginal is significant and
/// material at the smaller bound. The verdict is Inconclusive below `minInvocations` on either
/// side; otherwise Kayenta's score 100·pass/(pass+marginal+fail) over the metrics with data,
/// where a failing critical metric (`error_rate`, `duration.*`) fails the canary outright.
public enum CanaryJudge {
    /// The judge's thresholds.
    public struct Config: Sendable, Equatable {
        /// The fewest invocations per side for a verdict other than Inconclusive.
        public var minInvocations: Int = 100
        /// The fewest samples per side for a distribution metric to be tested (else `nodata`).
        public var minSamples: Int = 10
        /// The family-wise significance level, split evenly across the tests (Bonferroni).
        public var familyAlpha: Double = 0.05
        /// Common-language effect size P(canary > baseline) from which a significant distribution
        /// change is marginal / fails (Vargha-Delaney's "small" and "medium" effects); a custom
        /// metric uses the same distance from 0.5 in either direction.
        public var clesMarginal: Double = 0.56
        public var clesFail: Double = 0.64
        /// The relative change of the row's value (the quantile, or the median) a distribution
        /// change must also reach to be marginal / fail.
        public var relativeMarginal: Double = 0.05
        public var relativeFail: Double = 0.10
        /// The increase of a rate (canary − baseline, as a fraction) from which a significant
        /// change is marginal / fails: 0.2 and 1 percentage point.
        public var rateMarginal: Double = 0.002
        public var rateFail: Double = 0.01
        /// Score (0…100) from which the verdict is pass, and marginal (below: fail).
        public var passScore: Double = 75
        public var marginalScore: Double = 50
        /// Metrics whose failure fails the canary whatever the score.
        public var criticalMetrics: [String] = ["error_rate", "duration.p50", "duration.p90", "duration.p99"]
        public init() {}
    }

    /// Compares `canary` with `baseline` of `function` over `[from, to)`.
    public static func compare(
        reader: any MetricReader, function: String, baseline: String, canary: String, from: Int64, to: Int64,
        config: Config = Config()
    ) throws -> CanaryReport {
        let data = try CanaryData.load(
            reader: reader, function: function, baseline: baseline, canary: canary, from: from, to: to)
        let nb = Int(data.baseline["fn.invocations"]?.count ?? 0)
        let nc = Int(data.canary["fn.invocations"]?.count ?? 0)
        let metrics = CanaryMetrics.compute(data, config: config)
        var report = CanaryReport(
            function: function, baseline: baseline, canary: canary, from: from, to: to, baselineInvocations: nb,
            canaryInvocations: nc, minInvocations: config.minInvocations, verdict: .inconclusive, score: nil,
            reasons: [], metrics: metrics)
        decide(&report, config: config)
        return report
    }

    /// Sets the verdict, score and reasons of `report` from its metrics and invocation counts.
    static func decide(_ report: inout CanaryReport, config: Config) {
        var short: [String] = []
        for (role, version, n) in [
            ("baseline", report.baseline, report.baselineInvocations), ("canary", report.canary, report.canaryInvocations),
        ] where n < config.minInvocations {
            short.append(
                "\(role) \(version) has \(Renderers.plural(n, "invocation")); at least \(config.minInvocations) per version are needed")
        }
        if !short.isEmpty {
            report.verdict = .inconclusive
            report.score = nil
            report.reasons = short
            return
        }
        let scored = report.metrics.filter { $0.classification != .nodata }
        guard !scored.isEmpty else {
            report.verdict = .inconclusive
            report.reasons = ["no metric has data on both sides"]
            return
        }
        let passed = scored.filter { $0.classification == .pass }.count
        let score = 100 * Double(passed) / Double(scored.count)
        report.score = score
        let criticalFails = scored.filter { $0.classification == .fail && config.criticalMetrics.contains($0.name) }
        var reasons: [String] = []
        let tally = "\(passed) of \(scored.count) metrics passed, score \(NumberFormat.fixed(score, 1))"
        if !criticalFails.isEmpty {
            report.verdict = .fail
            reasons.append(
                "critical metric\(criticalFails.count == 1 ? "" : "s") "
                    + criticalFails.map(\.name).joined(separator: ", ") + " failed (\(tally))")
        } else if score >= config.passScore {
            report.verdict = .pass
            reasons.append("\(tally) (pass from \(NumberFormat.compact(config.passScore)))")
        } else if score >= config.marginalScore {
            report.verdict = .marginal
            reasons.append(
                "\(tally) (pass from \(NumberFormat.compact(config.passScore)), marginal from \(NumberFormat.compact(config.marginalScore)))")
        } else {
            report.verdict = .fail
            reasons.append("\(tally) (below \(NumberFormat.compact(config.marginalScore)) fails)")
        }
        // Then every failed metric, then every marginal one.
        for cls in [CanaryClassification.fail, .marginal] {
            for m in scored where m.classification == cls {
                reasons.append("\(m.name) \(cls.rawValue): \(m.reason)")
            }
        }
        let noData = report.metrics.filter { $0.classification == .nodata }.map(\.name)
        if !noData.isEmpty { reasons.append("not scored (too little data): " + noData.joined(separator: ", ")) }
        report.reasons = reasons
    }

    /// The two versions of `function` that served traffic in `[from, to)`: the newest is the
    /// canary, the one before it the baseline (by `FunctionSummaries.versionPrecedes`); nil when
    /// fewer than two did.
    public static func versions(reader: any MetricReader, function: String, from: Int64, to: Int64) throws -> (
        baseline: String, canary: String
    )? {
        let keys = try reader.series(named: "fn.invocations").map(\.key).filter { $0.tag("function") == function }
        let minutes = try reader.rollups(of: keys, from: from, to: to)
        var served: Set<String> = []
        for key in keys where (minutes[key] ?? []).contains(where: { $0.rollup.count > 0 }) {
            served.insert(key.tag("version") ?? "")
        }
        let sorted = served.sorted(by: FunctionSummaries.versionPrecedes)
        guard sorted.count >= 2 else { return nil }
        return (sorted[sorted.count - 2], sorted[sorted.count - 1])
    }

    /// Every version of `function` the store has invocations of, at any time, oldest first
    /// (for error messages that list what exists).
    public static func knownVersions(reader: any MetricReader, function: String) throws -> [String] {
        let versions = Set(try reader.series(named: "fn.invocations").map(\.key)
            .filter { $0.tag("function") == function }.map { $0.tag("version") ?? "" })
        return versions.sorted(by: FunctionSummaries.versionPrecedes)
    }

    /// Every function the store has invocations of, at any time, sorted.
    public static func knownFunctions(reader: any MetricReader) throws -> [String] {
        Set(try reader.series(named: "fn.invocations").compactMap { $0.key.tag("function") }).sorted()
    }
}
