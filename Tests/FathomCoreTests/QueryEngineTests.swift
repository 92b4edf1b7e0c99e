import Testing

@testable import FathomCore

private let t0: Int64 = 1_795_161_600_000  // 2026-11-20T08:00:00Z, a whole hour
private let minute: Int64 = 60_000

private func key(_ name: String, _ tags: [(String, String)], kind: MetricKind = .count) -> SeriesKey {
    SeriesKey(name: name, kind: kind, tags: tags.map { FathomCore.Tag($0.0, $0.1) })
}

/// A rollup of `values`, the k-th observed at `time + k * step`.
private func rollup(_ values: [Double], at time: Int64, step: Int64 = 100) -> Rollup {
    var r = Rollup()
    for (k, v) in values.enumerated() { r.add(v, at: time + Int64(k) * step) }
    return r
}

/// Test data, over minutes 0..<10 after `t0` (nothing from minute 10 on):
/// - fn.invocations: checkout v1 10/min; checkout v2 i+1 in minute i; search v3 2/min;
///   checkout-api (no version) 1/min in minutes 0..<5. Each invocation is a value 1.
/// - fn.errors: checkout v1 1/min except minute 3; checkout v2 1 in even minutes.
/// - fn.duration: checkout v1 100+i, 200+i, 300+i in minute i; checkout v2 50+i at 30 s.
private func fixture(reversed: Bool = false) -> InMemoryMetricReader {
    var adds: [(SeriesKey, Int64, Rollup)] = []
    for i in 0..<10 {
        let m = t0 + Int64(i) * minute
        adds.append((key("fn.invocations", [("function", "checkout"), ("version", "1")]), m, rollup(Array(repeating: 1, count: 10), at: m)))
        adds.append((key("fn.invocations", [("function", "checkout"), ("version", "2")]), m, rollup(Array(repeating: 1, count: i + 1), at: m)))
        adds.append((key("fn.invocations", [("function", "search"), ("version", "3")]), m, rollup([1, 1], at: m)))
        if i < 5 { adds.append((key("fn.invocations", [("function", "checkout-api")]), m, rollup([1], at: m))) }
        if i != 3 { adds.append((key("fn.errors", [("function", "checkout"), ("version", "1")]), m, rollup([1], at: m))) }
        if i % 2 == 0 { adds.append((key("fn.errors", [("function", "checkout"), ("version", "2")]), m, rollup([1], at: m))) }
        let d = Double(i)
        adds.append((key("fn.duration", [("function", "checkout"), ("version", "1")], kind: .distribution), m, rollup([100 + d, 200 + d, 300 + d], at: m, step: 1000)))
        adds.append((key("fn.duration", [("function", "checkout"), ("version", "2")], kind: .distribution), m, rollup([50 + d], at: m + 30_000)))
    }
    if reversed { adds.reverse() }
    var reader = InMemoryMetricReader()
    for (k, m, r) in adds { reader.add(k, minute: m, r) }
    return reader
}

private func run(_ text: String, from: Int64 = t0, to: Int64 = t0 + 12 * minute, step: Int64? = minute) throws -> QueryResult {
    try QueryEngine(reader: fixture()).evaluate(text, from: from, to: to, step: step)
}

private func tags(_ pairs: (String, String)...) -> [FathomCore.Tag] { pairs.map { FathomCore.Tag($0.0, $0.1) } }

@Suite struct QueryEngineTests {
    @Test func sumsAndCountsAreExact() throws {
        let r = try run("sum:fn.invocations{function:checkout}")
        #expect(r.series.count == 1)
        let s = r.series[0]
        #expect(s.metric == "fn.invocations" && s.aggregation == "sum" && s.tags == [])
        #expect(s.points.map(\.time) == (0..<12).map { t0 + Int64($0) * minute })
        let expected: [Double?] = (0..<10).map { (i: Int) -> Double? in Double(10 + i + 1) } + [nil, nil]
        #expect(s.values == expected)

        let c = try run("count:fn.duration{function:checkout}", to: t0 + 2 * minute)
        #expect(c.series[0].values == [4, 4])
    }

    @Test func exactAggregations() throws {
        let range = (from: t0, to: t0 + 2 * minute)
        func values(_ agg: String) throws -> [Double?] {
            try run("\(agg):fn.duration", from: range.from, to: range.to).series[0].values
        }
        #expect(try values("sum") == [650, 654])
        #expect(try values("avg") == [162.5, 163.5])
        #expect(try values("min") == [50, 51])
        #expect(try values("max") == [300, 301])
        // v2's single value at +30 s is later than v1's at +0, +1, +2 s.
        #expect(try values("last") == [50, 51])
    }

    @Test func quantilesComeFromTheSketch() throws {
        var reader = InMemoryMetricReader()
        let k = key("lat", [], kind: .distribution)
        for i in 0..<10 {
            let values = (1...100).map { Double(i * 100 + $0) }  // 1...1000 over ten minutes
            reader.add(k, minute: t0 + Int64(i) * minute, rollup(values, at: t0 + Int64(i) * minute))
        }
        let r = try QueryEngine(reader: reader).evaluate("p99:lat", from: t0, to: t0 + 10 * minute, step: 10 * minute)
        let p99 = try #require(r.series.first?.values.first ?? nil)
        #expect(abs(p99 - 990) / 990 < 0.02)
        let p50 = try #require(
            try QueryEngine(reader: reader).evaluate("p50:lat", from: t0, to: t0 + 10 * minute, step: 10 * minute)
                .series.first?.values.first ?? nil)
        #expect(abs(p50 - 500) / 500 < 0.02)
    }

    @Test func groupBy() throws {
        let r = try run("sum:fn.invocations{function:checkout} by {version}", to: t0 + 2 * minute)
        #expect(r.series.map(\.tags) == [tags(("version", "1")), tags(("version", "2"))])
        #expect(r.series.map(\.values) == [[10, 10], [1, 2]])

        // A series without a group key goes to the "none" group.
        let all = try run("sum:fn.invocations by {version,function}", to: t0 + minute)
        #expect(
            all.series.map(\.tags) == [
                tags(("function", "checkout"), ("version", "1")),
                tags(("function", "checkout"), ("version", "2")),
                tags(("function", "checkout-api"), ("version", "none")),
                tags(("function", "search"), ("version", "3")),
            ])
        #expect(all.series.map(\.values) == [[10], [1], [1], [2]])
        let byVersion = try run("sum:fn.invocations by {version}", to: t0 + minute)
        #expect(byVersion.series.map(\.tags) == [tags(("version", "1")), tags(("version", "2")), tags(("version", "3")), tags(("version", "none"))])
    }

    @Test func filters() throws {
        func first(_ q: String) throws -> [Double?] { try run(q, to: t0 + minute).series.map { $0.values[0] } }
        #expect(try first("sum:fn.invocations") == [14])
        #expect(try first("sum:fn.invocations{*}") == [14])
        #expect(try first("sum:fn.invocations{function:checkout}") == [11])
        #expect(try first("sum:fn.invocations{function:check*}") == [12])
        #expect(try first("sum:fn.invocations{function:*-api}") == [1])
        #expect(try first("sum:fn.invocations{function:*e*}") == [14])
        #expect(try first("sum:fn.invocations{function:c*t}") == [11])
        #expect(try first("sum:fn.invocations{version}") == [13])
        #expect(try first("sum:fn.invocations{!version}") == [1])
        #expect(try first("sum:fn.invocations{!version:1}") == [4])  // v2, v3 and the one without version
        #expect(try first("sum:fn.invocations{!function:check*,version}") == [2])
        #expect(try first("sum:fn.invocations{function:checkout,version:2}") == [1])
        #expect(try first("sum:fn.invocations{function:nope}") == [])
        #expect(try first("sum:no.such.metric") == [])
    }

    @Test func globMatching() {
        func g(_ p: String, _ t: String) -> Bool { TagFilter.glob(Array(p.utf8), matches: Array(t.utf8)) }
        for (p, t) in [("*", ""), ("*", "abc"), ("a*c", "abc"), ("a*c", "ac"), ("*b*", "abc"), ("a**c", "abbc"),
            ("*-api", "user-api"), ("v1.*", "v1.2.3"), ("a*b*c", "axxbyyc"), ("", "")] {
            #expect(g(p, t), "\(p) should match \(t)")
        }
        for (p, t) in [("a*c", "abd"), ("abc", "ab"), ("ab", "abc"), ("*-api", "api"), ("a*b*c", "axxcyyb"), ("", "a")] {
            #expect(!g(p, t), "\(p) should not match \(t)")
        }
    }

    @Test func rollupSumBuckets() throws {
        // Buckets of 5 minutes start at floor(from / 5m) * 5m = t0, even though from is t0 + 2m.
        let q = "sum:fn.invocations{function:checkout}.rollup(sum, 300)"
        let r = try run(q, from: t0 + 2 * minute, to: t0 + 10 * minute, step: minute)
        #expect(r.series[0].points.map(\.time) == [t0, t0 + 5 * minute])
        #expect(r.series[0].values == [65, 90])  // v1 50 + v2 (1+…+5); v1 50 + v2 (6+…+10)

        // Outer aggregations combine the per-series 5-minute sums: checkout v1, v2, search, checkout-api.
        func outer(_ agg: String) throws -> [Double?] {
            try run("\(agg):fn.invocations.rollup(sum, 300)", from: t0, to: t0 + 10 * minute).series[0].values
        }
        #expect(try outer("sum") == [80, 100])  // [50, 15, 10, 5], [50, 40, 10]
        #expect(try outer("min") == [5, 10])
        #expect(try outer("max") == [50, 50])
        #expect(try outer("avg") == [20, 100.0 / 3])
        #expect(try outer("count") == [4, 3])
        #expect(try outer("p50") == [10, 40])  // nearest rank ceil(0.5 * n)
        #expect(try outer("p99") == [50, 50])
    }

    @Test func rollupLastAndIntervals() throws {
        // last: the series whose data is latest (v2, at +30 s) wins.
        let last = try run("last:fn.duration.rollup(max, 60)", to: t0 + 2 * minute)
        #expect(last.series[0].values == [50, 51])
        let max = try run("max:fn.duration.rollup(max, 60)", to: t0 + 2 * minute)
        #expect(max.series[0].values == [300, 301])

        // .rollup(m) without seconds keeps the step.
        let kept = try run("sum:fn.invocations{function:checkout}.rollup(sum)", to: t0 + 10 * minute, step: 5 * minute)
        #expect(kept.series[0].points.map(\.time) == [t0, t0 + 5 * minute])
        #expect(kept.series[0].values == [65, 90])

        // 90 s rounds up to 2 minutes.
        let rounded = try run("sum:fn.invocations{function:search}.rollup(sum, 90)", to: t0 + 4 * minute)
        #expect(rounded.series[0].points.map(\.time) == [t0, t0 + 2 * minute])
        #expect(rounded.series[0].values == [4, 4])

        // Grouped rollups.
        let grouped = try run("sum:fn.invocations{function:checkout} by {version}.rollup(sum, 300)", to: t0 + 10 * minute)
        #expect(grouped.series.map(\.values) == [[50, 50], [15, 40]])
    }

    @Test func errorRate() throws {
        let text = "sum:fn.errors{function:checkout} by {version} / sum:fn.invocations{function:checkout} by {version} * 100"
        let r = try run(text, to: t0 + 11 * minute)
        #expect(r.series.count == 2)
        #expect(r.series.allSatisfy { $0.metric == text && $0.aggregation == "sum" })
        #expect(r.series.map(\.tags) == [tags(("version", "1")), tags(("version", "2"))])
        let v1: [Double?] = (0..<10).map { (i: Int) -> Double? in i == 3 ? nil : 1.0 / 10 * 100 } + [nil]
        let v2: [Double?] = (0..<10).map { (i: Int) -> Double? in i % 2 == 0 ? 1.0 / Double(i + 1) * 100 : nil } + [nil]
        #expect(r.series[0].values == v1)
        #expect(r.series[1].values == v2)
    }

    @Test func broadcast() throws {
        // A lone untagged series on the right is broadcast to every series on the left…
        let share = try run("sum:fn.errors{function:checkout} by {version} / sum:fn.invocations{function:checkout}", to: t0 + minute)
        #expect(share.series.map(\.tags) == [tags(("version", "1")), tags(("version", "2"))])
        #expect(share.series.map(\.values) == [[1.0 / 11], [1.0 / 11]])
        // …and on the left.
        let rest = try run("sum:fn.invocations{function:checkout} - sum:fn.errors{function:checkout} by {version}", to: t0 + minute)
        #expect(rest.series.map(\.values) == [[10], [10]])
        #expect(rest.series.map(\.tags) == [tags(("version", "1")), tags(("version", "2"))])
        // Numbers everywhere.
        let scaled = try run("2 * sum:fn.invocations{function:search} + 1", to: t0 + 2 * minute)
        #expect(scaled.series[0].values == [5, 5])
        #expect(scaled.series[0].aggregation == "sum")
        #expect(scaled.series[0].metric == "2 * sum:fn.invocations{function:search} + 1")
        // Unary minus.
        let negated = try run("-sum:fn.invocations{function:search}", to: t0 + minute)
        #expect(negated.series[0].values == [-2])
        #expect(negated.series[0].metric == "-sum:fn.invocations{function:search}")
        // Two lone series pair up.
        let both = try run("sum:fn.errors - sum:fn.errors", to: t0 + minute)
        #expect(both.series.map(\.values) == [[0]])
    }

    @Test func unmatchedSeriesAreDropped() throws {
        let r = try run("sum:fn.errors by {version} + sum:fn.invocations by {version}", to: t0 + minute)
        #expect(r.series.map(\.tags) == [tags(("version", "1")), tags(("version", "2"))])
        #expect(r.series.map(\.values) == [[11], [2]])
        // Different tag sets never pair.
        let none = try run("sum:fn.errors by {version} + sum:fn.invocations by {function,version}", to: t0 + minute)
        #expect(none.series.isEmpty)
    }

    @Test func nilOnMissingDataAndDivisionByZero() throws {
        let r = try run("sum:fn.errors{version:1}", from: t0 + 2 * minute, to: t0 + 5 * minute)
        #expect(r.series[0].values == [1, nil, 1])
        let zero = try run("sum:fn.invocations{function:search} / 0", to: t0 + minute)
        #expect(zero.series[0].values == [nil])
        let difference = try run(
            "sum:fn.errors{version:1} / (sum:fn.errors{version:1} - sum:fn.errors{version:1})", to: t0 + minute)
        #expect(difference.series[0].values == [nil])
        let scalar = try run("1 / 0", to: t0 + 2 * minute)
        #expect(scalar.series[0].values == [nil, nil])
    }

    @Test func numbersAlone() throws {
        let r = try run("2 * 3", to: t0 + 3 * minute)
        #expect(r.series == [ResultSeries(metric: "2 * 3", aggregation: "expr", tags: [], points: [(t0, 6), (t0 + minute, 6), (t0 + 2 * minute, 6)])])
    }

    @Test func stepRounding() throws {
        #expect(QueryEngine.step(90_000, from: 0, to: 1) == 120_000)
        #expect(QueryEngine.step(60_000, from: 0, to: 1) == 60_000)
        #expect(QueryEngine.step(1, from: 0, to: 1) == 60_000)
        #expect(QueryEngine.step(0, from: 0, to: 1) == 60_000)
        #expect(QueryEngine.step(-5, from: 0, to: 1) == 60_000)
        let r = try run("sum:fn.invocations{function:search}", to: t0 + 4 * minute, step: 90_000)
        #expect(r.series[0].points.map(\.time) == [t0, t0 + 2 * minute])
        #expect(r.series[0].values == [4, 4])
    }

    @Test func defaultStep() throws {
        let hour: Int64 = 3_600_000, day: Int64 = 86_400_000
        #expect(QueryEngine.defaultStep(from: t0, to: t0 + hour) == minute)
        #expect(QueryEngine.defaultStep(from: t0, to: t0 + 5 * hour) == minute)  // exactly 300 points
        #expect(QueryEngine.defaultStep(from: t0, to: t0 + 5 * hour + 1) == 5 * minute)
        #expect(QueryEngine.defaultStep(from: t0 + 30_000, to: t0 + 5 * hour + 30_000) == 5 * minute)  // unaligned: 301
        #expect(QueryEngine.defaultStep(from: t0, to: t0 + day) == 5 * minute)
        #expect(QueryEngine.defaultStep(from: t0, to: t0 + 3 * day) == 15 * minute)
        #expect(QueryEngine.defaultStep(from: t0, to: t0 + 12 * day) == hour)
        #expect(QueryEngine.defaultStep(from: t0, to: t0 + 14 * day) == 6 * hour)
        #expect(QueryEngine.defaultStep(from: t0, to: t0 + 100 * day) == day)
        #expect(QueryEngine.defaultStep(from: t0, to: t0 + 1000 * day) == day)
        let r = try run("sum:fn.invocations{function:search}", to: t0 + day, step: nil)
        #expect(r.series[0].points.count == 288)
        #expect(r.series[0].points[1].time - r.series[0].points[0].time == 5 * minute)
        #expect(r.series[0].values.prefix(3) == [10, 10, nil])
    }

    @Test func bucketsAlignToTheStep() throws {
        let r = try run("sum:fn.invocations{function:search}", from: t0 + 7 * minute + 1, to: t0 + 12 * minute, step: 5 * minute)
        #expect(r.series[0].points.map(\.time) == [t0 + 5 * minute, t0 + 10 * minute])
        #expect(r.series[0].values == [10, nil])
        #expect(QueryEngine.firstBucket(from: -1, step: minute) == -minute)
    }

    @Test func emptyRangesAndOldSeries() throws {
        #expect(try run("sum:fn.invocations", from: t0, to: t0).series.isEmpty)
        #expect(try run("sum:fn.invocations", from: t0 + minute, to: t0).series.isEmpty)
        // checkout-api has no data after minute 4, so it is not part of a later range.
        let later = try run("sum:fn.invocations by {function}", from: t0 + 5 * minute, to: t0 + 6 * minute)
        #expect(later.series.map(\.tags) == [tags(("function", "checkout")), tags(("function", "search"))])
        // But a series with some data in range gets nil where it has none.
        let partial = try run("sum:fn.invocations{function:checkout-api}", from: t0 + 4 * minute, to: t0 + 6 * minute)
        #expect(partial.series[0].values == [1, nil])
    }

    @Test func tooManyPoints() {
        #expect(throws: QueryError.self) {
            try QueryEngine(reader: fixture()).evaluate("sum:fn.invocations", from: 0, to: t0, step: minute)
        }
        #expect(throws: QueryError.self) {
            try QueryEngine(reader: fixture()).evaluate("sum:fn.invocations{", from: 0, to: t0, step: minute)
        }
    }

    @Test func deterministicOrdering() throws {
        let q = "sum:fn.invocations by {function,version} * 2"
        let a = try QueryEngine(reader: fixture()).evaluate(q, from: t0, to: t0 + 10 * minute, step: minute)
        let b = try QueryEngine(reader: fixture(reversed: true)).evaluate(q, from: t0, to: t0 + 10 * minute, step: minute)
        #expect(a == b)
        #expect(a.series.map(\.tags) == a.series.map(\.tags).sorted { $0.lexicographicallyPrecedes($1) })
        #expect(a.series.count == 4)
        #expect(a.series.allSatisfy { $0.points.map(\.time) == $0.points.map(\.time).sorted() })
    }
}

@Suite struct QueryWindowTests {
    @Test func oneBucketOverExactlyTheWindow() throws {
        let engine = QueryEngine(reader: fixture())
        // Minutes 3..7 (five minutes), not aligned to a multiple of 5 minutes.
        let r = try engine.evaluateWindow(
            QueryParser.parse("sum:fn.invocations{function:checkout}"), from: t0 + 3 * minute + 5_000, to: t0 + 8 * minute + 59_000)
        #expect(r.series.count == 1)
        #expect(r.series[0].points.count == 1 && r.series[0].points[0].time == t0 + 3 * minute)
        #expect(r.series[0].values == [Double((3..<8).map { 10 + $0 + 1 }.reduce(0, +))])

        let ratio = try engine.evaluateWindow(
            QueryParser.parse("sum:fn.errors{function:checkout} by {version} / sum:fn.invocations{function:checkout} by {version}"),
            from: t0, to: t0 + 4 * minute)
        #expect(ratio.series.map(\.tags) == [tags(("version", "1")), tags(("version", "2"))])
        #expect(ratio.series.allSatisfy { $0.points.count == 1 })
        #expect(try engine.evaluateWindow(QueryParser.parse("sum:fn.invocations"), from: t0, to: t0 + 30_000).series.isEmpty)
    }
}
