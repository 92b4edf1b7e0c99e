import FathomCore
import FathomStore
import Foundation

extension ClickHouseStore {
    /// Drops every Fathom table and view and creates them again, empty (on every shard in cluster
    /// mode). The schema version stays.
    public func resetTables() throws {
        try onEveryServer(schema.dropStatements() + schema.migration1())
    }

    /// Drops the log lines of the invocations that started before `linesOlderThan`, as the
    /// embedded store does: whole days before the cutoff with `CLEAR COLUMN lines IN PARTITION`
    /// (cheap: the column's files go), and the invocations of the cutoff's own day with an
    /// `ALTER TABLE … UPDATE lines = ''` mutation, waited for. Returns how many invocations lost
    /// their lines.
    @discardableResult
    public func applyRetention(linesOlderThan: Int64) throws -> Int? {
        let dropped = Int(try scalar(
            client, "SELECT count() FROM \(schema.qualified("invocations")) FINAL WHERE start_ms < \(linesOlderThan) AND lines != ''"))
        guard dropped > 0 else { return 0 }
        let cutoffDay = linesOlderThan - ((linesOlderThan % 86_400_000) + 86_400_000) % 86_400_000
        for c in try ddlClients() {
            for day in try partitions(of: "invocations", on: c) where TSV.dayStart(partition: day) + 86_400_000 <= linesOlderThan {
                try c.execute("ALTER TABLE \(schema.local("invocations")) CLEAR COLUMN lines IN PARTITION \(day)")
            }
            let left = try scalar(
                c,
                """
                SELECT count() FROM \(schema.local("invocations"))
                WHERE start_ms >= \(cutoffDay) AND start_ms < \(linesOlderThan) AND lines != ''
                """)
            if left > 0 {
                try c.execute(
                    """
                    ALTER TABLE \(schema.local("invocations")) UPDATE lines = ''
                    WHERE start_ms >= \(cutoffDay) AND start_ms < \(linesOlderThan) AND lines != ''
                    """)
                try waitForMutations(of: "invocations", on: c)
            }
        }
        return dropped
    }

    /// The first column of the first row of `sql`'s answer as an integer (0 when there is none).
    private func scalar(_ c: ClickHouseClient, _ sql: String) throws -> Int64 {
        for row in try c.query(sql) { return try row.int(0) }
        return 0
    }

    /// Waits (up to 5 minutes) until the mutations of `table` on `c` are done: ClickHouse runs
    /// them in the background, and 18.16 has no `mutations_sync`.
    private func waitForMutations(of table: String, on c: ClickHouseClient) throws {
        let local = url.cluster == nil ? table : table + "_local"
        let sql = """
            SELECT count() FROM system.mutations
            WHERE database = \(TSV.literal(url.database)) AND table = \(TSV.literal(local)) AND is_done = 0
            """
        for _ in 0..<3000 {
            if try scalar(c, sql) == 0 { return }
            usleep(100_000)
        }
        throw ClickHouseError.badResponse("the mutation clearing old log lines of \(local) did not finish in 5 minutes")
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
