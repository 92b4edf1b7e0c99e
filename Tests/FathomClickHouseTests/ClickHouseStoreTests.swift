import FathomCore
import FathomStore
import Foundation
import Testing

@testable import FathomClickHouse

@Suite(.serialized) struct ClickHouseServerTests {
    @Test(.enabled(if: singleServer != nil, "FATHOM_CLICKHOUSE is not set (host:port of a ClickHouse server)"))
    func stringsRoundTripThroughTheServer() throws {
        let db = try TestDatabase(server: singleServer!)
        let c = ClickHouseClient(url: db.url)
        try c.execute("CREATE DATABASE \(db.url.database)")
        try c.execute(
            "CREATE TABLE \(db.url.database).t (i UInt32, s String, a Array(String), n Nullable(Float64)) ENGINE = Memory")
        let strings = [
            "plain", "tab\there", "new\nline", "back\\slash", "quote ' and \"", "é ✓ 日本", "\r\u{0}\u{8}\u{c}\u{1b}", "",
            "\\N", "[array-ish]", "'quoted'",
        ]
        var w = TSVWriter()
        for (i, s) in strings.enumerated() {
            w.uint(UInt64(i))
            w.string(s)
            w.stringArray([s, s + "x"])
            w.optionalDouble(i % 2 == 0 ? nil : Double(i) / 3)
            w.endRow()
        }
        try c.insert(into: "\(db.url.database).t", rows: w)
        let rows = Array(try c.query("SELECT i, s, a, n, length(s) FROM \(db.url.database).t ORDER BY i"))
        #expect(rows.count == strings.count)
        for (row, (i, s)) in zip(rows, strings.enumerated()) {
            #expect(row.string(1) == s)
            #expect(try row.stringArray(2) == [s, s + "x"])
            #expect(try row.optionalDouble(3) == (i % 2 == 0 ? nil : Double(i) / 3))
            #expect(try row.int(4) == Int64(s.utf8.count))
        }
        // Binary bytes (a serialized rollup) in a String column.
        let blob = rollup([1, 2.5, 1e9, -3], at: t0).serialized()
        try c.execute("CREATE TABLE \(db.url.database).b (s String) ENGINE = Memory")
        var b = TSVWriter()
        b.bytes(blob)
        b.endRow()
        try c.insert(into: "\(db.url.database).b", rows: b)
        let back = Array(try c.query("SELECT s FROM \(db.url.database).b"))
        #expect(back.first?.bytes(0) == blob)
    }

    @Test(.enabled(if: singleServer != nil, "FATHOM_CLICKHOUSE is not set (host:port of a ClickHouse server)"))
    func sqlErrorsAreValuesWithTheServersMessage() throws {
        let db = try TestDatabase(server: singleServer!)
        let c = ClickHouseClient(url: db.url)
        #expect {
            try c.execute("SELECT * FROM \(db.url.database).nope")
        } throws: { error in
            guard case .server(let code, let message) = error as? ClickHouseError else { return false }
            return code == 81 || code == 60 ? message.contains(db.url.database) : false
        }
        let unreachable = ClickHouseClient(base: "http://127.0.0.1:1", user: nil, password: nil, timeoutMs: 500, retries: 1, backoffMs: 10)
        #expect {
            try unreachable.execute("SELECT 1")
        } throws: { error in
            guard case .unreachable(let url, _) = error as? ClickHouseError else { return false }
            return url == "http://127.0.0.1:1"
        }
    }

    @Test(.enabled(if: singleServer != nil, "FATHOM_CLICKHOUSE is not set (host:port of a ClickHouse server)"))
    func schemaIsCreatedOnceAndANewerOneRefused() throws {
        let db = try TestDatabase(server: singleServer!)
        _ = try db.store()
        _ = try db.store()  // re-open: nothing to migrate
        let c = ClickHouseClient(url: db.url)
        #expect(try c.rows("SELECT version FROM \(db.url.database).fathom_schema") == [["1"]])
        let tables = try c.rows("SELECT name FROM system.tables WHERE database = '\(db.url.database)' ORDER BY name").map { $0[0] }
        for t in ["alert_state", "alert_transitions", "invocations", "links", "quarantine", "rollups", "series", "series_mv",
            "sources", "writers"]
        {
            #expect(tables.contains(t), "missing table \(t)")
        }
        try c.execute("INSERT INTO \(db.url.database).fathom_schema VALUES (99, 0)")
        #expect {
            _ = try db.store()
        } throws: { error in
            (error as? ClickHouseError) == .newerSchema(location: db.url.description, found: 99, supported: 1)
        }
    }

    @Test(.enabled(if: singleServer != nil, "FATHOM_CLICKHOUSE is not set (host:port of a ClickHouse server)"))
    func aFlightSentTwiceIsCountedOnce() throws {
        let db = try TestDatabase(server: singleServer!)
        let store = try db.store()
        let batch = sampleBatch()
        let flight = Flight(writer: "00112233aabbccdd", first: 7, last: 9, batch: batch, committedAt: t0 + 5)
        try store.send(flight)
        let once = try snapshot(store)
        try store.send(flight)
        let twice = try snapshot(store)
        #expect(once == twice)
        let stats = try store.stats()
        #expect(stats.invocations == batch.invocations.count)
        #expect(stats.quarantine == batch.quarantine.count)
        #expect(stats.rollups == batch.rollups.values.reduce(0) { $0 + $1.count })
        #expect(stats.series == batch.rollups.count)
        #expect(stats.sources == 1)
        #expect(stats.bytes > 0)
        // The raw tables do hold the duplicates (until a merge): FINAL is what hides them.
        let c = ClickHouseClient(url: db.url)
        let raw = Int(try c.scalar("SELECT count() FROM \(db.url.database).links") ?? "0") ?? 0
        let final = Int(try c.scalar("SELECT count() FROM \(db.url.database).links FINAL") ?? "0") ?? 0
        #expect(final > 0 && raw >= final)
        // Another flight with the same data is new data.
        try store.send(Flight(writer: "00112233aabbccdd", first: 10, last: 10, batch: batch, committedAt: t0 + 6))
        #expect(try store.stats().invocations == 2 * batch.invocations.count)
        let requests = try store.rollups(of: [key("requests", .count, function: "api", [Tag("route", "/a,b:c\\d"), Tag("canary", "")])], from: t0, to: t0 + 2 * day)
        #expect(requests.values.first?.first?.rollup.count == 4)
    }

    @Test(.enabled(if: singleServer != nil, "FATHOM_CLICKHOUSE is not set (host:port of a ClickHouse server)"))
    func readsEqualTheEmbeddedStore() throws {
        let db = try TestDatabase(server: singleServer!)
        let store = try db.store()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-ch-emb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let embedded = try EmbeddedStore(path: dir.appendingPathComponent("e.sqlite").path)
        // Two batches, the second overlapping the minutes of the first (rollups must merge).
        let first = sampleBatch()
        var second = sampleBatch(functions: ["api", "worker"])
        second.invocations = [Invocation(requestID: "r9", function: "api", version: "2", start: t0 + 1000, end: t0 + 1001, correlationIDs: ["order-1"])]
        try embedded.commit(first, now: t0 + 5)
        try embedded.commit(second, now: t0 + 6)
        try store.send(batch: first, writer: "w1", first: 1, committedAt: t0 + 5)
        try store.send(batch: second, writer: "w1", first: 2, committedAt: t0 + 6)
        #expect(try snapshot(store) == snapshot(embedded))
    }

    @Test(.enabled(if: singleServer != nil, "FATHOM_CLICKHOUSE is not set (host:port of a ClickHouse server)"))
    func alertsBehaveLikeTheEmbeddedStore() throws {
        let db = try TestDatabase(server: singleServer!)
        let store = try db.store()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-ch-al-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let embedded = try EmbeddedStore(path: dir.appendingPathComponent("e.sqlite").path)
        func snap(_ rule: String, _ state: AlertState, at: Int64, value: Double?) -> AlertSnapshot {
            AlertSnapshot(group: "g", rule: rule, labels: [Tag("function", "api")], annotations: [Tag("summary", "a, b: c")],
                state: state, activeSince: at - 10, firingSince: state == .firing ? at : nil, value: value, evaluatedAt: at)
        }
        let steps: [([AlertSnapshot], [AlertTransition], Bool)] = [
            ([snap("a", .pending, at: 100, value: 1), snap("b", .firing, at: 100, value: .nan)],
             [AlertTransition(time: 100, group: "g", rule: "a", labels: [], from: .inactive, to: .pending, value: 1),
              AlertTransition(time: 100, group: "g", rule: "b", labels: [], from: .inactive, to: .firing, value: .infinity)], true),
            ([snap("a", .firing, at: 200, value: 2)],
             [AlertTransition(time: 200, group: "g", rule: "a", labels: [], from: .pending, to: .firing, value: 2)], false),
            ([], [], true),
        ]
        for (i, (snapshots, transitions, replacing)) in steps.enumerated() {
            try store.saveAlerts(snapshots: snapshots, transitions: transitions, replacing: replacing)
            try embedded.saveAlerts(snapshots: snapshots, transitions: transitions, replacing: replacing)
            #expect(try store.alertSnapshots() == embedded.alertSnapshots(), "step \(i)")
            #expect(try store.alertsEvaluatedThrough() == embedded.alertsEvaluatedThrough(), "step \(i)")
            #expect(try store.alertTransitions(limit: 100, since: nil) == embedded.alertTransitions(limit: 100, since: nil))
            #expect(try store.alertTransitions(limit: 1, since: 150) == embedded.alertTransitions(limit: 1, since: 150))
        }
    }

    @Test(.enabled(if: singleServer != nil, "FATHOM_CLICKHOUSE is not set (host:port of a ClickHouse server)"))
    func retentionClearsLinesAndDropsWholeDays() throws {
        let db = try TestDatabase(server: singleServer!, query: "retention=1d")
        let store = try db.store()
        try store.send(batch: sampleBatch(), writer: "w", first: 1, committedAt: t0 + 5)
        // Lines: those of invocations that started before the cutoff go (whole days by clearing
        // the column, the cutoff's day by a mutation); a second pass finds none left.
        let cleared = try #require(try store.applyRetention(linesOlderThan: t0 + day + 1))
        #expect(cleared > 0)
        #expect(try store.applyRetention(linesOlderThan: t0 + day + 1) == 0)
        #expect(try store.invocation(requestID: "r2").first?.lines == [])
        #expect(try store.invocation(requestID: "r2").first?.lineCount == 1)
        #expect(try store.stats().invocations == 5)
        // Drop: now = t0 + 2 days + 1 ms with 1 day of retention: the day of t0 goes.
        let dropped = try store.enforceRetention(now: t0 + 2 * day + 1)
        #expect(dropped > 0)
        #expect(try store.invocation(requestID: "r2").isEmpty)
        #expect(try store.invocation(requestID: "r3").count == 1)
        let range = try #require(try store.dataRange())
        #expect(range.from == t0 + day + 3 * 60_000)
        #expect(try store.series(named: "duration").allSatisfy { $0.firstSeen >= t0 + day })
    }

    @Test(.enabled(if: singleServer != nil, "FATHOM_CLICKHOUSE is not set (host:port of a ClickHouse server)"))
    func commitsGoThroughTheSpool() throws {
        let db = try TestDatabase(server: singleServer!)
        let store = try db.store()
        defer { store.close() }
        #expect(store.spoolStatus() == nil)
        let batch = sampleBatch()
        try store.commit(batch, now: t0 + 5)
        try store.flush()
        #expect(try store.stats().invocations == batch.invocations.count)
        #expect(try store.ingestState() == [1, 2, 3])
        #expect(try store.sources().map(\.path) == ["/logs/a.log"])
        let status = try #require(store.spoolStatus())
        #expect(status.batches == 0)
        #expect(status.sentBatches == 1)
        try store.reset()
        #expect(try store.stats().invocations == 0)
        #expect(try store.dataRange() == nil)
    }

    @Test(.enabled(if: clusterServer != nil, "FATHOM_CLICKHOUSE_CLUSTER is not set (host:port of a server of cluster fathom_2s)"))
    func clusterTablesSpreadOverBothShardsAndReadLikeOneServer() throws {
        let db = try TestDatabase(server: clusterServer!, cluster: "fathom_2s")
        let store = try db.store()
        let batch = sampleBatch()
        try store.send(batch: batch, writer: "w", first: 1, committedAt: t0 + 5)
        try store.send(batch: batch, writer: "w", first: 1, committedAt: t0 + 5)
        let shards = try db.clients()
        #expect(shards.count == 2)
        var perShard: [Int] = []
        for c in shards {
            let tables = try c.rows("SELECT name FROM system.tables WHERE database = '\(db.url.database)'").map { $0[0] }
            #expect(tables.contains("rollups_local") && tables.contains("rollups") && tables.contains("series_mv"))
            perShard.append(Int(try c.scalar("SELECT count() FROM \(db.url.database).rollups_local FINAL") ?? "0") ?? 0)
        }
        #expect(perShard.allSatisfy { $0 > 0 }, "rows per shard: \(perShard)")
        // The same batch on a single server reads the same.
        if let singleServer {
            let single = try TestDatabase(server: singleServer)
            let one = try single.store()
            try one.send(batch: batch, writer: "w", first: 1, committedAt: t0 + 5)
            #expect(try snapshot(store) == snapshot(one))
        }
        #expect(try store.stats().invocations == batch.invocations.count)
        // Re-opening migrates nothing; retention works on every shard.
        _ = try db.store()
        try store.applyRetention(linesOlderThan: t0 + day + 1)
        #expect(try store.invocation(requestID: "r2").first?.lines == [])
        let retained = try TestDatabase(server: clusterServer!, cluster: "fathom_2s", query: "retention=1d")
        let r = try retained.store()
        try r.send(batch: batch, writer: "w", first: 1, committedAt: t0 + 5)
        #expect(try r.enforceRetention(now: t0 + 2 * day + 1) > 0)
        #expect(try r.invocation(requestID: "r2").isEmpty)
        #expect(try r.invocation(requestID: "r3").count == 1)
        #expect(try r.dataRange()?.from == t0 + day + 3 * 60_000)
    }
}

/// Everything a store answers about `sampleBatch`-like data, comparable.
struct Snapshot: Equatable {
    var series: [SeriesInfo]
    var rollups: [SeriesKey: [MinuteRollup]]
    var everything: [String]
    var range: [Int64]
    var traces: [String: [Invocation]]
    var requests: [String: [Invocation]]
    var quarantine: [QuarantineEntry]
    var quarantineBinary: [QuarantineEntry]
    var quarantineCounts: [String]
    var fathomSeries: [SeriesInfo]
}

func snapshot(_ store: any Store) throws -> Snapshot {
    let series = try store.series(named: nil)
    var everything: [String] = []
    try store.forEachSeriesRollups { key, minutes in
        everything.append(key.text + " " + minutes.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.count):\($0.value.sum)" }.joined(separator: ","))
    }
    let range = try store.dataRange().map { [$0.from, $0.to] } ?? []
    var traces: [String: [Invocation]] = [:]
    var requests: [String: [Invocation]] = [:]
    for id in ["r1", "r2", "r3", "r4", "r9", "order-1", "order-2", "1-abc", "tab\tand\nnewline", "nothing"] {
        traces[id] = try store.invocations(linkedTo: id)
        requests[id] = try store.invocation(requestID: id)
    }
    return Snapshot(
        series: series, rollups: try store.rollups(of: series.map(\.key) + [key("unknown")], from: t0 + 60_000, to: t0 + 2 * day),
        everything: everything, range: range, traces: traces, requests: requests,
        quarantine: try store.quarantine(limit: 2, reason: nil), quarantineBinary: try store.quarantine(limit: 10, reason: .binary),
        quarantineCounts: try store.quarantineCounts().map { "\($0.0.rawValue)=\($0.1)" },
        fathomSeries: try store.series(named: "fathom.lines"))
}
