/// Builds and classifies the compared metrics of a canary report.
enum CanaryMetrics {
    /// Which way a change is bad.
    enum Direction {
        /// Higher is worse (every built-in metric).
        case increase
        /// A change either way counts (custom metrics: Fathom cannot know what they mean).
        case either
    }

    /// One planned test before classification.
    private enum Plan {
        case distribution(name: String, metric: String, quantile: Double?, direction: Direction)
        case rate(name: String, metric: String)
    }

    /// Every row: duration p50/p90/p99, error, timeout and cold start rates, init duration, max
    /// memory used, then the custom metrics both versions emit, by name.
    static func compute(_ data: CanaryData, config: CanaryJudge.Config) -> [CanaryMetricResult] {
        var plans: [Plan] = [
            .distribution(name: "duration.p50", metric: "fn.duration", quantile: 0.5, direction: .increase),
            .distribution(name: "duration.p90", metric: "fn.duration", quantile: 0.9, direction: .increase),
            .distribution(name: "duration.p99", metric: "fn.duration", quantile: 0.99, direction: .increase),
            .rate(name: "error_rate", metric: "fn.errors"),
            .rate(name: "timeout_rate", metric: "fn.timeouts"),
            .rate(name: "cold_start_rate", metric: "fn.cold_starts"),
            .distribution(name: "init_duration", metric: "fn.init_duration", quantile: nil, direction: .increase),
            .distribution(name: "max_memory_used", metric: "fn.max_memory_used", quantile: nil, direction: .increase),
        ]
        for name in data.sharedCustomNames {
            plans.append(.distribution(name: name, metric: name, quantile: nil, direction: .either))
        }
        // Bonferroni over the tests that run (the three duration rows share one test).
        var tests = Set<String>()
        for plan in plans {
            switch plan {
            case .distribution(_, let metric, _, _):
                let (b, c) = (data.baseline[metric], data.canary[metric])
                if let b, let c, b.count >= UInt64(config.minSamples), c.count >= UInt64(config.minSamples) {
                    tests.insert(metric)
                }
            case .rate(_, let metric):
                if (data.baseline[metric]?.count ?? 0) > 0, (data.canary[metric]?.count ?? 0) > 0 { tests.insert(metric) }
            }
        }
        let alpha = config.familyAlpha / Double(Swift.max(tests.count, 1))
        var tested: [String: MannWhitney] = [:]
        var out: [CanaryMetricResult] = []
        for plan in plans {
            switch plan {
            case .distribution(let name, let metric, let quantile, let direction):
                let b = data.baseline[metric] ?? Rollup()
                let c = data.canary[metric] ?? Rollup()
                let agg = Aggregation.quantile(quantile ?? 0.5)
                var row = CanaryMetricResult(
                    name: name, test: "mann-whitney", baseline: b.value(agg), canary: c.value(agg), change: nil,
                    statistic: nil, pValue: nil, effectSize: nil, baselineCount: Int(b.count), canaryCount: Int(c.count),
                    classification: .nodata, reason: "")
                row.change = relativeChange(row.baseline, row.canary)
                guard b.count >= UInt64(config.minSamples), c.count >= UInt64(config.minSamples) else {
                    row.reason = noDataReason(b.count, c.count, config.minSamples)
                    out.append(row)
                    continue
                }
                let mw = tested[metric] ?? MannWhitney.test(c.sketch.valueBins, b.sketch.valueBins)
                tested[metric] = mw
                guard let mw else {
                    out.append(row)
                    continue
                }
                row.statistic = mw.z
                row.pValue = mw.pValue
                row.effectSize = mw.cles
                (row.classification, row.reason) = classify(
                    mw, change: row.change, direction: direction, alpha: alpha, config: config)
                out.append(row)
            case .rate(let name, let metric):
                let b = data.baseline[metric] ?? Rollup()
                let c = data.canary[metric] ?? Rollup()
                // Each invocation adds 0 or 1: count = invocations, sum = events.
                let (xb, nb) = (b.sum.rounded(), Double(b.count))
                let (xc, nc) = (c.sum.rounded(), Double(c.count))
                var row = CanaryMetricResult(
                    name: name, test: "two-proportion", baseline: nb > 0 ? xb / nb : nil, canary: nc > 0 ? xc / nc : nil,
                    change: nil, statistic: nil, pValue: nil, effectSize: nil, baselineCount: Int(b.count),
                    canaryCount: Int(c.count), classification: .nodata, reason: "")
                row.change = relativeChange(row.baseline, row.canary)
                guard let t = TwoProportionTest.test(events1: xb, trials1: nb, events2: xc, trials2: nc) else {
                    row.reason = noDataReason(b.count, c.count, 1)
                    out.append(row)
                    continue
                }
                row.statistic = t.z
                row.pValue = t.pValue
                row.effectSize = t.difference
                (row.classification, row.reason) = classifyRate(t, alpha: alpha, config: config)
                out.append(row)
            }
        }
        return out
    }

    /// (canary − baseline) / |baseline|; nil when either is missing or the baseline is 0.
    static func relativeChange(_ b: Double?, _ c: Double?) -> Double? {
        guard let b, let c, b != 0 else { return nil }
        return (c - b) / b.magnitude
    }

    static func noDataReason(_ b: UInt64, _ c: UInt64, _ needed: Int) -> String {
        "baseline has \(b), canary \(c) sample\(c == 1 ? "" : "s"); at least \(needed) per version are needed"
    }

    /// A distribution metric: significant, and material by both the effect size and the row's
    /// relative change (a missing change, from a baseline of 0, does not hold a fail back).
    static func classify(
        _ mw: MannWhitney, change: Double?, direction: Direction, alpha: Double, config: CanaryJudge.Config
    ) -> (CanaryClassification, String) {
        let effect = mw.cles - 0.5
        let significant = mw.pValue < alpha
        let higher = effect > 0
        let badEffect: Double, badChange: Double
        switch direction {
        case .increase:
            badEffect = effect
            badChange = change ?? (higher ? .infinity : 0)
        case .either:
            badEffect = effect.magnitude
            badChange = change.map { $0.magnitude } ?? .infinity
        }
        let detail =
            "change \(CanaryFormat.change(change)), "
            + "P(canary > baseline) = \(NumberFormat.fixed(mw.cles, 3)), p = \(CanaryFormat.p(mw.pValue)) "
            + "(α = \(CanaryFormat.p(alpha)))"
        let words = "canary \(higher ? "higher" : "lower"): " + detail
        guard significant else { return (.pass, "") }
        if badEffect >= config.clesFail - 0.5 && badChange >= config.relativeFail { return (.fail, words) }
        if badEffect >= config.clesMarginal - 0.5 && badChange >= config.relativeMarginal { return (.marginal, words) }
        if direction == .increase && !higher { return (.pass, "canary lower (better): " + detail) }
        return (.pass, "significant but small: " + words)
    }

    /// A rate: significant, and an increase of at least the marginal / fail bound.
    static func classifyRate(_ t: TwoProportionTest, alpha: Double, config: CanaryJudge.Config) -> (CanaryClassification, String) {
        let d = t.difference
        let words =
            "\(CanaryFormat.percent(t.p1)) → \(CanaryFormat.percent(t.p2)) "
            + "(\(d >= 0 ? "+" : "")\(NumberFormat.fixed(d * 100, 2)) points), \(t.exact ? "Fisher's exact " : "")p = \(CanaryFormat.p(t.pValue)) "
            + "(α = \(CanaryFormat.p(alpha)))"
        guard t.pValue < alpha else { return (.pass, "") }
        if d >= config.rateFail { return (.fail, words) }
        if d >= config.rateMarginal { return (.marginal, words) }
        return (.pass, d < 0 ? "canary lower (better): " + words : "significant but small: " + words)
    }
}

/// Small number formats shared by the judge's reasons and the canary renderer.
enum CanaryFormat {
    /// A p-value: 3 significant digits, `<1e-12` far in the tail.
    static func p(_ p: Double?) -> String {
        guard let p else { return "-" }
        if p >= 0.001 { return NumberFormat.fixed(p, 3) }
        if p < 1e-12 { return "<1e-12" }
        var e = 0
        var m = p
        while m < 1 {
            m *= 10
            e += 1
        }
        return NumberFormat.fixed(m, 1) + "e-" + (e < 10 ? "0" : "") + String(e)
    }

    /// A relative change as a signed percentage with 1 decimal, `-` when unknown.
    static func change(_ c: Double?) -> String {
        guard let c, c.isFinite else { return "-" }
        return (c >= 0 ? "+" : "") + NumberFormat.fixed(c * 100, 1) + "%"
    }

    /// A proportion as a percentage with 2 decimals.
    static func percent(_ x: Double?) -> String {
        guard let x else { return "-" }
        return NumberFormat.fixed(x * 100, 2) + "%"
    }
}
