/// The Mann-Whitney U (Wilcoxon rank-sum) test of two samples given as weighted values, such as
/// the bins of two `DDSketch`es (values in the same bin are ties).
///
/// Ties get mid-ranks; the p-value is two-sided from the normal approximation with the tie
/// correction of the variance and a continuity correction of ½ (as SciPy's
/// `mannwhitneyu(x, y, method="asymptotic", use_continuity=True)`):
/// `σ² = n₁n₂/12 · ((N+1) − Σ(t³−t)/(N(N−1)))`, `z = (U − n₁n₂/2 ∓ ½)/σ`.
public struct MannWhitney: Sendable, Equatable {
    /// U of the first sample `x`: the number of pairs (x, y) with x > y, plus half the ties.
    public var u: Double
    /// The normal approximation's z (positive when `x` tends to be larger); 0 when σ is 0.
    public var z: Double
    /// The two-sided p-value (1 when every value ties).
    public var pValue: Double
    /// The common-language effect size U/(n₁n₂): P(x > y) + ½·P(x = y), 0.5 for no effect.
    public var cles: Double
    /// The sizes of the two samples.
    public var n1: Double
    public var n2: Double

    /// Tests `x` against `y`, each a list of (value, count) in any order (equal values are
    /// merged); nil when either side is empty. Counts of 0 are ignored.
    public static func test(_ x: [(value: Double, count: UInt64)], _ y: [(value: Double, count: UInt64)]) -> MannWhitney? {
        // Tag each value with its side, then walk the values in order, one tie group at a time.
        var all: [(value: Double, side: Int, count: Double)] = []
        all.reserveCapacity(x.count + y.count)
        for b in x where b.count > 0 && !b.value.isNaN { all.append((b.value, 0, Double(b.count))) }
        for b in y where b.count > 0 && !b.value.isNaN { all.append((b.value, 1, Double(b.count))) }
        all.sort { $0.value < $1.value }
        var n1 = 0.0, n2 = 0.0
        for e in all { if e.side == 0 { n1 += e.count } else { n2 += e.count } }
        guard n1 > 0, n2 > 0 else { return nil }
        let n = n1 + n2
        var below = 0.0  // values ranked before the current group
        var rankSum1 = 0.0
        var tieTerm = 0.0  // Σ (t³ − t)
        var i = 0
        while i < all.count {
            var j = i
            var a = 0.0, b = 0.0
            while j < all.count && all[j].value == all[i].value {
                if all[j].side == 0 { a += all[j].count } else { b += all[j].count }
                j += 1
            }
            let t = a + b
            let midRank = below + (t + 1) / 2
            rankSum1 += a * midRank
            tieTerm += t * t * t - t
            below += t
            i = j
        }
        let u = rankSum1 - n1 * (n1 + 1) / 2
        let mean = n1 * n2 / 2
        let variance = n1 * n2 / 12 * ((n + 1) - (n > 1 ? tieTerm / (n * (n - 1)) : 0))
        var z = 0.0
        var p = 1.0
        if variance > 0 {
            let d = u - mean
            let corrected = d > 0 ? Swift.max(d - 0.5, 0) : Swift.min(d + 0.5, 0)
            z = corrected / variance.squareRoot()
            p = NormalDistribution.twoSidedP(z)
        }
        return MannWhitney(u: u, z: z, pValue: p, cles: u / (n1 * n2), n1: n1, n2: n2)
    }

    /// The Hodges-Lehmann estimate of the shift of `x` against `y`: the weighted median of every
    /// difference x − y; nil when either side is empty or there are more than `maxPairs` pairs of
    /// distinct values (the work is quadratic).
    public static func hodgesLehmann(
        _ x: [(value: Double, count: UInt64)], _ y: [(value: Double, count: UInt64)], maxPairs: Int = 250_000
    ) -> Double? {
        let xs = x.filter { $0.count > 0 && $0.value.isFinite }
        let ys = y.filter { $0.count > 0 && $0.value.isFinite }
        guard !xs.isEmpty, !ys.isEmpty, xs.count * ys.count <= maxPairs else { return nil }
        var diffs: [(d: Double, w: Double)] = []
        diffs.reserveCapacity(xs.count * ys.count)
        var total = 0.0
        for a in xs {
            for b in ys {
                let w = Double(a.count) * Double(b.count)
                diffs.append((a.value - b.value, w))
                total += w
            }
        }
        diffs.sort { $0.d < $1.d }
        // The lower and upper weighted medians, averaged (the usual median of an even count).
        var seen = 0.0
        var lower: Double?
        for e in diffs {
            seen += e.w
            if lower == nil && seen >= total / 2 {
                lower = e.d
                if seen > total / 2 { return e.d }
                continue
            }
            if let lower { return (lower + e.d) / 2 }
        }
        return lower
    }
}
