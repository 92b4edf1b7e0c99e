/// Natural logarithm and exponential written with the standard library only (the core has no
/// Foundation or Glibc, so there is no `log`/`exp` to call).
///
/// Both are accurate to about one unit in the last place (relative error below 1e-15 over the
/// whole range of `Double`), which is far tighter than the 1 % the quantile sketch needs, and
/// both are branch-light and allocation-free so they can sit on the ingest hot path.
///
/// - `log`: split `x = m · 2^e` with `m` in [√½, √2), then `ln x = e·ln 2 + 2·atanh(s)` with
///   `s = (m − 1)/(m + 1)`, `|s| ≤ 0.1716`, summed as an odd series to the 25th power
///   (truncation error below 1e-18). `ln 2` is split into a high part with trailing zero bits
///   (so `e · ln2Hi` is exact) and a low correction, as in fdlibm.
/// - `exp`: reduce `x = k·ln 2 + r` with `|r| ≤ ln 2 / 2` (Cody–Waite, same split of `ln 2`), sum
///   the Taylor series of `e^r` to the 13th power in nested form, then scale by `2^k`.
public enum FastLog {
    /// High part of ln 2 (its low 32 bits are zero, so `Double(e) * ln2Hi` is exact for |e| < 2^20).
    static let ln2Hi: Double = 6.93147180369123816490e-01
    /// ln 2 − ln2Hi.
    static let ln2Lo: Double = 1.90821492927058770002e-10
    static let invLn2: Double = 1.44269504088896338700e+00
    static let sqrt2: Double = 1.4142135623730951

    /// The natural logarithm of `x`: `-infinity` for 0, NaN for negative numbers and NaN,
    /// `+infinity` for `+infinity`. Subnormal inputs are handled.
    @inline(__always)
    public static func log(_ x: Double) -> Double {
        guard x > 0 else { return x == 0 ? -.infinity : .nan }
        guard x < .infinity else { return x }
        var bits = x.bitPattern
        var e = Int(truncatingIfNeeded: bits >> 52) - 1023
        if e == -1023 {
            // Subnormal: scale into the normal range first.
            bits = (x * 0x1p54).bitPattern
            e = Int(truncatingIfNeeded: bits >> 52) - 1023 - 54
        }
        var m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
        if m > sqrt2 {
            m *= 0.5
            e += 1
        }
        // m − 1 is exact here (Sterbenz), so s carries only the rounding of m + 1 and the division.
        let s = (m - 1) / (m + 1)
        let z = s * s
        // 2·atanh(s) = 2s + s·z·(2/3 + 2z/5 + 2z²/7 + … + 2z¹¹/25)
        var r = 2.0 / 25.0
        r = r * z + 2.0 / 23.0
        r = r * z + 2.0 / 21.0
        r = r * z + 2.0 / 19.0
        r = r * z + 2.0 / 17.0
        r = r * z + 2.0 / 15.0
        r = r * z + 2.0 / 13.0
        r = r * z + 2.0 / 11.0
        r = r * z + 2.0 / 9.0
        r = r * z + 2.0 / 7.0
        r = r * z + 2.0 / 5.0
        r = r * z + 2.0 / 3.0
        let logM = 2 * s + s * (z * r)
        let fe = Double(e)
        return fe * ln2Hi + (logM + fe * ln2Lo)
    }

    /// `e` raised to `x`: `+infinity` above ln(greatestFiniteMagnitude) ≈ 709.78, 0 below ≈ −745.13
    /// (results in between that are subnormal are rounded gradually), NaN for NaN.
    @inline(__always)
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.782712893384 { return .infinity }
        if x < -745.1332191019412 { return 0 }
        let k = (x * invLn2).rounded(.toNearestOrEven)
        // k·ln2Hi is exact; the subtraction is exact as well since x ≈ k·ln 2.
        let r = (x - k * ln2Hi) - k * ln2Lo
        // e^r = 1 + r(1 + r/2(1 + r/3(… (1 + r/13))))
        var t = 1.0
        var n = 13.0
        while n >= 1 {
            t = 1 + r * t / n
            n -= 1
        }
        return Double(sign: .plus, exponent: Int(k), significand: t)
    }

    /// `base` raised to an integer power `n`, as `exp(n · ln base)` (positive bases only).
    /// Relative error grows with |n · ln base| at about 1e-16 per unit, i.e. ~1e-13 at the ends
    /// of the `Double` range.
    public static func pow(_ base: Double, _ n: Int) -> Double {
        exp(Double(n) * log(base))
    }
}
