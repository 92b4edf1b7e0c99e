/// The generator's seeded pseudo-random source: xoshiro256** (Blackman & Vigna), its state
/// filled from the seed by SplitMix64, with the few distributions the log model draws from.
///
/// Every method is defined here (no stdlib `random(in:)`), so a seed gives the same stream of
/// numbers on every platform and Swift version.
public struct GenRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose state is four successive SplitMix64 outputs from `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x = x &+ 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1), 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [a, b) (or (b, a] when b < a), as Python's `uniform`.
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }

    /// Uniform in 0..<n (n > 0), unbiased (Lemire's multiply-and-reject).
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "GenRandom.below: empty range")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Uniform in lo...hi (inclusive), as Python's `randint`.
    public mutating func int(_ lo: Int, _ hi: Int) -> Int { lo + below(hi - lo + 1) }

    /// Exponentially distributed with the given mean (Python's `expovariate(1 / mean)`).
    public mutating func exponential(mean: Double) -> Double { -GenMath.log(1 - unit()) * mean }

    /// Standard normal, by Box–Muller (one value per two uniforms; the sine partner is dropped
    /// so that every draw consumes the same amount of the stream).
    public mutating func normal() -> Double {
        let u1 = 1 - unit()  // (0, 1]
        let u2 = unit()
        return (-2 * GenMath.log(u1)).squareRoot() * GenMath.cos(2 * GenMath.pi * u2)
    }

    /// e^N(mu, sigma²), as Python's `lognormvariate(mu, sigma)`.
    public mutating func lognormal(mu: Double, sigma: Double) -> Double { GenMath.exp(mu + sigma * normal()) }
}
