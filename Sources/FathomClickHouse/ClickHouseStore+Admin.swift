import FathomCore
import FathomStore

extension ClickHouseStore {
    /// Drops every Fathom table and view and creates them again, empty (on every shard in cluster
    /// mode). The schema version stays.
    public func resetTables() throws {
        try onEveryServer(schema.dropStatements() + schema.migration1())
    }

    /// Clears the log lines (`CLEAR COLUMN lines IN PARTITION`) of every whole day of invocations
    /// that ends at or before `linesOlderThan`: a day partly after the cutoff keeps its lines.
    /// ClickHouse does not say how many invocations lost them, so this returns nil.
    @discardableResult
    public func applyRetention(linesOlderThan: Int64) throws -> Int? {
        for c in try ddlClients() {
            for day in try partitions(of: "invocations", on: c) where TSV.dayStart(partition: day) + 86_400_000 <= linesOlderThan {
                try c.execute("ALTER TABLE \(schema.local("invocations")) CLEAR COLUMN lines IN PARTITION \(day)")
            }
        }
        return nil
    }

    /// Drops the day partitions of rollups, invocations, links and quarantine that end at or
    /// before `now` − the URL's `retention` (nothing without one), then rebuilds `series` from
    /// the rollups left so that series spans and `dataRange` forget the dropped days. The common
    /// DDL uses no TTL (ClickHouse 18.16 has none), so this is how retention works on every
    /// version. Returns how many partitions were dropped.
    @discardableResult
    public func enforceRetention(now: Int64) throws -> Int {
        guard let retention = url.retentionMs else { return 0 }
        let cutoff = now - retention
        var dropped = 0
        for c in try ddlClients() {
            var droppedHere = 0
            for table in ClickHouseSchema.dayTables {
                for day in try partitions(of: table, on: c) where TSV.dayStart(partition: day) + 86_400_000 <= cutoff {
                    try c.execute("ALTER TABLE \(schema.local(table)) DROP PARTITION \(day)")
                    droppedHere += 1
                }
            }
            if droppedHere > 0 {
                try c.execute("TRUNCATE TABLE \(schema.local("series"))")
                try c.execute(
                    "INSERT INTO \(schema.local("series")) SELECT name, kind, tags, minState(minute), maxState(minute) "
                        + "FROM \(schema.local("rollups")) GROUP BY name, kind, tags")
            }
            dropped += droppedHere
        }
        return dropped
    }

    /// The day partitions (`YYYYMMDD`) of a table's local part on one server.
    private func partitions(of table: String, on c: ClickHouseClient) throws -> [Int64] {
        let local = url.cluster == nil ? table : table + "_local"
        return try c.query(
            """
            SELECT DISTINCT partition FROM system.parts
            WHERE database = \(TSV.literal(url.database)) AND table = \(TSV.literal(local)) AND active
            """
        ).compactMap { Int64($0.string(0)) }.sorted()
    }
}
