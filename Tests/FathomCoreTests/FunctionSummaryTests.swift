import Testing
@testable import FathomCore

/// Builds an `InMemoryMetricReader` holding the built-in `fn.*` metrics of invocations, as the
/// metric aggregator writes them (timed at invocation start, per-minute rollups).
struct FunctionSummaryFixture {
    var reader = InMemoryMetricReader()

    mutating func metric(_ name: String, _ kind: MetricKind, _ inv: Invocation, _ value: Double) {
        let key = SeriesKey(name: name, kind: kind, tags: [Tag("function", inv.function), Tag("version", inv.version)])
        reader.add(key, minute: inv.start, Rollup(value: value, at: inv.start))
    }

    mutating func add(_ inv: Invocation, cost: Double = 0) {
        metric("fn.invocations", .count, inv, 1)
        metric("fn.errors", .count, inv, inv.status.isFailure ? 1 : 0)
        metric("fn.timeouts", .count, inv, inv.status == .timeout ? 1 : 0)
        metric("fn.cold_starts", .count, inv, inv.isColdStart ? 1 : 0)
        if let d = inv.durationMs { metric("fn.duration", .distribution, inv, d) }
        if let b = inv.billedDurationMs { metric("fn.billed_duration", .distribution, inv, b) }
        if let i = inv.initDurationMs { metric("fn.init_duration", .distribution, inv, i) }
        if let m = inv.maxMemoryUsedMB { metric("fn.max_memory_used", .distribution, inv, m) }
        if let size = inv.memorySizeMB {
            metric("fn.memory_size", .gauge, inv, size)
            metric("fn.cost", .count, inv, cost)
        }
    }

    static let t0 = RenderFixture.t0

    static func inv(
        _ function: String, _ version: String, at offset: Int64, duration: Double, status: InvocationStatus = .ok,
        initMs: Double? = nil, memory: Double = 512, used: Double = 100
    ) -> Invocation {
        Invocation(
            requestID: "\(function)-\(version)-\(offset)", function: function, version: version, start: t0 + offset,
            end: t0 + offset + Int64(duration), durationMs: duration, billedDurationMs: duration.rounded(.up),
            memorySizeMB: memory, maxMemoryUsedMB: used, initDurationMs: initMs, status: status)
    }

    /// checkout 10: 4 invocations over two minutes (one cold, one error, one timeout);
    /// checkout 2: 1; api $LATEST: 1; plus an unrelated custom metric.
    static func standard() -> FunctionSummaryFixture {
        var f = FunctionSummaryFixture()
        f.add(inv("checkout", "10", at: 1_000, duration: 100, initMs: 150.5, used: 120), cost: 0.0009765625)
        f.add(inv("checkout", "10", at: 2_000, duration: 200, status: .error, used: 130), cost: 0.0009765625)
        f.add(inv("checkout", "10", at: 61_000, duration: 300, status: .timeout, used: 125), cost: 0.0009765625)
        f.add(inv("checkout", "10", at: 61_500, duration: 400, used: 110), cost: 0.0009765625)
        f.add(inv("checkout", "2", at: 5_000, duration: 10, memory: 128, used: 60), cost: 0.25)
        f.add(inv("api", "$LATEST", at: 30_000, duration: 7.5), cost: 0.5)
        f.reader.add(
            SeriesKey(name: "orders", kind: .count, tags: [Tag("function", "checkout"), Tag("version", "10")]),
            minute: t0, Rollup(value: 5, at: t0))
        return f
    }
}

@Test func functionSummaryComputesPerVersion() throws {
    let f = FunctionSummaryFixture.standard()
    let t0 = FunctionSummaryFixture.t0
    let rows = try FunctionSummaries.compute(reader: f.reader, from: t0, to: t0 + 3_600_000)
    #expect(rows.map { "\($0.function) \($0.version)" } == ["api $LATEST", "checkout 2", "checkout 10"])

    let c = rows[2]
    #expect(c.invocations == 4)
    #expect(c.errors == 2)  // the timeout counts as a failure too
    #expect(c.timeouts == 1)
    #expect(c.coldStarts == 1)
    #expect(c.billedDurationMs == 1000)
    #expect(c.memoryMB == 512)
    #expect(c.maxMemoryUsedMB == 130)
    #expect(c.costUSD == 0.00390625)
    #expect(c.firstSeen == t0)
    #expect(c.lastSeen == t0 + 61_500)
    #expect(c.errorRate == 0.5)
    #expect(c.coldStartRate == 0.25)

    let d = try #require(c.duration)
    #expect(d.count == 4)
    #expect(d.sum == 1000)
    #expect(d.min == 100)
    #expect(d.max == 400)
    #expect(d.avg == 250)
    var merged = Rollup()
    for v in [100.0, 200, 300, 400] { merged.add(v, at: 0) }
    #expect(d == DistributionStats(merged))
    // The sketch's quantiles (nearest rank ⌈q·n⌉, 1 % relative accuracy): p50 ≈ 200, p99 = max = 400.
    #expect(abs(d.p50 - 200) <= 2)
    #expect(abs(d.p99 - 400) <= 4)

    let i = try #require(c.initDuration)
    #expect(i.count == 1)
    #expect(i.p50 == 150.5)  // clamped into [min, max] = the one value

    let api = rows[0]
    #expect(api.invocations == 1)
    #expect(api.initDuration == nil)
    #expect(api.duration?.max == 7.5)
    #expect(api.costUSD == 0.5)
}

@Test func functionSummaryHonoursTheRange() throws {
    let f = FunctionSummaryFixture.standard()
    let t0 = FunctionSummaryFixture.t0
    // Only the second minute: two checkout 10 invocations.
    let rows = try FunctionSummaries.compute(reader: f.reader, from: t0 + 60_000, to: t0 + 120_000)
    #expect(rows.count == 1)
    #expect(rows[0].invocations == 2)
    #expect(rows[0].timeouts == 1)
    #expect(rows[0].coldStarts == 0)
    #expect(rows[0].initDuration == nil)
    #expect(rows[0].firstSeen == t0 + 60_000)
    #expect(rows[0].duration?.min == 300)
    // The end is exclusive.
    #expect(try FunctionSummaries.compute(reader: f.reader, from: t0 - 60_000, to: t0).isEmpty)
    #expect(try FunctionSummaries.compute(reader: InMemoryMetricReader(), from: 0, to: .max).isEmpty)
}

@Test func functionSummaryWithoutDurationsOrMemory() throws {
    var f = FunctionSummaryFixture()
    let t0 = FunctionSummaryFixture.t0
    // A Managed Instances style report: an invocation with neither duration nor memory.
    f.add(Invocation(requestID: "r", function: "mi", version: "1", start: t0, end: t0))
    // A series without a function tag is ignored.
    f.reader.add(SeriesKey(name: "fn.invocations", kind: .count, tags: []), minute: t0, Rollup(value: 1, at: t0))
    let rows = try FunctionSummaries.compute(reader: f.reader, from: t0, to: t0 + 60_000)
    #expect(
        rows == [
            FunctionSummary(
                function: "mi", version: "1", invocations: 1, errors: 0, timeouts: 0, coldStarts: 0, duration: nil,
                initDuration: nil, billedDurationMs: 0, memoryMB: nil, maxMemoryUsedMB: nil, costUSD: 0,
                firstSeen: t0, lastSeen: t0)
        ])
}

@Test func functionSummaryVersionOrder() throws {
    var f = FunctionSummaryFixture()
    for (k, v) in ["$LATEST", "10", "beta", "2", "007", "alpha", "1"].enumerated() {
        f.add(FunctionSummaryFixture.inv("f", v, at: Int64(k) * 1000, duration: 1))
    }
    f.add(FunctionSummaryFixture.inv("a", "3", at: 0, duration: 1))
    let t0 = FunctionSummaryFixture.t0
    let rows = try FunctionSummaries.compute(reader: f.reader, from: t0, to: t0 + 60_000)
    #expect(rows.map(\.version) == ["3", "1", "2", "007", "10", "alpha", "beta", "$LATEST"])
    #expect(rows.map(\.function) == ["a", "f", "f", "f", "f", "f", "f", "f"])
}

@Test func functionSummaryVersionPrecedes() {
    #expect(FunctionSummaries.versionPrecedes("2", "10"))
    #expect(!FunctionSummaries.versionPrecedes("10", "2"))
    #expect(FunctionSummaries.versionPrecedes("99999999999999999999998", "99999999999999999999999"))
    #expect(FunctionSummaries.versionPrecedes("10", "$LATEST"))
    #expect(FunctionSummaries.versionPrecedes("live", "$LATEST"))
    #expect(FunctionSummaries.versionPrecedes("10", "live"))
    #expect(FunctionSummaries.versionPrecedes("07", "7"))  // same number: by text, so the order is total
    #expect(!FunctionSummaries.versionPrecedes("7", "7"))
    #expect(FunctionSummaries.versionPrecedes("", "a"))
}

@Test func distributionStatsOfEmptyRollupIsNil() {
    #expect(DistributionStats(Rollup()) == nil)
    let s = DistributionStats(Rollup(value: 42, at: 0))
    #expect(s == DistributionStats(count: 1, sum: 42, min: 42, max: 42, avg: 42, p50: 42, p90: 42, p95: 42, p99: 42))
}

@Test func functionSummaryRendersEndToEnd() throws {
    let f = FunctionSummaryFixture.standard()
    let t0 = FunctionSummaryFixture.t0
    let rows = try FunctionSummaries.compute(reader: f.reader, from: t0, to: t0 + 3_600_000)
    let table = Renderers.functions(rows, format: .table)
    let lines = table.split(separator: "\n")
    #expect(lines.count == 4)
    #expect(lines[0].hasPrefix("FUNCTION  VERSION  INVOCATIONS  ERR%  TIMEOUTS  COLD%"))
    #expect(lines[3].hasPrefix("checkout  10                 4  50.0         1   25.0"))
    #expect(lines[3].hasSuffix("150.50  130/512 MB  $0.0039"))
    let json = try #require(RenderJSON.parse(Renderers.functions(rows, format: .json)))
    #expect(json[2]?["duration_ms"]?["count"] == .number(4))
}
