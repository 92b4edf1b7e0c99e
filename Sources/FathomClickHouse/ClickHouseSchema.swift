/// Fathom's tables in ClickHouse, and the DDL that makes them. The SQL runs on ClickHouse 18.16 as
/// well as current releases: no TTL, CODEC, DateTime64 or SimpleAggregateFunction. Times are Int64
/// ms; each table has a `day Date` column for `PARTITION BY toYYYYMMDD(day)` (retention drops and
/// clears whole days).
///
/// ## Exactly once
/// Every data row carries `writer` (the spool's writer id), `batch` (the flight's first spool
/// seq) and, where one flight may hold several rows with the same key, `ordinal` (its row number
/// within the flight for that table). Every table is a `ReplacingMergeTree` whose ORDER BY ends with
/// those columns, so a flight sent twice gives identical keys that the engine collapses; reads use
/// `FINAL` so that duplicates not merged yet never count twice.
///
/// ## Layouts
/// - Single server: the tables are `db.<table>`.
/// - `cluster=NAME` (no ZooKeeper): every shard holds `db.<table>_local`, and `db.<table>` is a
///   `Distributed(NAME, db, <table>_local, key)` table in front of them (on every shard, so any may
///   be asked). Without ZooKeeper `ON CLUSTER` cannot be used, so the DDL is run on each shard
///   host: the hosts are `host_address` of `system.clusters` for NAME, reached at **the HTTP port
///   of the URL** (every shard must listen for HTTP on the same port). Sharding keys:
///   `cityHash64(function)` for rollups and invocations (a function's data stays together),
///   `cityHash64(link_id)` for links (a trace id's links on one shard), `cityHash64(source)` for
///   quarantine, `cityHash64(writer)` for sources and writers, `cityHash64(group_name)` for alerts.
///   Any deterministic key works for exactly-once: a re-sent row lands on the shard of its twin.
/// - `cluster=NAME&replicated=1`: `Replicated*` engines with the path
///   `/clickhouse/tables/{shard}/<db>/<table>` and replica `{replica}` (server macros), created once
///   with `ON CLUSTER NAME`.
///
/// `fathom_schema` (one row per applied migration version) is a local table on every server; a
/// database with a version newer than ``version`` is refused.
public struct ClickHouseSchema: Sendable {
    /// The newest schema version this Fathom knows.
    public static let version = 1

    public let database: String
    public let cluster: String?
    public let replicated: Bool

    public init(database: String, cluster: String? = nil, replicated: Bool = false) {
        self.database = database
        self.cluster = cluster
        self.replicated = replicated
    }

    public init(url: ClickHouseURL) {
        self.init(database: url.database, cluster: url.cluster, replicated: url.replicated)
    }

    /// One data table.
    struct Table: Sendable {
        var name: String
        var columns: String
        var engine: String  // ReplacingMergeTree, or AggregatingMergeTree
        var engineArgument: String = ""
        var partition: String? = "toYYYYMMDD(day)"
        var orderBy: String
        var shardingKey: String
    }

    static let tables: [Table] = [
        Table(
            name: "rollups",
            columns: """
                function String, version String, name String, kind String, tags String, minute Int64, day Date,
                writer String, batch Int64, count UInt64, sum Float64, min Float64, max Float64, rollup String
                """,
            engine: "ReplacingMergeTree",
            // Reads ask for series (name, kind, tags: the tags hold function and version) over
            // a span of minutes: that order lets the primary index narrow to exactly those.
            orderBy: "name, kind, tags, minute, writer, batch",
            shardingKey: "cityHash64(function)"),
        Table(
            name: "series",
            columns: """
                name String, kind String, tags String, first_minute AggregateFunction(min, Int64),
                last_minute AggregateFunction(max, Int64)
                """,
            engine: "AggregatingMergeTree", partition: nil, orderBy: "name, kind, tags",
            shardingKey: "cityHash64(name)"),
        Table(
            name: "invocations",
            columns: """
                request_id String, function String, version String, stream String, start_ms Int64, end_ms Int64,
                day Date, duration_ms Nullable(Float64), billed_ms Nullable(Float64), memory_mb Nullable(Float64),
                max_memory_mb Nullable(Float64), init_ms Nullable(Float64), restore_ms Nullable(Float64),
                status String, error_type Nullable(String), xray Nullable(String), correlation_ids Array(String),
                line_count Int64, lines String, writer String, batch Int64, ordinal UInt32
                """,
            engine: "ReplacingMergeTree",
            orderBy: "function, start_ms, request_id, writer, batch, ordinal",
            shardingKey: "cityHash64(function)"),
        Table(
            name: "links",
            columns: """
                link_id String, kind UInt8, function String, start_ms Int64, request_id String, day Date,
                writer String, batch Int64, ordinal UInt32
                """,
            engine: "ReplacingMergeTree",
            orderBy: "link_id, kind, writer, batch, ordinal",
            shardingKey: "cityHash64(link_id)"),
        Table(
            name: "quarantine",
            columns: """
                reason String, source String, line Int64, byte_offset Int64, detail String, excerpt String,
                ingested_at Int64, day Date, writer String, batch Int64, ordinal UInt32
                """,
            engine: "ReplacingMergeTree",
            orderBy: "source, line, writer, batch, ordinal",
            shardingKey: "cityHash64(source)"),
        Table(
            name: "sources",
            columns: """
                writer String, fingerprint UInt64, fingerprint_length UInt32, path String, byte_offset Int64,
                lines Int64, device Nullable(UInt64), inode Nullable(UInt64), updated_at Int64
                """,
            engine: "ReplacingMergeTree", engineArgument: "updated_at", partition: nil,
            orderBy: "writer, fingerprint_length, fingerprint",
            shardingKey: "cityHash64(writer)"),
        Table(
            name: "writers",
            columns: "writer String, host String, updated_at Int64, state String",
            engine: "ReplacingMergeTree", engineArgument: "updated_at", partition: nil, orderBy: "writer",
            shardingKey: "cityHash64(writer)"),
        Table(
            name: "alert_state",
            columns: """
                generation Int64, marker UInt8, group_name String, fingerprint String, rule String, labels String,
                annotations String, state String, active_since Nullable(Int64), firing_since Nullable(Int64),
                keep_firing_since Nullable(Int64), value Nullable(Float64), evaluated_at Int64
                """,
            engine: "ReplacingMergeTree", partition: nil, orderBy: "generation, marker, group_name, fingerprint",
            shardingKey: "cityHash64(group_name)"),
        Table(
            name: "alert_transitions",
            columns: """
                time Int64, seq Int64, group_name String, rule String, labels String, from_state String,
                to_state String, value Nullable(Float64)
                """,
            engine: "ReplacingMergeTree", partition: nil, orderBy: "time, seq",
            shardingKey: "cityHash64(group_name)"),
    ]

    /// The tables whose partitions are days of data (retention works on them).
    static let dayTables = ["rollups", "invocations", "links", "quarantine"]

    /// The name reads and inserts use: `db.<table>` (Distributed in cluster mode).
    func qualified(_ table: String) -> String { "\(database).\(table)" }

    /// The table that holds the data on a server: `db.<table>_local` in cluster mode.
    func local(_ table: String) -> String { cluster == nil ? "\(database).\(table)" : "\(database).\(table)_local" }

    private var onCluster: String { replicated ? " ON CLUSTER \(cluster!)" : "" }

    /// `CREATE DATABASE`.
    var createDatabase: String { "CREATE DATABASE IF NOT EXISTS \(database)\(onCluster)" }

    /// `fathom_schema`: the applied versions (a local table on every server).
    var createSchemaTable: String {
        "CREATE TABLE IF NOT EXISTS \(database).fathom_schema\(onCluster) (version UInt32, applied_at Int64) "
            + "ENGINE = \(engine("MergeTree", argument: "", table: "fathom_schema")) ORDER BY version"
    }

    private func engine(_ name: String, argument: String, table: String) -> String {
        guard replicated else { return "\(name)(\(argument))" }
        let path = "'/clickhouse/tables/{shard}/\(database)/\(table)', '{replica}'"
        return "Replicated\(name)(\(path)\(argument.isEmpty ? "" : ", " + argument))"
    }

    /// The statements of migration 1, in order: local tables, the materialized view feeding
    /// `series`, and (cluster mode) the Distributed tables.
    func migration1() -> [String] {
        var statements: [String] = []
        for t in Self.tables {
            let localName = cluster == nil ? t.name : t.name + "_local"
            var sql = "CREATE TABLE IF NOT EXISTS \(database).\(localName)\(onCluster) (\(Self.oneLine(t.columns))) "
            sql += "ENGINE = \(engine(t.engine, argument: t.engineArgument, table: localName))"
            if let p = t.partition { sql += " PARTITION BY \(p)" }
            sql += " ORDER BY (\(t.orderBy))"
            statements.append(sql)
        }
        statements.append(
            "CREATE MATERIALIZED VIEW IF NOT EXISTS \(database).series_mv\(onCluster) TO \(local("series")) AS "
                + "SELECT name, kind, tags, minState(minute) AS first_minute, maxState(minute) AS last_minute "
                + "FROM \(local("rollups")) GROUP BY name, kind, tags")
        if let cluster {
            for t in Self.tables {
                statements.append(
                    "CREATE TABLE IF NOT EXISTS \(database).\(t.name)\(onCluster) AS \(database).\(t.name)_local "
                        + "ENGINE = Distributed(\(cluster), \(database), \(t.name)_local, \(t.shardingKey))")
            }
        }
        return statements
    }

    /// Every table and view of the schema, to drop (`reset`), views first.
    func dropStatements() -> [String] {
        var names = ["series_mv"]
        for t in Self.tables {
            names.append(t.name)
            if cluster != nil { names.append(t.name + "_local") }
        }
        return names.map { "DROP TABLE IF EXISTS \(database).\($0)\(onCluster)" }
    }

    private static func oneLine(_ s: String) -> String {
        s.split(separator: "\n").map { $0.trimmingCharacters() }.joined(separator: " ")
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
