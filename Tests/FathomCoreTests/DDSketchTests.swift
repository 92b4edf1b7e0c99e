import Testing
@testable import FathomCore

/// Named test distributions.
enum SketchTestData {
    static let names = [
        "uniform", "uniformSigned", "lognormal", "wideLognormal", "exponential", "pareto",
        "lambdaDurations", "integers", "negativeLognormal", "withZeros", "huge", "tiny",
    ]

    static func sample(_ name: String, _ n: Int, _ random: inout TestRandom) -> [Double] {
        (0..<n).map { _ in
            switch name {
            case "uniform": return random.unit() * 1000
            case "uniformSigned": return random.unit() * 1000 - 500
            case "lognormal": return random.lognormal(mu: 3, sigma: 1)
            case "wideLognormal": return random.lognormal(mu: 0, sigma: 5)
            case "exponential": return -FastLog.log(1 - random.unit()) * 100
            case "pareto": return 1 / (1 - random.unit()).squareRoot()
            case "lambdaDurations": return FastLog.exp(random.unit() * FastLog.log(900_000))  // 1 ms … 900 s
            case "integers": return Double(random.next() % 20)
            case "negativeLognormal": return -random.lognormal(mu: 2, sigma: 2)
            case "withZeros": return random.next() % 3 == 0 ? 0 : random.lognormal(mu: 1, sigma: 1) * (random.next() % 2 == 0 ? 1 : -1)
            case "huge": return random.lognormal(mu: 680, sigma: 5)
            case "tiny": return random.lognormal(mu: -670, sigma: 5)
            default: fatalError("unknown distribution \(name)")
            }
        }
    }
}

@Suite struct DDSketchTests {
    static let alpha = DDSketch.relativeAccuracy
    /// Floating-point slack on top of α.
    static let slack = 1e-12
    static let quantiles: [Double] = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]

    private func sketch(of values: [Double]) -> DDSketch {
        var s = DDSketch()
        for v in values { s.add(v) }
        return s
    }

    /// True when `estimate` is within α (plus rounding slack) of `exact`, relatively.
    private func close(_ estimate: Double, _ exact: Double) -> Bool {
        abs(estimate - exact) <= (Self.alpha + Self.slack) * abs(exact)
    }

    /// The exact value at the nearest rank ⌈q·n⌉ (1-based), the convention the sketch estimates.
    private func lowerRankValue(_ sorted: [Double], _ q: Double) -> Double {
        sorted[Swift.max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1)]
    }

    // MARK: Mapping

    @Test func constantsMatchTheirDefinitions() {
        let a = DDSketch.relativeAccuracy
        #expect(a == 0.01)
        #expect(abs(DDSketch.logGamma - FastLog.log((1 + a) / (1 - a))) < 2e-16)
        // 2·atanh(a) by its series, without rounding γ first.
        let atanhSeries = a + a * a * a / 3 + a * a * a * a * a / 5 + a * a * a * a * a * a * a / 7
        #expect(abs(DDSketch.logGamma - 2 * atanhSeries) < 1e-17)
        #expect(abs(DDSketch.inverseLogGamma * DDSketch.logGamma - 1) < 1e-15)
        #expect(abs(DDSketch.logOneMinusAlpha - FastLog.log(1 - a)) < 1e-17)
        #expect(DDSketch.index(DDSketch.minIndexableValue.nextUp) == DDSketch.minIndex)
        #expect(DDSketch.index(.greatestFiniteMagnitude) == DDSketch.maxIndex)
        #expect(DDSketch.value(ofIndex: DDSketch.maxIndex).isFinite)
        #expect(DDSketch.value(ofIndex: DDSketch.minIndex) > 0)
    }

    /// At and around every bucket edge γ^i the chosen bucket's value stays within α, the index is
    /// monotone, and values clearly inside a bucket land in it.
    @Test func bucketEdgesKeepTheGuarantee() {
        var edges = Array(-3000...3000)
        edges += stride(from: DDSketch.minIndex, through: DDSketch.maxIndex - 1, by: 7)
        var failures: [String] = []
        for i in edges {
            let edge = DDSketch.lowerBound(ofIndex: i + 1)  // γ^i: top of bucket i
            guard edge > DDSketch.minIndexableValue, edge.isFinite else { continue }
            let probes = [edge * (1 - 1e-9), edge.nextDown.nextDown, edge.nextDown, edge, edge.nextUp, edge.nextUp.nextUp, edge * (1 + 1e-9)]
                .filter { $0 > DDSketch.minIndexableValue && $0 <= .greatestFiniteMagnitude }
            var previous = Int.min
            for v in probes {
                let k = DDSketch.index(v)
                if k < previous { failures.append("index not monotone at edge \(i), v=\(v)") }
                previous = k
                if !close(DDSketch.value(ofIndex: k), v) { failures.append("v=\(v) → bucket \(k) value \(DDSketch.value(ofIndex: k))") }
            }
            if edge * (1 - 1e-9) > DDSketch.minIndexableValue && DDSketch.index(edge * (1 - 1e-9)) != i {
                failures.append("just below edge \(i) not in bucket \(i)")
            }
            if edge * (1 + 1e-9) <= .greatestFiniteMagnitude && DDSketch.index(edge * (1 + 1e-9)) != i + 1 {
                failures.append("just above edge \(i) not in bucket \(i + 1)")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test func indexIsMonotoneOverRandomValues() {
        var random = TestRandom(seed: 99)
        var xs = (0..<100_000).map { _ in Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF) }
            .filter { $0 > DDSketch.minIndexableValue }
        xs.sort()
        var previous = Int.min
        var monotone = true
        var accurate = true
        for x in xs {
            let k = DDSketch.index(x)
            if k < previous { monotone = false }
            previous = k
            if !close(DDSketch.value(ofIndex: k), x) { accurate = false }
        }
        #expect(monotone)
        #expect(accurate)
    }

    // MARK: Accuracy

    @Test(arguments: SketchTestData.names)
    func quantilesWithinRelativeAccuracy(distribution: String) {
        var random = TestRandom(seed: UInt64(distribution.utf8.count) &* 1_000_003 &+ UInt64(distribution.utf8.first!))
        var failures: [String] = []
        for n in [1, 2, 3, 5, 10, 100, 1000, 20_000] {
            let values = SketchTestData.sample(distribution, n, &random)
            let s = sketch(of: values)
            #expect(s.count == UInt64(n))
            let sorted = values.sorted()
            var qs = Self.quantiles
            for _ in 0..<50 { qs.append(random.unit()) }
            for q in qs {
                guard let estimate = s.quantile(q) else {
                    failures.append("nil for n=\(n) q=\(q)")
                    continue
                }
                let exact = lowerRankValue(sorted, q)
                if !close(estimate, exact) {
                    failures.append("\(distribution) n=\(n) q=\(q): \(estimate) vs exact \(exact)")
                }
                // Within α of the range spanned by the usual rank conventions.
                let h = q * Double(n - 1)
                let lower = sorted[Int(h.rounded(.down))]
                let upper = sorted[Int(h.rounded(.up))]
                let nearestRank = sorted[Swift.max(0, Int((q * Double(n)).rounded(.up)) - 1)]
                let interpolated = lower + (h - h.rounded(.down)) * (upper - lower)
                let lo = Swift.min(lower, upper, nearestRank, interpolated)
                let hi = Swift.max(lower, upper, nearestRank, interpolated)
                let tolerance = Self.alpha + Self.slack
                if estimate < lo - tolerance * abs(lo) || estimate > hi + tolerance * abs(hi) {
                    failures.append("\(distribution) n=\(n) q=\(q): \(estimate) outside [\(lo), \(hi)] ± 1%")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test func emptySketch() throws {
        let s = DDSketch()
        #expect(s.isEmpty)
        #expect(s.count == 0)
        #expect(s.binCount == 0)
        for q in Self.quantiles { #expect(s.quantile(q) == nil) }
        #expect(try DDSketch(serialized: s.serialized()) == s)
        #expect(s.serialized() == [1, 0, 0, 0])
        var t = DDSketch()
        t.merge(s)
        #expect(t == s)
    }

    @Test func singleValue() {
        for v in [42.0, -42.0, 1e-7, 3.5e9] {
            let s = sketch(of: [v])
            #expect(s.count == 1)
            #expect(!s.isEmpty)
            for q in Self.quantiles {
                #expect(close(s.quantile(q)!, v), "q=\(q) of [\(v)] = \(s.quantile(q)!)")
            }
        }
    }

    @Test func allEqualValues() {
        var s = DDSketch()
        for _ in 0..<1000 { s.add(3.3) }
        #expect(s.binCount == 1)
        let estimate = s.quantile(0.5)!
        for q in Self.quantiles { #expect(s.quantile(q) == estimate) }
        #expect(close(estimate, 3.3))
    }

    @Test func zerosAndValuesBelowTheSmallestNormal() {
        var s = DDSketch()
        for v in [0.0, -0.0, Double.leastNormalMagnitude / 4, -Double.leastNormalMagnitude / 4, Double.leastNonzeroMagnitude] { s.add(v) }
        #expect(s.count == 5)
        #expect(s.binCount == 0)
        for q in Self.quantiles { #expect(s.quantile(q) == 0) }
        // Zeros sort between negatives and positives.
        var mixed = sketch(of: [-5, -1, 0, 0, 0, 2, 7])
        #expect(close(mixed.quantile(0)!, -5))
        #expect(close(mixed.quantile(1.0 / 6 + 1e-9)!, -1))
        #expect(mixed.quantile(2.0 / 6 + 1e-9) == 0)
        #expect(mixed.quantile(0.5) == 0)
        #expect(mixed.quantile(4.0 / 6 - 1e-9) == 0)
        #expect(close(mixed.quantile(5.0 / 6 + 1e-9)!, 2))
        #expect(close(mixed.quantile(1)!, 7))
        mixed.add(0, count: 3)
        #expect(mixed.count == 10)
    }

    @Test func negativeValues() {
        let values = (1...1000).map { -Double($0) }
        let s = sketch(of: values)
        let sorted = values.sorted()
        for q in Self.quantiles {
            #expect(close(s.quantile(q)!, lowerRankValue(sorted, q)), "q=\(q)")
        }
        #expect(s.quantile(0)! < -990)
        #expect(s.quantile(1)! > -1.02)
    }

    @Test func hugeAndTinyValues() {
        let values = [1e300, 1e-300, Double.greatestFiniteMagnitude, Double.leastNormalMagnitude.nextUp, -1e300, -1e-300, 1, -Double.greatestFiniteMagnitude]
        for v in values {
            let s = sketch(of: [v])
            let estimate = s.quantile(0.5)!
            #expect(estimate.isFinite)
            #expect(close(estimate, v), "\(v) → \(estimate)")
        }
        // Both ends in one sketch span far more than 2048 bins: the top stays exact to 1 %.
        let both = sketch(of: [1e-300, 1e300])
        #expect(close(both.quantile(1)!, 1e300))
        #expect(both.binCount <= DDSketch.maxBinsPerStore)
    }

    @Test func nonFiniteAndZeroCountAreIgnored() {
        var s = DDSketch()
        s.add(.nan)
        s.add(.infinity)
        s.add(-.infinity)
        s.add(5, count: 0)
        #expect(s == DDSketch())
        #expect(s.isEmpty)
    }

    @Test func addWithCountEqualsRepeatedAdds() {
        var a = DDSketch()
        var b = DDSketch()
        for (v, c) in [(1.5, UInt64(3)), (-2, 2), (0, 4), (1e10, 1), (1.5, 5)] {
            a.add(v, count: c)
            for _ in 0..<c { b.add(v) }
        }
        #expect(a == b)
        #expect(a.count == 15)
    }

    // MARK: Memory and collapsing

    @Test func lambdaDurationsNeedFewBins() throws {
        var random = TestRandom(seed: 5)
        let s = sketch(of: SketchTestData.sample("lambdaDurations", 100_000, &random) + [1, 900_000])
        #expect(s.binCount <= 700, "bins: \(s.binCount)")
        #expect(s.binCount >= 680)
        #expect(s.serialized().count < 2100, "bytes: \(s.serialized().count)")
    }

    @Test func collapsingKeepsTheTopQuantilesAccurate() {
        // Values spread over 1e-100 … 1e100: ~23 000 buckets, far beyond the 2048 cap.
        var random = TestRandom(seed: 17)
        let values = (0..<50_000).map { _ in FastLog.exp((random.unit() * 400 - 200) * 1.151292546497023) }
        var s = DDSketch()
        for v in values { s.add(v) }
        #expect(s.positive.bins.count == DDSketch.maxBinsPerStore)
        #expect(s.count == 50_000)
        let sorted = values.sorted()
        // Values above the lowest kept bucket keep the guarantee; below it they read as that bucket.
        let keptFrom = DDSketch.lowerBound(ofIndex: s.positive.offset + 1)
        let floorValue = DDSketch.value(ofIndex: s.positive.offset)
        var accurateChecked = 0
        for q in stride(from: 0.0, through: 1.0, by: 0.001) {
            let exact = lowerRankValue(sorted, q)
            let estimate = s.quantile(q)!
            if exact > keptFrom {
                #expect(close(estimate, exact), "q=\(q)")
                accurateChecked += 1
            } else {
                #expect(estimate == floorValue && estimate >= exact * (1 - Self.alpha))
            }
        }
        #expect(accurateChecked > 50)
        for q in [0.95, 0.99, 0.999, 1] {
            #expect(close(s.quantile(q)!, lowerRankValue(sorted, q)), "q=\(q)")
        }
    }

    @Test func collapsingNegativeStoreCollapsesValuesClosestToZero() {
        var s = DDSketch()
        s.add(-1e-200)
        s.add(-1e200)
        #expect(s.negative.bins.count == DDSketch.maxBinsPerStore)
        #expect(close(s.quantile(0)!, -1e200))
        #expect(s.quantile(1)! < -1e150)  // -1e-200 was collapsed up to the lowest kept magnitude
    }

    @Test func descendingAndAscendingFeedsAgree() {
        var random = TestRandom(seed: 23)
        let values = (0..<5000).map { _ in FastLog.exp((random.unit() * 200 - 100) * 2.302585092994046) }
        let ascending = sketch(of: values.sorted())
        let descending = sketch(of: values.sorted(by: >))
        let shuffled = sketch(of: values)
        #expect(ascending == descending)
        #expect(ascending == shuffled)
        #expect(ascending.positive.bins.count <= DDSketch.maxBinsPerStore)
    }

    // MARK: Merging

    @Test(arguments: [false, true])
    func mergeIsOrderIndependent(wide: Bool) {
        var random = TestRandom(seed: wide ? 1234 : 4321)
        var parts: [[Double]] = []
        for i in 0..<50 {
            let name = SketchTestData.names[i % SketchTestData.names.count]
            var values = SketchTestData.sample(name, Int(random.next() % 200), &random)
            if wide { values = values.map { $0 * FastLog.exp(Double(Int(random.next() % 600)) - 300) }.filter(\.isFinite) }
            parts.append(values)
        }
        let sketches = parts.map { sketch(of: $0) }
        let direct = sketch(of: parts.flatMap { $0 })
        #expect(direct.count == UInt64(parts.map(\.count).reduce(0, +)))
        if wide { #expect(direct.positive.bins.count == DDSketch.maxBinsPerStore && direct.negative.bins.count == DDSketch.maxBinsPerStore) }
        for round in 0..<6 {
            let order = sketches.shuffled(using: &random)
            var merged = DDSketch()
            if round % 2 == 0 {
                for s in order { merged.merge(s) }
            } else {
                // Pairwise tree.
                var level = order
                while level.count > 1 {
                    var next: [DDSketch] = []
                    for k in stride(from: 0, to: level.count, by: 2) {
                        var a = level[k]
                        if k + 1 < level.count { a.merge(level[k + 1]) }
                        next.append(a)
                    }
                    level = next
                }
                merged = level[0]
            }
            #expect(merged == direct, "round \(round)")
            #expect(merged.serialized() == direct.serialized())
        }
    }

    @Test func mergeCommutesAndAssociatesAcrossCollapse() {
        var a = DDSketch(), b = DDSketch(), c = DDSketch()
        a.add(1e-250); a.add(5)
        b.add(1e-10, count: 3); b.add(-7)
        c.add(1e250); c.add(-1e-200); c.add(0)
        var ab_c = a; ab_c.merge(b); ab_c.merge(c)
        var bc = b; bc.merge(c)
        var a_bc = a; a_bc.merge(bc)
        var cba = c; cba.merge(b); cba.merge(a)
        #expect(ab_c == a_bc)
        #expect(ab_c == cba)
        #expect(ab_c.count == 9)
    }

    // MARK: Binary format

    private func sampleSketches() -> [DDSketch] {
        var random = TestRandom(seed: 77)
        var out = [DDSketch(), sketch(of: [0]), sketch(of: [-3]), sketch(of: [1e300, -1e-300, 0]), sketch(of: [1e-200, 1e200])]
        for name in SketchTestData.names {
            out.append(sketch(of: SketchTestData.sample(name, 300, &random)))
        }
        var big = DDSketch()
        big.add(17, count: .max / 2)
        out.append(big)
        return out
    }

    @Test func serializationRoundTrips() throws {
        for s in sampleSketches() {
            let bytes = s.serialized()
            #expect(bytes.first == DDSketch.formatVersion)
            let decoded = try DDSketch(serialized: bytes)
            #expect(decoded == s)
            #expect(decoded.count == s.count)
            #expect(decoded.serialized() == bytes)
        }
    }

    @Test func everyTruncationIsRejected() {
        for s in sampleSketches() {
            let bytes = s.serialized()
            for length in 0..<bytes.count {
                #expect(throws: SerializationError.self) { try DDSketch(serialized: Array(bytes[0..<length])) }
            }
        }
    }

    @Test func randomAndMutatedBytesNeverCrash() {
        var random = TestRandom(seed: 31337)
        var inputs: [[UInt8]] = []
        for _ in 0..<3000 {
            let n = Int(random.next() % 40)
            var bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if !bytes.isEmpty && random.next() % 2 == 0 { bytes[0] = DDSketch.formatVersion }
            inputs.append(bytes)
        }
        for s in sampleSketches() {
            let bytes = s.serialized()
            for _ in 0..<100 where !bytes.isEmpty {
                var mutated = bytes
                mutated[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                inputs.append(mutated)
            }
        }
        var decodedCount = 0
        for bytes in inputs {
            if let s = try? DDSketch(serialized: bytes) {
                // The format is canonical: whatever decodes re-encodes to the same bytes.
                #expect(s.serialized() == bytes)
                decodedCount += 1
            }
        }
        #expect(decodedCount > 0)
    }

    @Test func specificBadInputsHaveMessages() {
        func message(_ bytes: [UInt8]) -> String {
            do {
                _ = try DDSketch(serialized: bytes)
                return "decoded"
            } catch {
                return error.description
            }
        }
        #expect(message([]).contains("format version"))
        #expect(message([2, 0, 0, 0]).contains("unknown format version 2"))
        #expect(message([1, 0, 0, 0, 9]).contains("trailing"))
        #expect(message([1, 0x80, 0x00, 0, 0]).contains("redundant"))
        #expect(message([1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0]).contains("64 bits"))
        #expect(message([1, 0, 0, 2, 0, 0, 1]).contains("empty first or last bin"))
        #expect(message([1, 0, 0, 0x81, 0x10, 0, 1]).contains("bins (at most 2048)"))
        var outOfRange: [UInt8] = [1, 0, 0, 1]
        VarInt.appendSigned(Int64(DDSketch.maxIndex + 1), to: &outOfRange)
        outOfRange.append(1)
        #expect(message(outOfRange).contains("out of range"))
        var overflow: [UInt8] = [1]
        VarInt.append(.max, to: &overflow)
        overflow += [0, 1, 0, 1]
        #expect(message(overflow).contains("overflow"))
        #expect(message([1, 0, 0, 0]) == "decoded")
    }

    @Test func varIntRoundTrips() throws {
        let values: [UInt64] = [0, 1, 127, 128, 300, 16383, 16384, 1 << 35, .max - 1, .max]
        for v in values {
            var out: [UInt8] = []
            VarInt.append(v, to: &out)
            var reader = ByteReader(out, type: "test")
            #expect(try reader.readVarInt("v") == v)
            #expect(reader.isAtEnd)
        }
        for v: Int64 in [0, -1, 1, -64, 64, .min, .max] {
            #expect(VarInt.unzigzag(VarInt.zigzag(v)) == v)
        }
        #expect(VarInt.zigzag(-1) == 1 && VarInt.zigzag(1) == 2)
    }
}
