/// The two-proportion z test (pooled variance): is the share of events in a second sample
/// different from the first? `z = (p₂ − p₁) / √(p̄(1−p̄)(1/n₁ + 1/n₂))` with `p̄ = (x₁+x₂)/(n₁+n₂)`.
///
/// The normal approximation is poor when few events are expected (it called 0 of 800 against 4
/// of 202 p = 6e-05, where the exact answer is 0.0016): when any cell of the 2×2 table expects
/// fewer than 5, the p-value is Fisher's exact test instead (two-sided, summing the tables no
/// more likely than the observed one, as SciPy's `fisher_exact`), and `exact` is true.
public struct TwoProportionTest: Sendable, Equatable {
    /// The two proportions x₁/n₁ and x₂/n₂.
    public var p1: Double
    public var p2: Double
    /// z, positive when the second proportion is larger; 0 when the pooled variance is 0.
    public var z: Double
    /// The two-sided p-value (1 when the pooled variance is 0: no events, or only events).
    public var pValue: Double
    /// Whether `pValue` is Fisher's exact test's (few expected events) rather than the normal's.
    public var exact: Bool = false
    /// The difference p₂ − p₁.
    public var difference: Double { p2 - p1 }

    /// Tests `events2` of `trials2` against `events1` of `trials1`; nil when either has no trials
    /// or more events than trials.
    public static func test(events1: Double, trials1: Double, events2: Double, trials2: Double) -> TwoProportionTest? {
        guard trials1 > 0, trials2 > 0, events1 >= 0, events2 >= 0, events1 <= trials1, events2 <= trials2 else {
            return nil
        }
        let p1 = events1 / trials1, p2 = events2 / trials2
        let pooled = (events1 + events2) / (trials1 + trials2)
        let variance = pooled * (1 - pooled) * (1 / trials1 + 1 / trials2)
        guard variance > 0 else { return TwoProportionTest(p1: p1, p2: p2, z: 0, pValue: 1) }
        let z = (p2 - p1) / variance.squareRoot()
        let total = trials1 + trials2
        let events = events1 + events2
        let smallest = Swift.min(events, total - events) * Swift.min(trials1, trials2) / total
        if smallest < 5 {
            let p = fisherExact(events1: events1, trials1: trials1, events2: events2, trials2: trials2)
            return TwoProportionTest(p1: p1, p2: p2, z: z, pValue: p, exact: true)
        }
        return TwoProportionTest(p1: p1, p2: p2, z: z, pValue: NormalDistribution.twoSidedP(z))
    }

    /// Fisher's exact test, two-sided: the probability, given both margins, of a table no more
    /// likely than the observed one. The events of the second sample follow a hypergeometric
    /// law; its weights are built by the ratio of consecutive terms, in logarithms.
    public static func fisherExact(events1: Double, trials1: Double, events2: Double, trials2: Double) -> Double {
        var (x1, n1, x2, n2) = (events1.rounded(), trials1.rounded(), events2.rounded(), trials2.rounded())
        // Events and non-events play symmetric parts: keep the rarer as "events" (fewer terms).
        if x1 + x2 > (n1 + n2) / 2 { (x1, x2) = (n1 - x1, n2 - x2) }
        let k = x1 + x2
        let lo = Swift.max(0, k - n1), hi = Swift.min(k, n2)
        guard hi > lo else { return 1 }
        var logs: [Double] = [0]
        var w = 0.0
        var j = lo
        while j < hi {
            // P(j+1)/P(j) = (k − j)(n2 − j) / ((j + 1)(n1 − k + j + 1))
            w += FastLog.log((k - j) * (n2 - j)) - FastLog.log((j + 1) * (n1 - k + j + 1))
            logs.append(w)
            j += 1
        }
        let top = logs.max()!
        let observed = logs[Int(x2 - lo)]
        var all = 0.0, asLikely = 0.0
        for l in logs {
            let p = FastLog.exp(l - top)
            all += p
            if l <= observed + 1e-7 { asLikely += p }
        }
        return Swift.min(1, asLikely / all)
    }
}
