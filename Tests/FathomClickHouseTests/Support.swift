import FathomCore
import FathomStore
import Foundation
import Logging

@testable import FathomClickHouse

/// The single server the integration tests use (`FATHOM_CLICKHOUSE=host:port`), if any.
let singleServer: String? = ProcessInfo.processInfo.environment["FATHOM_CLICKHOUSE"].flatMap { $0.isEmpty ? nil : $0 }
/// A server of the two-shard cluster `fathom_2s` (`FATHOM_CLICKHOUSE_CLUSTER=host:port`), if any.
let clusterServer: String? = ProcessInfo.processInfo.environment["FATHOM_CLICKHOUSE_CLUSTER"].flatMap {
    $0.isEmpty ? nil : $0
}


/// A fresh random database on a server, dropped (on every shard) when the test is done.
final class TestDatabase {
    let url: ClickHouseURL
    let spoolDir: URL

    init(server: String, cluster: String? = nil, query: String = "") throws {
        let name = "fathom_test_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        var params = cluster.map { "cluster=\($0)" } ?? ""
        if !query.isEmpty { params += (params.isEmpty ? "" : "&") + query }
        url = try ClickHouseURL(parsing: "clickhouse://\(server)/\(name)" + (params.isEmpty ? "" : "?" + params))
        spoolDir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-ch-\(name)")
    }

    func store() throws -> ClickHouseStore {
        try ClickHouseStore(
            url: url, spoolPath: spoolDir.appendingPathComponent("spool.sqlite").path, spoolMaxBytes: 64 << 20,
            logger: Logger(label: "test"))
    }

    /// Clients of every server holding the database (one, or each shard).
    func clients() throws -> [ClickHouseClient] {
        let main = ClickHouseClient(url: url)
        guard let cluster = url.cluster else { return [main] }
        return try main.rows("SELECT DISTINCT host_address FROM system.clusters WHERE cluster = '\(cluster)'")
            .map { ClickHouseClient(url: url, host: $0[0]) }
    }

    deinit {
        for c in (try? clients()) ?? [] { try? c.execute("DROP DATABASE IF EXISTS \(url.database)") }
        try? FileManager.default.removeItem(at: spoolDir)
    }
}

let day: Int64 = 86_400_000
/// 2026-11-19 00:00 UTC.
let t0: Int64 = 1_763_510_400_000

func key(_ name: String, _ kind: MetricKind = .distribution, function: String = "api", _ extra: [Tag] = []) -> SeriesKey {
    SeriesKey(name: name, kind: kind, tags: [Tag("function", function), Tag("version", "$LATEST")] + extra)
}

func rollup(_ values: [Double], at: Int64) -> Rollup {
    var r = Rollup()
    for (i, v) in values.enumerated() { r.add(v, at: at + Int64(i)) }
    return r
}

/// A batch over two days and several functions: rollups, invocations with correlation and X-Ray
/// links, strings that need escaping, quarantined lines and checkpoints.
func sampleBatch(functions: [String] = ["api", "worker", "billing", "auth", "search", "mailer"]) -> IngestBatch {
    var batch = IngestBatch()
    for (f, function) in functions.enumerated() {
        for m in 0..<5 {
            let minute = t0 + Int64(m) * 60_000 + (m >= 3 ? day : 0)
            batch.rollups[key("duration", function: function), default: [:]][minute] =
                rollup([Double(f * 10 + m), 2.5, 100], at: minute)
            batch.rollups[key("requests", .count, function: function, [Tag("route", "/a,b:c\\d"), Tag("canary", "")]),
                default: [:]][minute] = rollup([1, 1], at: minute)
        }
    }
    batch.rollups[SeriesKey(name: "fathom.lines", kind: .count, tags: [])] = [t0 + 10 * day: rollup([7], at: t0 + 10 * day)]
    batch.invocations = [
        Invocation(
            requestID: "r1", function: "api", version: "$LATEST", stream: "s/1", start: t0 + 1000, end: t0 + 1500,
            durationMs: 500, billedDurationMs: 500, memorySizeMB: 128, maxMemoryUsedMB: 64, initDurationMs: 120.5,
            status: .ok, xrayTraceID: "1-abc", correlationIDs: ["order-1", "tab\tand\nnewline"],
            lines: Array("START r1\n\tdone \\ 'q' \"é\" ✓\n".utf8) + [0, 1, 255], lineCount: 2),
        Invocation(
            requestID: "r2", function: "worker", version: "3", start: t0 + 2000, end: t0 + 2600, durationMs: 600,
            status: .error, errorType: "Boom", correlationIDs: ["order-1"], lines: Array("x\n".utf8), lineCount: 1),
        Invocation(
            requestID: "r3", function: "billing", version: "1", start: t0 + day + 5, end: t0 + day + 9,
            status: .timeout, xrayTraceID: "1-abc", lines: [], lineCount: 0),
        Invocation(
            requestID: "r4", function: "auth", version: "1", start: t0 + 3000, end: t0 + 3001,
            correlationIDs: ["order-2"], lines: Array("y\n".utf8), lineCount: 1),
        Invocation(requestID: "r1", function: "api", version: "$LATEST", start: t0 + 9000, end: t0 + 9100, lineCount: 0),
    ]
    batch.quarantine = [
        QuarantineEntry(reason: .brokenJSON, source: "b.log", line: 3, offset: 40, detail: "x", excerpt: "{\"a\":\t"),
        QuarantineEntry(reason: .brokenJSON, source: "a.log", line: 9, offset: 90, detail: "y", excerpt: "{"),
        QuarantineEntry(reason: .binary, source: "a.log", line: 2, offset: 10, detail: "z", excerpt: "\u{1}"),
    ]
    batch.checkpoints = [
        SourceCheckpoint(
            fingerprint: 0xdead_beef_0000_0001, fingerprintLength: 4096, path: "/logs/a.log", offset: 1234, lines: 20,
            file: FileID(device: 2049, inode: 77))
    ]
    batch.state = [1, 2, 3]
    return batch
}
