import FathomCore
import FathomStore
import Foundation
import Logging

/// Fathom's store on a ClickHouse server or cluster (see ``ClickHouseSchema`` for the tables and
/// the exactly-once design). Reads go straight to ClickHouse; writes of ingested data arrive as
/// flights from the local spool (``send(flight:writer:first:committedAt:)``), so that the daemon's
/// checkpoints and the data it sent never disagree.
///
/// Every method blocks its thread on the network; call it from a thread that may block.
public final class ClickHouseStore: Sendable {
    public let url: ClickHouseURL
    let schema: ClickHouseSchema
    /// The server of the URL: every read and insert goes through it.
    let client: ClickHouseClient
    /// Where this process keeps its spool (nil: a read-only store, no spool).
    public let spoolPath: String?
    public let spoolMaxBytes: Int64
    let logger: Logger
    let spoolHolder = SpoolHolder()

    /// Connects, creates the database when missing, and brings the schema up to date (on every
    /// shard in cluster mode).
    ///
    /// - Parameter connectNow: false defers all of that to the first flight sent: a daemon then
    ///   starts, and spools, while ClickHouse is down.
    /// - Throws: ``ClickHouseError`` when the server cannot be reached, refuses, or holds a newer
    ///   schema.
    public init(
        url: ClickHouseURL, spoolPath: String?, spoolMaxBytes: Int64 = 1 << 30, logger: Logger, connectNow: Bool = true
    ) throws {
        self.url = url
        self.schema = ClickHouseSchema(url: url)
        self.client = ClickHouseClient(url: url, logger: logger)
        self.spoolPath = spoolPath
        self.spoolMaxBytes = spoolMaxBytes
        self.logger = logger
        if connectNow {
            try migrate()
            spoolHolder.migrated.withLock { $0 = true }
        }
    }

    /// Brings the schema up to date once per process (for a store opened with `connectNow: false`).
    func migrateOnce() throws {
        try spoolHolder.migrated.withLock { done in
            if done { return }
            try migrate()
            done = true
        }
    }

    /// Where the store is, without the password.
    public var location: String { url.description }

    /// The clients DDL is run with: the URL's server alone, or (a cluster without replication)
    /// every shard host of `system.clusters`, reached at the URL's HTTP port.
    func ddlClients() throws(ClickHouseError) -> [ClickHouseClient] {
        guard let cluster = url.cluster, !url.replicated else { return [client] }
        let hosts = try client.query(
            "SELECT DISTINCT host_address FROM system.clusters WHERE cluster = \(TSV.literal(cluster)) ORDER BY host_address"
        ).map { $0.string(0) }
        guard !hosts.isEmpty else {
            throw .badURL(url.description, reason: "the server knows no cluster named '\(cluster)' (see system.clusters)")
        }
        return hosts.map { ClickHouseClient(url: url, host: $0, logger: logger) }
    }

    /// Applies the migrations this version knows and the database lacks; refuses a newer schema.
    func migrate() throws(ClickHouseError) {
        let clients = try ddlClients()
        for c in clients {
            try c.execute(schema.createDatabase)
            try c.execute(schema.createSchemaTable)
            if url.replicated { break }
        }
        for c in clients {
            let found = Int(try c.scalar("SELECT max(version) FROM \(schema.database).fathom_schema") ?? "0") ?? 0
            if found > ClickHouseSchema.version {
                throw .newerSchema(location: location, found: found, supported: ClickHouseSchema.version)
            }
            if found < 1 {
                for statement in schema.migration1() { try c.execute(statement) }
                try c.execute(
                    "INSERT INTO \(schema.database).fathom_schema VALUES (1, \(Int64(Date().timeIntervalSince1970 * 1000)))")
            }
            if url.replicated { break }
        }
    }

    /// Runs `sql(table)` for the local table of each name on every server (a cluster without
    /// replication), or once (one server, or `ON CLUSTER`).
    func onEveryServer(_ statements: [String]) throws(ClickHouseError) {
        for c in try ddlClients() {
            for s in statements { try c.execute(s) }
        }
    }

    /// Settings of inserts: synchronous through a Distributed table.
    var insertSettings: [String: String] { url.cluster == nil ? [:] : ["insert_distributed_sync": "1"] }
}
