@testable import FathomCore

/// A seeded SplitMix64 generator shared by the tests, so random cases are the same on every run.
struct TestRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal (Marsaglia's polar method).
    mutating func normal() -> Double {
        while true {
            let u = 2 * unit() - 1
            let v = 2 * unit() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 { return u * (-2 * FastLog.log(s) / s).squareRoot() }
        }
    }

    mutating func lognormal(mu: Double, sigma: Double) -> Double { FastLog.exp(mu + sigma * normal()) }
}
