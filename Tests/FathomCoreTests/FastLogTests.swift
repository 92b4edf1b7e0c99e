import Testing
@testable import FathomCore

/// A double-double number (hi + lo, ~106 bits) for high-precision reference values.
private struct DoubleDouble {
    var hi: Double
    var lo: Double

    init(_ hi: Double, _ lo: Double = 0) {
        self.hi = hi
        self.lo = lo
    }

    static let ln2 = DoubleDouble(0.6931471805599453, 2.3190468138462996e-17)

    private static func quickTwoSum(_ a: Double, _ b: Double) -> DoubleDouble {
        let s = a + b
        return DoubleDouble(s, b - (s - a))
    }

    private static func twoSum(_ a: Double, _ b: Double) -> DoubleDouble {
        let s = a + b
        let bb = s - a
        return DoubleDouble(s, (a - (s - bb)) + (b - bb))
    }

    static func + (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        let s = twoSum(x.hi, y.hi)
        let t = twoSum(x.lo, y.lo)
        let u = quickTwoSum(s.hi, s.lo + t.hi)
        return quickTwoSum(u.hi, u.lo + t.lo)
    }

    static prefix func - (x: DoubleDouble) -> DoubleDouble { DoubleDouble(-x.hi, -x.lo) }
    static func - (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble { x + (-y) }

    static func * (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        let p = x.hi * y.hi
        var e = (-p).addingProduct(x.hi, y.hi)
        e += x.hi * y.lo + x.lo * y.hi
        return quickTwoSum(p, e)
    }

    static func / (x: DoubleDouble, y: DoubleDouble) -> DoubleDouble {
        let q1 = x.hi / y.hi
        var r = x - DoubleDouble(q1) * y
        let q2 = r.hi / y.hi
        r = r - DoubleDouble(q2) * y
        let q3 = r.hi / y.hi
        return quickTwoSum(q1, q2) + DoubleDouble(q3)
    }

    /// ln x for a positive finite double, by the atanh series summed in double-double.
    static func log(_ x: Double) -> DoubleDouble {
        var m = x.significand  // exact, in [1, 2), also for subnormals
        var e = Int(x.exponent)
        if m > 1.4142135623730951 {
            m /= 2
            e += 1
        }
        let s = (DoubleDouble(m) - DoubleDouble(1)) / (DoubleDouble(m) + DoubleDouble(1))
        let z = s * s
        var term = s
        var sum = DoubleDouble(0)
        for k in 0..<40 {
            sum = sum + term / DoubleDouble(Double(2 * k + 1))
            term = term * z
        }
        return DoubleDouble(Double(e)) * ln2 + sum + sum
    }

    /// e^x by range reduction and a Taylor series in double-double.
    static func exp(_ x: Double) -> Double {
        let k = (x / 0.6931471805599453).rounded()
        let r = DoubleDouble(x) - DoubleDouble(k) * ln2
        var term = DoubleDouble(1)
        var sum = DoubleDouble(1)
        for n in 1..<40 {
            term = term * r / DoubleDouble(Double(n))
            sum = sum + term
        }
        return Double(sign: .plus, exponent: Int(k), significand: sum.hi + sum.lo)
    }
}

@Suite struct FastLogTests {
    private func relativeError(_ a: Double, _ b: Double) -> Double {
        a == b ? 0 : abs(a - b) / abs(b)
    }

    @Test func knownLogarithms() {
        let cases: [(Double, Double)] = [
            (2, 0.6931471805599453),
            (10, 2.302585092994046),
            (1e-9, -20.72326583694641),
            (1e300, 690.7755278982137),
            (0.5, -0.6931471805599453),
            (1.0000001, 9.999999505838704e-08),
            (Double.leastNormalMagnitude, -708.3964185322641),
            (Double.leastNonzeroMagnitude, -744.4400719213812),
            (Double.greatestFiniteMagnitude, 709.782712893384),
        ]
        for (x, expected) in cases {
            #expect(relativeError(FastLog.log(x), expected) <= 2.3e-16, "ln \(x) = \(FastLog.log(x)), expected \(expected)")
        }
        #expect(FastLog.log(1) == 0)
        #expect(FastLog.log(0) == -.infinity)
        #expect(FastLog.log(-1).isNaN)
        #expect(FastLog.log(.nan).isNaN)
        #expect(FastLog.log(.infinity) == .infinity)
    }

    @Test func knownExponentials() {
        let cases: [(Double, Double)] = [
            (0, 1), (1, 2.718281828459045), (-1, 0.36787944117144233), (0.5, 1.6487212707001282),
            (709, 8.218407461554972e+307), (-700, 9.85967654375977e-305), (1e-10, 1.0000000001),
            (20, 485165195.4097903),
        ]
        for (x, expected) in cases {
            #expect(relativeError(FastLog.exp(x), expected) <= 4.5e-16, "exp \(x) = \(FastLog.exp(x)), expected \(expected)")
        }
        #expect(FastLog.exp(-745) == Double.leastNonzeroMagnitude)
        #expect(FastLog.exp(710) == .infinity)
        #expect(FastLog.exp(-800) == 0)
        #expect(FastLog.exp(.nan).isNaN)
        #expect(FastLog.exp(.infinity) == .infinity)
        #expect(FastLog.exp(-.infinity) == 0)
    }

    @Test func logMatchesHighPrecisionSeriesOnRandomValues() {
        var random = TestRandom(seed: 7)
        var worst = 0.0
        for i in 0..<20_000 {
            let x: Double
            switch i % 3 {
            case 0:  // any positive finite double, subnormals included
                x = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF) + Double.leastNonzeroMagnitude
            case 1:  // near 1, where ln x is small
                x = 0.5 + 1.5 * random.unit()
            default:  // typical metric magnitudes
                x = FastLog.exp(random.unit() * 60 - 30)
            }
            let reference = DoubleDouble.log(x)
            let exact = reference.hi + reference.lo
            worst = Swift.max(worst, relativeError(FastLog.log(x), exact))
        }
        #expect(worst < 1e-15, "worst relative error of log: \(worst)")
    }

    @Test func expMatchesHighPrecisionSeriesOnRandomValues() {
        var random = TestRandom(seed: 11)
        var worst = 0.0
        for _ in 0..<20_000 {
            let x = random.unit() * 1400 - 700
            worst = Swift.max(worst, relativeError(FastLog.exp(x), DoubleDouble.exp(x)))
        }
        #expect(worst < 1e-15, "worst relative error of exp: \(worst)")
    }

    @Test func logIsMonotone() {
        var random = TestRandom(seed: 3)
        var xs = (0..<50_000).map { _ in FastLog.exp(random.unit() * 100 - 50) }
        // Also dense runs of neighbouring doubles around the √2 reduction boundary and powers of two.
        for centre in [1.4142135623730951, 2.0, 1.0, 0.7071067811865476, 1024.0] {
            var v = centre
            for _ in 0..<200 { v = v.nextDown }
            for _ in 0..<400 {
                xs.append(v)
                v = v.nextUp
            }
        }
        xs.sort()
        var previous = -Double.infinity
        var ok = true
        for x in xs {
            let l = FastLog.log(x)
            if l < previous { ok = false }
            previous = l
        }
        #expect(ok)
    }

    @Test func powOfIntegerExponent() {
        #expect(relativeError(FastLog.pow(2, 10), 1024) < 1e-15)
        #expect(relativeError(FastLog.pow(10, -9), 1e-9) < 1e-14)
        #expect(relativeError(FastLog.pow(1.0202020202020203, 1000), 485488766.13284683) < 1e-13)
    }
}
