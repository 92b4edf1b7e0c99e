/// Elementary functions for the log generator, written out so that the core needs no libm and
/// gives the same bits on every platform: natural logarithm, exponential, cosine and sine,
/// accurate to about 1e-15 relative (well inside the 1e-12 the generator needs).
///
/// Argument reduction follows fdlibm (Cody–Waite splitting of ln 2 and π/2); the reduced
/// arguments are evaluated with short Taylor / atanh series in Horner form.
enum GenMath {
    /// ln 2 split so that `k * ln2Hi` is exact for |k| < 2^11 (fdlibm's constants).
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10
    static let invLn2 = 1.44269504088896338700e+00
    static let sqrt2 = 1.41421356237309504880
    static let pi = 3.14159265358979311600e+00
    /// π/2 in three parts (fdlibm's pio2_1, pio2_2, pio2_2t) for Cody–Waite reduction.
    static let pio2_1 = 1.57079632673412561417e+00
    static let pio2_2 = 6.07710050630396597660e-11
    static let pio2_2t = 2.02226624879595063154e-21
    static let invPio2 = 6.36619772367581382433e-01

    /// The natural logarithm; `-inf` at 0, NaN below 0 or for NaN, `+inf` at `+inf`.
    static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x.isInfinite { return .infinity }
        // x = m · 2^e with m in [√½, √2)
        var m = x.significand  // [1, 2), also for subnormals
        var e = Double(Int(x.exponent))
        if m > sqrt2 {
            m *= 0.5
            e += 1
        }
        // ln m = 2 atanh(s) = 2 (s + s³/3 + s⁵/5 + …), s = (m−1)/(m+1), |s| ≤ 0.1716
        let s = (m - 1) / (m + 1)
        let z = s * s
        var p = 1.0 / 25.0
        p = p * z + 1.0 / 23.0
        p = p * z + 1.0 / 21.0
        p = p * z + 1.0 / 19.0
        p = p * z + 1.0 / 17.0
        p = p * z + 1.0 / 15.0
        p = p * z + 1.0 / 13.0
        p = p * z + 1.0 / 11.0
        p = p * z + 1.0 / 9.0
        p = p * z + 1.0 / 7.0
        p = p * z + 1.0 / 5.0
        p = p * z + 1.0 / 3.0
        let lnm = 2 * s + 2 * s * z * p
        return e * ln2Hi + (lnm + e * ln2Lo)
    }

    /// e^x; `+inf` above ~709.78, 0 below ~−745.13.
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x > 709.782712893384 { return .infinity }
        if x < -745.1332191019412 { return 0 }
        // x = k ln2 + r, |r| ≤ ln2/2
        let kd = (x * invLn2).rounded(.toNearestOrEven)
        let r = (x - kd * ln2Hi) - kd * ln2Lo
        // Taylor to r^16/16!: the tail is below 2e-19 for |r| ≤ 0.347
        var p = 1.0 / 20_922_789_888_000.0  // 1/16!
        p = p * r + 1.0 / 1_307_674_368_000.0
        p = p * r + 1.0 / 87_178_291_200.0
        p = p * r + 1.0 / 6_227_020_800.0
        p = p * r + 1.0 / 479_001_600.0
        p = p * r + 1.0 / 39_916_800.0
        p = p * r + 1.0 / 3_628_800.0
        p = p * r + 1.0 / 362_880.0
        p = p * r + 1.0 / 40_320.0
        p = p * r + 1.0 / 5_040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        return scale(p, Int(kd))
    }

    /// x · 2^k, in two steps so that intermediate powers stay finite and normal.
    static func scale(_ x: Double, _ k: Int) -> Double {
        if k >= -1022 && k <= 1023 {
            return x * Double(sign: .plus, exponent: k, significand: 1)
        }
        let h = k / 2
        return x * Double(sign: .plus, exponent: h, significand: 1)
            * Double(sign: .plus, exponent: k - h, significand: 1)
    }

    /// x^y for x > 0, as e^(y ln x).
    static func pow(_ x: Double, _ y: Double) -> Double { exp(y * log(x)) }

    /// The cosine of `x` radians (accurate for |x| below ~1e9).
    static func cos(_ x: Double) -> Double {
        if !x.isFinite { return .nan }
        let (n, r) = reduce(x)
        switch n & 3 {
        case 0: return cosKernel(r)
        case 1: return -sinKernel(r)
        case 2: return -cosKernel(r)
        default: return sinKernel(r)
        }
    }

    /// The sine of `x` radians (accurate for |x| below ~1e9).
    static func sin(_ x: Double) -> Double {
        if !x.isFinite { return .nan }
        let (n, r) = reduce(x)
        switch n & 3 {
        case 0: return sinKernel(r)
        case 1: return cosKernel(r)
        case 2: return -sinKernel(r)
        default: return -cosKernel(r)
        }
    }

    /// x = n·π/2 + r with |r| ≤ π/4 (plus rounding).
    private static func reduce(_ x: Double) -> (Int, Double) {
        if x.magnitude <= 0.785398163397448279 { return (0, x) }
        let nd = (x * invPio2).rounded(.toNearestOrEven)
        let r = ((x - nd * pio2_1) - nd * pio2_2) - nd * pio2_2t
        return (Int(nd), r)
    }

    /// sin r for |r| ≤ π/4: Taylor to r^21/21!.
    private static func sinKernel(_ r: Double) -> Double {
        let z = r * r
        var p = -1.0 / 51_090_942_171_709_440_000.0  // −1/21!
        p = p * z + 1.0 / 121_645_100_408_832_000.0  // 1/19!
        p = p * z - 1.0 / 355_687_428_096_000.0  // 1/17!
        p = p * z + 1.0 / 1_307_674_368_000.0
        p = p * z - 1.0 / 6_227_020_800.0
        p = p * z + 1.0 / 39_916_800.0
        p = p * z - 1.0 / 362_880.0
        p = p * z + 1.0 / 5_040.0
        p = p * z - 1.0 / 120.0
        p = p * z + 1.0 / 6.0
        // sin r = r − r³/6 + … = r − r·z·(1/6 − z/120 + …)
        return r - r * z * p
    }

    /// cos r for |r| ≤ π/4: Taylor to r^22/22!.
    private static func cosKernel(_ r: Double) -> Double {
        let z = r * r
        var p = -1.0 / 1_124_000_727_777_607_680_000.0  // −1/22!
        p = p * z + 1.0 / 2_432_902_008_176_640_000.0  // 1/20!
        p = p * z - 1.0 / 6_402_373_705_728_000.0
        p = p * z + 1.0 / 20_922_789_888_000.0
        p = p * z - 1.0 / 87_178_291_200.0
        p = p * z + 1.0 / 479_001_600.0
        p = p * z - 1.0 / 3_628_800.0
        p = p * z + 1.0 / 40_320.0
        p = p * z - 1.0 / 720.0
        p = p * z + 1.0 / 24.0
        p = p * z - 0.5
        return 1 + z * p
    }
}
