import Testing
@testable import FathomCore

@Suite struct RollupTests {
    private func rollup(_ points: [(Double, Int64)]) -> Rollup {
        var r = Rollup()
        for (v, t) in points { r.add(v, at: t) }
        return r
    }

    @Test func emptyRollup() throws {
        let r = Rollup()
        #expect(r.count == 0)
        #expect(r.avg == nil)
        #expect(r.sketch.isEmpty)
        for a in Aggregation.allCases { #expect(r.value(a) == nil, "\(a.name)") }
        #expect(try Rollup(serialized: r.serialized()) == r)
        #expect(r.serialized() == [1, 0])
    }

    @Test func singleValue() {
        let r = Rollup(value: 42, at: 1_000)
        #expect(r.count == 1)
        #expect(r.sum == 42 && r.min == 42 && r.max == 42 && r.last == 42 && r.lastTime == 1_000)
        #expect(r.avg == 42)
        #expect(r.sketch.count == 1)
        // Quantiles are clamped into the exact [min, max], so one value reads back exactly.
        for a in Aggregation.allCases where a != .count {
            #expect(r.value(a) == 42, "\(a.name)")
        }
        #expect(r.value(.count) == 1)
    }

    @Test func addTracksEveryField() {
        let r = rollup([(3, 10), (-2, 30), (7.5, 20), (0, 5)])
        #expect(r.count == 4)
        #expect(r.sum == 8.5)
        #expect(r.min == -2)
        #expect(r.max == 7.5)
        #expect(r.last == -2 && r.lastTime == 30)
        #expect(r.avg == 2.125)
        #expect(r.value(.sum) == 8.5)
        #expect(r.value(.count) == 4)
        #expect(r.value(.avg) == 2.125)
        #expect(r.value(.min) == -2)
        #expect(r.value(.max) == 7.5)
        #expect(r.value(.last) == -2)
        #expect(r.sketch.count == 4)
    }

    @Test func lastPrefersLatestTimeThenLargerValue() {
        let a = rollup([(1, 100), (5, 100), (3, 100)])
        #expect(a.last == 5)
        let b = rollup([(3, 100), (5, 100), (1, 100)])
        #expect(a == b)
        let c = rollup([(9, 50), (2, 200), (8, 150)])
        #expect(c.last == 2 && c.lastTime == 200)
        var m = Rollup(value: 1, at: 300)
        m.merge(Rollup(value: 4, at: 300))
        var n = Rollup(value: 4, at: 300)
        n.merge(Rollup(value: 1, at: 300))
        #expect(m == n)
        #expect(m.last == 4)
    }

    @Test func quantilesUseExactEndsAndClampTheSketch() {
        var random = TestRandom(seed: 42)
        let values = SketchTestData.sample("lognormal", 5000, &random)
        var r = Rollup()
        for (i, v) in values.enumerated() { r.add(v, at: Int64(i)) }
        let sorted = values.sorted()
        #expect(r.value(.quantile(0)) == sorted.first)
        #expect(r.value(.quantile(1)) == sorted.last)
        #expect(r.value(.min) == sorted.first)
        #expect(r.value(.max) == sorted.last)
        for q in [0.001, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999] {
            let exact = sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
            let estimate = r.value(.quantile(q))!
            #expect(abs(estimate - exact) <= 0.0100001 * exact, "q=\(q)")
            #expect(estimate >= sorted.first! && estimate <= sorted.last!)
        }
        #expect(r.value(.quantile(1.5)) == nil)
        #expect(r.value(.quantile(-0.1)) == nil)
        #expect(r.value(.quantile(.nan)) == nil)
        // Two close values: the raw sketch answer would be outside [min, max]; the rollup's is not.
        let pair = rollup([(100.4, 1), (100.6, 2)])
        for q in [0.1, 0.5, 0.9] {
            let v = pair.value(.quantile(q))!
            #expect(v >= 100.4 && v <= 100.6)
        }
    }

    @Test func nonFiniteIgnoredAndNegativeZeroNormalised() {
        var r = Rollup()
        r.add(.nan, at: 1)
        r.add(.infinity, at: 2)
        #expect(r == Rollup())
        r.add(-0.0, at: 3)
        r.add(0.0, at: 3)
        #expect(r.min.sign == .plus && r.max.sign == .plus && r.last.sign == .plus)
        #expect(r.count == 2)
        #expect(r.sketch.quantile(0.5) == 0)
    }

    @Test func mergeWithEmpty() {
        let x = rollup([(1, 1), (2, 2)])
        var a = Rollup()
        a.merge(x)
        #expect(a == x)
        var b = x
        b.merge(Rollup())
        #expect(b == x)
        // An empty rollup's defaults never leak into `last`.
        var c = Rollup(value: -5, at: .min)
        c.merge(Rollup())
        #expect(c.last == -5)
        var d = Rollup()
        d.merge(Rollup(value: -5, at: .min))
        #expect(d.last == -5)
    }

    @Test func mergeIsOrderIndependent() {
        var random = TestRandom(seed: 2024)
        var parts: [[(Double, Int64)]] = []
        var all: [(Double, Int64)] = []
        for _ in 0..<40 {
            // Integer values so every summation order is exact; timestamps collide on purpose.
            let points = (0..<Int(random.next() % 50)).map { _ in
                (Double(Int64(random.next() % 2001) - 1000), Int64(random.next() % 20))
            }
            parts.append(points)
            all += points
        }
        let rollups = parts.map { rollup($0) }
        let direct = rollup(all)
        #expect(direct.count == UInt64(all.count))
        for _ in 0..<6 {
            var merged = Rollup()
            for r in rollups.shuffled(using: &random) { merged.merge(r) }
            #expect(merged == direct)
            #expect(merged.serialized() == direct.serialized())
        }
        let maxTime = all.map(\.1).max()!
        #expect(direct.lastTime == maxTime)
        #expect(direct.last == all.filter { $0.1 == maxTime }.map(\.0).max())
    }

    @Test func mergedMinutesMatchExactValues() {
        // Sixty one-minute rollups merged into an hour: exact fields stay exact.
        var random = TestRandom(seed: 8)
        var minutes: [Rollup] = []
        var values: [Double] = []
        for minute in 0..<60 {
            var r = Rollup()
            for k in 0..<100 {
                let v = SketchTestData.sample("lambdaDurations", 1, &random)[0]
                values.append(v)
                r.add(v, at: Int64(minute * 60_000 + k))
            }
            minutes.append(r)
        }
        var hour = Rollup()
        for r in minutes.reversed() { hour.merge(r) }
        #expect(hour.count == 6000)
        #expect(hour.min == values.min())
        #expect(hour.max == values.max())
        #expect(hour.last == values.last)
        #expect(hour.lastTime == 59 * 60_000 + 99)
        #expect(abs(hour.sum - values.reduce(0, +)) <= 1e-9 * hour.sum)
        let sorted = values.sorted()
        let p99 = sorted[Int((0.99 * Double(sorted.count - 1)).rounded(.down))]
        #expect(abs(hour.value(.quantile(0.99))! - p99) <= 0.0100001 * p99)
    }

    // MARK: Binary format

    private func sampleRollups() -> [Rollup] {
        var random = TestRandom(seed: 55)
        var out = [Rollup(), Rollup(value: 0, at: 0), Rollup(value: -1e300, at: .min), Rollup(value: 1e-300, at: .max)]
        for name in SketchTestData.names {
            var r = Rollup()
            for (i, v) in SketchTestData.sample(name, 200, &random).enumerated() {
                r.add(v, at: 1_700_000_000_000 + Int64(i) * 37)
            }
            out.append(r)
        }
        return out
    }

    @Test func serializationRoundTrips() throws {
        for r in sampleRollups() {
            let bytes = r.serialized()
            #expect(bytes.first == Rollup.formatVersion)
            let decoded = try Rollup(serialized: bytes)
            #expect(decoded == r)
            #expect(decoded.sum.bitPattern == r.sum.bitPattern)
            #expect(decoded.serialized() == bytes)
        }
    }

    @Test func everyTruncationIsRejected() {
        for r in sampleRollups() {
            let bytes = r.serialized()
            for length in 0..<bytes.count {
                #expect(throws: SerializationError.self) { try Rollup(serialized: Array(bytes[0..<length])) }
            }
        }
    }

    @Test func randomAndMutatedBytesNeverCrash() {
        var random = TestRandom(seed: 999)
        var inputs: [[UInt8]] = []
        for _ in 0..<3000 {
            var bytes = (0..<Int(random.next() % 60)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if !bytes.isEmpty && random.next() % 2 == 0 { bytes[0] = Rollup.formatVersion }
            inputs.append(bytes)
        }
        for r in sampleRollups() {
            let bytes = r.serialized()
            for _ in 0..<100 {
                var mutated = bytes
                mutated[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                inputs.append(mutated)
            }
        }
        for bytes in inputs {
            if let r = try? Rollup(serialized: bytes) {
                #expect(r.count == r.sketch.count)
                #expect(r.count == 0 || (r.min <= r.last && r.last <= r.max))
            }
        }
    }

    @Test func inconsistentInputIsRejectedWithAMessage() {
        func message(_ bytes: [UInt8]) -> String {
            do {
                _ = try Rollup(serialized: bytes)
                return "decoded"
            } catch {
                return error.description
            }
        }
        var r = Rollup(value: 5, at: 10)
        r.add(7, at: 11)
        #expect(message(r.serialized()) == "decoded")
        #expect(message([9, 0]).contains("unknown format version 9"))
        #expect(message([1, 0, 0]).contains("trailing"))
        #expect(message(r.serialized() + [0]).contains("trailing"))
        var wrongCount = r
        wrongCount.count = 3
        #expect(message(wrongCount.serialized()).contains("the sketch holds 2 values, the count says 3"))
        var unordered = r
        unordered.min = 8
        #expect(message(unordered.serialized()).contains("not finite and ordered"))
        var nanSum = r
        nanSum.sum = .nan
        #expect(message(nanSum.serialized()).contains("NaN"))
        #expect(message([]).hasPrefix("cannot decode Rollup at byte 0"))
    }
}
