import Testing

@testable import FathomClickHouse

@Suite struct ClickHouseURLTests {
    @Test func parsesEveryPart() throws {
        let url = try ClickHouseURL(
            parsing: "clickhouse://fathom:s%40cret@ch.example:9123/logs?cluster=c2&replicated=1&retention=30d&timeout=10s")
        #expect(url.user == "fathom")
        #expect(url.password == "s@cret")
        #expect(url.host == "ch.example")
        #expect(url.port == 9123)
        #expect(url.database == "logs")
        #expect(url.cluster == "c2")
        #expect(url.replicated)
        #expect(url.retentionMs == Int64(2_592_000_000))
        #expect(url.timeoutMs == 10_000)
        #expect(url.httpBase() == "http://ch.example:9123")
    }

    @Test func defaults() throws {
        let url = try ClickHouseURL(parsing: "clickhouse://localhost/fathom")
        #expect(url.port == 8123)
        #expect(url.user == nil && url.password == nil && url.cluster == nil && !url.replicated)
        #expect(url.retentionMs == nil)
        #expect(url.timeoutMs == 30_000)
        #expect(url.description == "clickhouse://localhost:8123/fathom")
    }

    @Test func descriptionHidesThePassword() throws {
        let url = try ClickHouseURL(parsing: "clickhouse://u:topsecret@h:1/db?retention=12h")
        #expect(url.description == "clickhouse://u:***@h:1/db?retention=12h")
        #expect(!url.description.contains("topsecret"))
        #expect(!"\(url)".contains("topsecret"))
    }

    @Test(arguments: [
        ("http://h/db", "must start with clickhouse://"),
        ("clickhouse://h", "names no database"),
        ("clickhouse://h/", "names no database"),
        ("clickhouse://h:99999/db", "port '99999'"),
        ("clickhouse://h:x/db", "port 'x'"),
        ("clickhouse:///db", "names no host"),
        ("clickhouse://h/my-db", "database name 'my-db'"),
        ("clickhouse://h/db?retention=soon", "retention 'soon'"),
        ("clickhouse://h/db?timeout=0s", "timeout '0s'"),
        ("clickhouse://h/db?colour=red", "unknown parameter 'colour'"),
        ("clickhouse://h/db?replicated=1", "replicated=1 needs cluster=NAME"),
        ("clickhouse://h/db?replicated=yes&cluster=c", "replicated must be 1 or 0"),
    ])
    func badURLsSayWhatIsWrong(text: String, expected: String) {
        #expect {
            _ = try ClickHouseURL(parsing: text)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func badURLMessageHidesThePassword() {
        do {
            _ = try ClickHouseURL(parsing: "clickhouse://u:hunter2@h:bad/db")
            Issue.record("no error")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
            #expect("\(error)".contains("u:***@"))
        }
    }

    @Test func serverErrorsAreParsed() {
        let old = ClickHouseClient.serverError(
            "Code: 60, e.displayText() = DB::Exception: Table x.y doesn't exist., e.what() = DB::Exception")
        #expect(old?.0 == 60)
        #expect(old?.1 == "Table x.y doesn't exist.")
        let new = ClickHouseClient.serverError("Code: 62. DB::Exception: Syntax error: failed at position 1. (SYNTAX_ERROR) (version 24.3.1)")
        #expect(new?.0 == 62)
        #expect(new?.1 == "Syntax error: failed at position 1. (SYNTAX_ERROR)")
        #expect(ClickHouseClient.serverError("Bad Gateway") == nil)
    }
}

@Suite struct TSVTests {
    @Test func rowsRoundTripLocally() throws {
        let awkward = "tab\there\nnew \\ back 'q' \"dq\" é ✓ \r\u{0}\u{8}\u{c}end"
        var w = TSVWriter()
        w.string(awkward)
        w.bytes([0, 9, 10, 92, 255, 1])
        w.stringArray(["a'b", "c\\d", "t\tn\n", ""])
        w.optionalDouble(nil)
        w.double(-1.5)
        w.int(-42)
        w.endRow()
        w.string("")
        w.bytes([])
        w.stringArray([])
        w.optionalDouble(2)
        w.double(.infinity)
        w.int(0)
        w.endRow()
        let rows = Array(TSVRows(data: w.bytes))
        #expect(rows.count == 2)
        #expect(rows[0].string(0) == awkward)
        #expect(rows[0].bytes(1) == [0, 9, 10, 92, 255, 1])
        #expect(try rows[0].stringArray(2) == ["a'b", "c\\d", "t\tn\n", ""])
        #expect(rows[0].isNull(3))
        #expect(try rows[0].double(4) == -1.5)
        #expect(try rows[0].int(5) == -42)
        #expect(rows[1].string(0) == "")
        #expect(try rows[1].stringArray(2) == [])
        #expect(try rows[1].optionalDouble(3) == 2)
        #expect(try rows[1].double(4) == .infinity)
    }

    @Test func days() {
        #expect(TSV.dayText(ms: 0) == "1970-01-01")
        #expect(TSV.dayText(ms: 1_763_510_400_000) == "2025-11-19")
        #expect(TSV.partitionID(ms: 1_763_510_400_000 + 86_399_999) == 20251119)
        #expect(TSV.dayStart(partition: 20251119) == 1_763_510_400_000)
        #expect(TSV.dayStart(partition: 19700101) == 0)
    }

    @Test func literals() {
        #expect(TSV.literal("a'b\\c") == "'a\\'b\\\\c'")
    }
}

@Suite struct ClickHouseSchemaTests {
    @Test func singleServerDDL() {
        let ddl = ClickHouseSchema(database: "db").migration1()
        #expect(ddl.contains { $0.hasPrefix("CREATE TABLE IF NOT EXISTS db.rollups (") && $0.contains("ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMMDD(day) ORDER BY (name, kind, tags, minute, writer, batch)") })
        #expect(ddl.contains { $0.contains("MATERIALIZED VIEW IF NOT EXISTS db.series_mv TO db.series AS") })
        #expect(!ddl.joined().contains("Distributed"))
        #expect(!ddl.joined().contains("TTL"))
        #expect(!ddl.joined().contains("CODEC"))
    }

    @Test func clusterDDL() {
        let ddl = ClickHouseSchema(database: "db", cluster: "c").migration1()
        #expect(ddl.contains { $0.hasPrefix("CREATE TABLE IF NOT EXISTS db.invocations_local (") })
        #expect(ddl.contains {
            $0 == "CREATE TABLE IF NOT EXISTS db.rollups AS db.rollups_local ENGINE = Distributed(c, db, rollups_local, cityHash64(function))"
        })
        #expect(ddl.contains { $0.contains("Distributed(c, db, links_local, cityHash64(link_id))") })
        #expect(ddl.contains { $0.contains("series_mv TO db.series_local AS") && $0.contains("FROM db.rollups_local") })
        #expect(!ddl.joined().contains("ON CLUSTER"))
        #expect(!ddl.joined().contains("Replicated"))
    }

    @Test func replicatedDDL() {
        let schema = ClickHouseSchema(database: "db", cluster: "c", replicated: true)
        let ddl = schema.migration1()
        #expect(ddl.contains {
            $0.hasPrefix("CREATE TABLE IF NOT EXISTS db.rollups_local ON CLUSTER c (")
                && $0.contains("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db/rollups_local', '{replica}')")
        })
        #expect(ddl.contains {
            $0.contains("db.sources_local ON CLUSTER c")
                && $0.contains("ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db/sources_local', '{replica}', updated_at)")
        })
        #expect(ddl.contains { $0.contains("ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/db/series_local', '{replica}')") })
        #expect(ddl.contains { $0.contains("db.links ON CLUSTER c AS db.links_local ENGINE = Distributed(c, db, links_local") })
        #expect(schema.createDatabase == "CREATE DATABASE IF NOT EXISTS db ON CLUSTER c")
        #expect(schema.createSchemaTable.contains("ReplicatedMergeTree('/clickhouse/tables/{shard}/db/fathom_schema', '{replica}')"))
        #expect(schema.dropStatements().allSatisfy { $0.hasSuffix(" ON CLUSTER c") })
    }
}
