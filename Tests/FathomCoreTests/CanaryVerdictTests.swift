import Testing

@testable import FathomCore

/// The overall verdict from per-metric classifications: Kayenta's score, critical metrics,
/// the minimum traffic, and the per-metric bounds.
@Suite struct CanaryVerdictTests {
    func row(_ name: String, _ c: CanaryClassification) -> CanaryMetricResult {
        CanaryMetricResult(
            name: name, test: "mann-whitney", baseline: 1, canary: 1, change: 0, statistic: 0, pValue: 1, effectSize: 0.5,
            baselineCount: 500, canaryCount: 500, classification: c, reason: "why")
    }

    func decide(_ rows: [CanaryMetricResult], baseline: Int = 500, canary: Int = 500) -> CanaryReport {
        var r = CanaryReport(
            function: "f", baseline: "1", canary: "2", from: 0, to: 60_000, baselineInvocations: baseline,
            canaryInvocations: canary, minInvocations: 100, verdict: .inconclusive, score: nil, reasons: [], metrics: rows)
        CanaryJudge.decide(&r, config: CanaryJudge.Config())
        return r
    }

    @Test func scoreThresholdsAndCriticalMetrics() {
        let passing = ["duration.p50", "error_rate", "timeout_rate", "max_memory_used"].map { row($0, .pass) }
        let allPass = decide(passing + [row("init_duration", .nodata)])
        #expect(allPass.verdict == .pass && allPass.score == 100)
        #expect(allPass.reasons == ["4 of 4 metrics passed, score 100.0 (pass from 75)", "not scored (too little data): init_duration"])
        // one non-critical fail of 4: score 75 → still pass
        let oneFail = decide(Array(passing.prefix(3)) + [row("max_memory_used", .fail)])
        #expect(oneFail.verdict == .pass && oneFail.score == 75)
        #expect(oneFail.reasons.contains("max_memory_used fail: why"))
        // 2 of 4 pass (a fail and a marginal): 50 → marginal; 1 of 4: fail
        let half = decide(Array(passing.prefix(2)) + [row("timeout_rate", .marginal), row("max_memory_used", .fail)])
        #expect(half.verdict == .marginal && half.score == 50)
        #expect(half.reasons.dropFirst().first == "max_memory_used fail: why", "fails before marginals")
        let low = decide([row("duration.p50", .pass), row("a", .fail), row("b", .fail), row("c", .marginal)])
        #expect(low.verdict == .fail && low.score == 25)
        // a critical fail fails whatever the score
        let critical = decide(passing.dropFirst() + [row("duration.p50", .pass), row("error_rate", .fail)])
        #expect(critical.verdict == .fail)
        #expect(critical.reasons.first?.hasPrefix("critical metric error_rate failed") == true)
    }

    @Test func tooLittleTrafficOrNoDataIsInconclusive() {
        let r = decide([row("duration.p50", .fail)], baseline: 99, canary: 5)
        #expect(r.verdict == .inconclusive && r.score == nil)
        #expect(r.reasons == [
            "baseline 1 has 99 invocations; at least 100 per version are needed",
            "canary 2 has 5 invocations; at least 100 per version are needed",
        ])
        #expect(decide([row("duration.p50", .nodata)]).verdict == .inconclusive)
    }

    @Test func distributionBoundsNeedSignificanceEffectAndChange() throws {
        let config = CanaryJudge.Config()
        func mw(p: Double, cles: Double) -> MannWhitney { MannWhitney(u: 0, z: 0, pValue: p, cles: cles, n1: 100, n2: 100) }
        func cls(_ m: MannWhitney, _ change: Double?, _ d: CanaryMetrics.Direction = .increase) -> CanaryClassification {
            CanaryMetrics.classify(m, change: change, direction: d, alpha: 0.005, config: config).0
        }
        #expect(cls(mw(p: 1e-9, cles: 0.75), 0.5) == .fail)
        #expect(cls(mw(p: 0.01, cles: 0.75), 0.5) == .pass, "not significant")
        #expect(cls(mw(p: 1e-9, cles: 0.60), 0.5) == .marginal, "small effect")
        #expect(cls(mw(p: 1e-9, cles: 0.75), 0.07) == .marginal, "small change")
        #expect(cls(mw(p: 1e-9, cles: 0.52), 0.5) == .pass, "negligible effect")
        #expect(cls(mw(p: 1e-9, cles: 0.25), -0.5) == .pass, "better")
        #expect(cls(mw(p: 1e-9, cles: 0.25), -0.5, .either) == .fail, "custom metrics: either direction")
        #expect(cls(mw(p: 1e-9, cles: 0.75), nil) == .fail, "baseline 0: the effect decides")
        let rate = { (x1: Double, x2: Double) in
            CanaryMetrics.classifyRate(
                TwoProportionTest.test(events1: x1, trials1: 10_000, events2: x2, trials2: 10_000)!, alpha: 0.005, config: config).0
        }
        #expect(rate(50, 300) == .fail)  // 0.5 % → 3 %
        #expect(rate(50, 120) == .marginal)  // 0.5 % → 1.2 %
        #expect(rate(50, 60) == .pass)  // not significant
        #expect(rate(300, 50) == .pass)  // better
    }
}
