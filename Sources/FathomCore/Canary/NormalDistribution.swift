/// The standard normal distribution's tail probabilities, with the standard library only.
///
/// `erfc` is computed two ways, both to about 1e-14 relative error (checked against SciPy in the
/// tests), far inside the 1e-7 the canary judge needs:
/// - |x| < 3: `erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·5···(2n+1))`, a series of positive
///   terms (no cancellation), then `erfc = 1 − erf`;
/// - |x| ≥ 3: the continued fraction `erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …))))`,
///   evaluated bottom-up over 80 levels.
public enum NormalDistribution {
    /// 1/√π.
    static let inverseSqrtPi = 0.5641895835477563
    /// √2.
    static let sqrt2 = 1.4142135623730951

    /// The complementary error function `1 − erf(x)`; NaN for NaN.
    public static func erfc(_ x: Double) -> Double {
        guard !x.isNaN else { return .nan }
        if x < 0 { return 2 - erfc(-x) }
        if x >= 3 {
            if x > 27 { return 0 }  // below the smallest double
            var f = x
            for k in stride(from: 80, through: 1, by: -1) {
                f = x + (Double(k) / 2) / f
            }
            return FastLog.exp(-x * x) * inverseSqrtPi / f
        }
        // erf(x) by the positive series; terms shrink once 2x² < 2n+1.
        let x2 = x * x
        var term = x
        var sum = x
        var n = 0
        while n < 200 {
            n += 1
            term *= 2 * x2 / Double(2 * n + 1)
            sum += term
            if term < sum * 1e-17 { break }
        }
        let erf = 2 * inverseSqrtPi * FastLog.exp(-x2) * sum
        return 1 - erf
    }

    /// P(Z ≤ z) for a standard normal Z.
    public static func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / sqrt2) }

    /// P(Z ≥ z), accurate far into the tail.
    public static func upperTail(_ z: Double) -> Double { 0.5 * erfc(z / sqrt2) }

    /// The two-sided p-value of a z statistic: P(|Z| ≥ |z|), 1 for NaN.
    public static func twoSidedP(_ z: Double) -> Double {
        guard !z.isNaN else { return 1 }
        return Swift.min(1, erfc(z.magnitude / sqrt2))
    }
}
