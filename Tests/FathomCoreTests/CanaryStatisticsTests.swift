import Testing

@testable import FathomCore

/// The canary judge's statistics against values computed independently: by hand for the small
/// cases, and with SciPy 1.17 for the rest (`scipy.special.erfc`;
/// `scipy.stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic",
/// use_continuity=True)`; the pooled two-proportion z with `2 * scipy.stats.norm.sf(|z|)`).
@Suite struct CanaryStatisticsTests {
    /// Relative closeness.
    func close(_ a: Double?, _ b: Double, _ rel: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return (a - b).magnitude <= rel * Swift.max(b.magnitude, 1e-300)
    }

    /// Expands (value, count) pairs for the weighted API from a plain list.
    func weighted(_ values: [Double]) -> [(value: Double, count: UInt64)] {
        var counts: [Double: UInt64] = [:]
        for v in values { counts[v, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    @Test func erfcMatchesSciPy() {
        let cases: [(Double, Double)] = [
            (0, 1.0), (0.1, 0.8875370839817152), (0.5, 0.4795001221869535), (1, 0.15729920705028516),
            (2, 0.004677734981047266), (2.9, 4.109787809945884e-05), (3, 2.2090496998585445e-05),
            (3.5, 7.430983723414129e-07), (5, 1.5374597944280347e-12), (10, 2.0884875837625446e-45),
            (20, 5.395865611607901e-176), (-1, 1.8427007929497148), (-3.2, 1.9999939742388482),
        ]
        for (x, want) in cases {
            // 1 − erf loses a few digits just below 3 (erfc(2.9) is off by 1e-11 relative).
            #expect(close(NormalDistribution.erfc(x), want, 1e-10), "erfc(\(x)) = \(NormalDistribution.erfc(x)), want \(want)")
        }
        #expect(NormalDistribution.erfc(40) == 0)
        #expect(NormalDistribution.erfc(.nan).isNaN)
        // Φ(1.959964) ≈ 0.975, the two-sided 5 % point.
        #expect(close(NormalDistribution.twoSidedP(1.959963984540054), 0.05, 1e-12))
        #expect(close(NormalDistribution.cdf(0), 0.5, 1e-15))
    }

    @Test func mannWhitneyByHand() throws {
        // Every x above every y: U = n1·n2 = 6, CLES = 1; reversed: U = 0.
        let x = weighted([3, 4, 5]), y = weighted([1, 2])
        let up = try #require(MannWhitney.test(x, y))
        #expect(up.u == 6 && up.cles == 1 && up.z > 0)
        let down = try #require(MannWhitney.test(y, x))
        #expect(down.u == 0 && down.cles == 0 && down.z < 0)
        #expect(close(up.pValue, down.pValue, 1e-15))
        // Identical samples: U = n1·n2/2, z = 0, p = 1.
        let same = try #require(MannWhitney.test(x, x))
        #expect(same.u == 4.5 && same.z == 0 && same.pValue == 1 && same.cles == 0.5)
        // All values tied: variance 0, p = 1.
        let tied = try #require(MannWhitney.test([(7, 10)], [(7, 3)]))
        #expect(tied.pValue == 1 && tied.cles == 0.5)
        #expect(MannWhitney.test([], y) == nil)
    }

    @Test func mannWhitneyWithTiesMatchesSciPy() throws {
        // x = [1,2,2,3,5,5,5], y = [2,3,3,4,4,6]. By hand: mid-ranks 1 → 1, 2 → 3, 3 → 6, 4 → 8.5,
        // 5 → 11, 6 → 13; x's rank sum 1 + 3 + 3 + 6 + 3·11 = 46, U = 46 − 7·8/2 = 18.
        // SciPy: U = 18, p = 0.7160846693815506.
        let mw = try #require(MannWhitney.test([(1, 1), (2, 2), (3, 1), (5, 3)], [(2, 1), (3, 2), (4, 2), (6, 1)]))
        #expect(mw.u == 18)
        #expect(close(mw.pValue, 0.7160846693815506))
        #expect(close(mw.cles, 18.0 / 42))
        // Larger patterned samples with many ties.
        let a = weighted((0..<120).map { Double($0 % 17) }), b = weighted((0..<90).map { Double($0 * 7 % 23) })
        let mw2 = try #require(MannWhitney.test(a, b))
        #expect(mw2.u == 3992)
        #expect(close(mw2.pValue, 0.0012214912847969418))
        let c = weighted((0..<500).map { Double($0 % 13 + 3) }), d = weighted((0..<400).map { Double($0 % 11) })
        let mw3 = try #require(MannWhitney.test(c, d))
        #expect(mw3.u == 155124.5)
        #expect(close(mw3.pValue, 3.768287214788206e-46, 1e-7))
    }

    @Test func hodgesLehmannIsTheMedianOfPairwiseDifferences() {
        // [1,2,3] − [0,1]: 1,0,2,1,3,2 → median (1+2)/2 = 1.5.
        #expect(MannWhitney.hodgesLehmann(weighted([1, 2, 3]), weighted([0, 1])) == 1.5)
        // numpy.median(numpy.subtract.outer([1,2,2,3,5,5,5], [2,3,3,4,4,6])) = -1.
        #expect(MannWhitney.hodgesLehmann([(1, 1), (2, 2), (3, 1), (5, 3)], [(2, 1), (3, 2), (4, 2), (6, 1)]) == -1)
        #expect(MannWhitney.hodgesLehmann([], [(1, 1)]) == nil)
    }

    @Test func twoProportionMatchesTheFormula() throws {
        // 10/200 vs 30/250: p̄ = 40/450 (every expected cell ≥ 5: the normal approximation),, z = 2.592790191205172, p = 0.009520082831889145.
        let t = try #require(TwoProportionTest.test(events1: 10, trials1: 200, events2: 30, trials2: 250))
        #expect(close(t.z, 2.592790191205172))
        #expect(close(t.pValue, 0.009520082831889145, 1e-9))
        #expect(close(t.difference, 0.12 - 0.05, 1e-12))
        let bad = try #require(TwoProportionTest.test(events1: 6, trials1: 1600, events2: 58, trials2: 400))
        #expect(close(bad.z, 14.356572810083875))
        #expect(close(bad.pValue, 9.690194095503321e-47, 1e-7))
        // No events on either side: nothing to test, p = 1.
        let none = try #require(TwoProportionTest.test(events1: 0, trials1: 100, events2: 0, trials2: 100))
        #expect(none.z == 0 && none.pValue == 1)
        #expect(!t.exact && !bad.exact)
        // Few expected events: Fisher's exact p (scipy.stats.fisher_exact([[4,198],[0,800]]) etc.).
        let few = try #require(TwoProportionTest.test(events1: 0, trials1: 800, events2: 4, trials2: 202))
        #expect(few.exact && close(few.pValue, 0.001612735744472272, 1e-9))
        #expect(close(TwoProportionTest.fisherExact(events1: 1, trials1: 100, events2: 3, trials2: 50), 0.10810810810810809, 1e-9))
        #expect(close(TwoProportionTest.fisherExact(events1: 30, trials1: 250, events2: 10, trials2: 200), 0.011723974237535299, 1e-9))
        #expect(TwoProportionTest.fisherExact(events1: 0, trials1: 20, events2: 0, trials2: 10) == 1)
        #expect(TwoProportionTest.test(events1: 1, trials1: 0, events2: 0, trials2: 5) == nil)
        #expect(TwoProportionTest.test(events1: 6, trials1: 5, events2: 0, trials2: 5) == nil)
    }

    @Test func sketchBinsAreAscendingAndCountEverything() {
        var s = DDSketch()
        for v in [-5.0, -5.0, -0.5, 0, 0, 1, 1.0001, 100, 1e6] { s.add(v) }
        let bins = s.valueBins
        #expect(bins.map(\.value) == bins.map(\.value).sorted())
        #expect(bins.reduce(0) { $0 + $1.count } == s.count)
        #expect(bins.contains { $0.value == 0 && $0.count == 2 })
        // -5 twice and 1, 1.0001 (the index of 1 is 0, of 1.0001 is 1, checked below): 7 bins.
        #expect(bins.count == 7)
        #expect(DDSketch.index(1) == 0 && DDSketch.index(1.0001) == 1)
        for (value, _) in bins where value != 0 {
            #expect([-5.0, -0.5, 1, 100, 1e6].contains { ($0 - value).magnitude <= 0.0101 * $0.magnitude })
        }
        #expect(DDSketch().valueBins.isEmpty)
    }
}
