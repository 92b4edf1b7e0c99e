import Testing
@testable import FathomCore

enum RenderFunctionsFixture {
    static let t0 = RenderFixture.t0

    static let checkout10 = FunctionSummary(
        function: "checkout", version: "10", invocations: 4, errors: 2, timeouts: 1, coldStarts: 1,
        duration: DistributionStats(
            count: 4, sum: 1000, min: 100, max: 400, avg: 250, p50: 201.5, p90: 398.25, p95: 400, p99: 400),
        initDuration: DistributionStats(
            count: 1, sum: 150.5, min: 150.5, max: 150.5, avg: 150.5, p50: 150.5, p90: 150.5, p95: 150.5, p99: 150.5),
        billedDurationMs: 1000, memoryMB: 512, maxMemoryUsedMB: 130, costUSD: 0.00390625,
        firstSeen: t0, lastSeen: t0 + 61_500)

    /// Deliberately unsorted: the renderer sorts by function, then version numerically.
    static let rows = [
        checkout10,
        FunctionSummary(function: "api", version: "$LATEST", invocations: 1, firstSeen: t0, lastSeen: t0),
        FunctionSummary(
            function: "checkout", version: "2", invocations: 3, coldStarts: 3,
            duration: DistributionStats(
                count: 3, sum: 30.75, min: 10, max: 10.5, avg: 10.25, p50: 10.25, p90: 10.5, p95: 10.5, p99: 10.5),
            billedDurationMs: 33, memoryMB: 128, costUSD: 1.25e-6, firstSeen: t0, lastSeen: t0),
    ]
}

@Test func renderFunctionsTable() {
    let text = Renderers.functions(RenderFunctionsFixture.rows, format: .table)
    #expect(
        text == """
            FUNCTION  VERSION  INVOCATIONS  ERR%  TIMEOUTS  COLD%     P50     P90     P99  INIT P50         MEM       COST
            api       $LATEST            1   0.0         0    0.0       -       -       -         -           -    $0.0000
            checkout  2                  3   0.0         0  100.0   10.25   10.50   10.50         -    -/128 MB  $0.000001
            checkout  10                 4  50.0         1   25.0  201.50  398.25  400.00    150.50  130/512 MB    $0.0039

            """)
}

@Test func renderFunctionsTableEmpty() {
    #expect(Renderers.functions([], format: .table) == "no function invocations in this time range\n")
    #expect(Renderers.functions([], format: .json) == "[]\n")
    #expect(Renderers.functions([], format: .csv).split(separator: "\n").count == 1)
}

@Test func renderFunctionsJSONGolden() {
    let text = Renderers.functions([RenderFunctionsFixture.checkout10], format: .json)
    #expect(
        text == """
            [
              {
                "function": "checkout",
                "version": "10",
                "invocations": 4,
                "errors": 2,
                "timeouts": 1,
                "cold_starts": 1,
                "error_rate": 0.5,
                "cold_start_rate": 0.25,
                "duration_ms": {
                  "count": 4,
                  "sum": 1000,
                  "min": 100,
                  "max": 400,
                  "avg": 250,
                  "p50": 201.5,
                  "p90": 398.25,
                  "p95": 400,
                  "p99": 400
                },
                "init_duration_ms": {
                  "count": 1,
                  "sum": 150.5,
                  "min": 150.5,
                  "max": 150.5,
                  "avg": 150.5,
                  "p50": 150.5,
                  "p90": 150.5,
                  "p95": 150.5,
                  "p99": 150.5
                },
                "billed_duration_ms": 1000,
                "memory_mb": 512,
                "max_memory_used_mb": 130,
                "cost_usd": 0.00390625,
                "first_seen": "2025-11-20T08:00:00Z",
                "last_seen": "2025-11-20T08:01:01.500Z"
              }
            ]

            """)
}

@Test func renderFunctionsJSONParsesWithContractKeys() throws {
    let text = Renderers.functions(RenderFunctionsFixture.rows, format: .json)
    let json = try #require(RenderJSON.parse(text))
    #expect(json.count == 3)
    let contract = [
        "function", "version", "invocations", "errors", "timeouts", "cold_starts", "duration_ms", "init_duration_ms",
        "billed_duration_ms", "memory_mb", "max_memory_used_mb", "cost_usd",
    ]
    for i in 0..<3 {
        let row = try #require(json[i])
        for key in contract { #expect(row[key] != nil, "row \(i) lacks \(key)") }
    }
    #expect(json[0]?["function"] == .string("api"))
    #expect(json[0]?["duration_ms"] == .null)
    #expect(json[0]?["memory_mb"] == .null)
    #expect(json[1]?["version"] == .string("2"))
    #expect(json[1]?["duration_ms"]?.keys == ["count", "sum", "min", "max", "avg", "p50", "p90", "p95", "p99"])
    #expect(json[1]?["cost_usd"] == .number(1.25e-6))
    #expect(json[2]?["duration_ms"]?["p90"] == .number(398.25))
}

@Test func renderFunctionsCSV() {
    let text = Renderers.functions(RenderFunctionsFixture.rows, format: .csv)
    let stats = ["count", "sum", "min", "max", "avg", "p50", "p90", "p95", "p99"]
    let header =
        ["function", "version", "invocations", "errors", "timeouts", "cold_starts"]
        + stats.map { "duration_ms_" + $0 } + stats.map { "init_duration_ms_" + $0 }
        + ["billed_duration_ms", "memory_mb", "max_memory_used_mb", "cost_usd", "first_seen", "last_seen"]
    let none = String(repeating: ",", count: 9)
    #expect(
        text == header.joined(separator: ",") + "\n"
            + "api,$LATEST,1,0,0,0" + none + none + ",0,,,0,2025-11-20T08:00:00Z,2025-11-20T08:00:00Z\n"
            + "checkout,2,3,0,0,3,3,30.75,10,10.5,10.25,10.25,10.5,10.5,10.5" + none
            + ",33,128,,1.25e-06,2025-11-20T08:00:00Z,2025-11-20T08:00:00Z\n"
            + "checkout,10,4,2,1,1,4,1000,100,400,250,201.5,398.25,400,400,1,150.5,150.5,150.5,150.5,150.5,150.5,150.5,150.5"
            + ",1000,512,130,0.00390625,2025-11-20T08:00:00Z,2025-11-20T08:01:01.500Z\n")
}

@Test func renderFunctionsMemoryColumn() {
    var r = FunctionSummary(function: "f", version: "1", invocations: 1, firstSeen: 0, lastSeen: 0)
    #expect(Renderers.memory(r) == "-")
    r.maxMemoryUsedMB = 99.6
    #expect(Renderers.memory(r) == "100/- MB")
    r.memoryMB = 1024
    #expect(Renderers.memory(r) == "100/1024 MB")
}
