import FathomCore
import Foundation
import GRDB

extension EmbeddedStore {
    /// The checkpoint of the source whose first decoded bytes are `prefix` (up to
    /// `SourceCheckpoint.maxFingerprintLength` of them), or nil for a source never seen.
    ///
    /// A checkpoint is stored under the fingerprint of the first L bytes its source had when it was
    /// read (L ≤ 4096). For every distinct stored L ≤ `prefix.count`, the fingerprint of
    /// `prefix[0..<L]` is looked up; the match with the largest L wins. So a file that has grown
    /// since (its old L bytes are still its first bytes) is recognised by its old prefix, and a
    /// different file is not. A stored L of 0 would match anything and is never stored.
    public func checkpoint(forPrefix prefix: [UInt8], file: FileID? = nil) throws -> SourceCheckpoint? {
        try guarded {
            try dbQueue.read { db in
                let lengths = try Int.fetchAll(
                    db, sql: "SELECT DISTINCT fingerprint_length FROM sources WHERE fingerprint_length BETWEEN 1 AND ?",
                    arguments: [prefix.count]
                ).sorted()
                guard !lengths.isEmpty else { return nil }
                // One pass of FNV-1a over the prefix, keeping the hash at each stored length.
                var hashes: [(length: Int, hash: UInt64)] = []
                var f = Fingerprint()
                var done = 0
                for length in lengths {
                    f.add(prefix[done..<length])
                    done = length
                    hashes.append((length, f.value))
                }
                let find = try db.cachedStatement(
                    sql: """
                        SELECT fingerprint, fingerprint_length, path, byte_offset, lines, device, inode FROM sources
                        WHERE fingerprint_length = ? AND fingerprint = ?
                        """)
                for (length, hash) in hashes.reversed() {
                    guard let row = try Row.fetchOne(find, arguments: [length, Int64(bitPattern: hash)]) else { continue }
                    let found = Self.checkpoint(row)
                    // A short fingerprint names a file only together with its device and inode.
                    if let file, length < SourceCheckpoint.strongFingerprintLength, found.file != file { continue }
                    return found
                }
                return nil
            }
        }
    }

    /// The ingestor state the daemon committed last (`Ingestor.savedState()`), if any.
    public func ingestState() throws -> [UInt8]? {
        try guarded {
            try dbQueue.read { db in
                try Data.fetchOne(db, sql: "SELECT state FROM ingest_state WHERE name = 'daemon'").map { [UInt8]($0) }
            }
        }
    }

    /// Every stored source checkpoint, sorted by path, then fingerprint length and value.
    public func sources() throws -> [SourceCheckpoint] {
        try guarded {
            try dbQueue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT fingerprint, fingerprint_length, path, byte_offset, lines, device, inode FROM sources
                        ORDER BY path, fingerprint_length, fingerprint
                        """
                ).map(Self.checkpoint)
            }
        }
    }

    private static func checkpoint(_ row: Row) -> SourceCheckpoint {
        let fingerprint: Int64 = row[0]
        let device: Int64? = row[5]
        let inode: Int64? = row[6]
        var file: FileID? = nil
        if let device, let inode { file = FileID(device: UInt64(bitPattern: device), inode: UInt64(bitPattern: inode)) }
        return SourceCheckpoint(
            fingerprint: UInt64(bitPattern: fingerprint), fingerprintLength: row[1], path: row[2], offset: row[3],
            lines: row[4], file: file)
    }

    /// Quarantined lines, at most `limit`, of one `reason` or of all, ordered by source, then
    /// line (then insertion order). Rows with a reason this version does not know are skipped.
    public func quarantine(limit: Int, reason: QuarantineReason?) throws -> [QuarantineEntry] {
        try guarded {
            try dbQueue.read { db in
                let columns = "reason, source, line, byte_offset, detail, excerpt"
                let rows: [Row]
                if let reason {
                    rows = try Row.fetchAll(
                        db,
                        sql: "SELECT \(columns) FROM quarantine WHERE reason = ? ORDER BY source, line, id LIMIT ?",
                        arguments: [reason.rawValue, max(limit, 0)])
                } else {
                    rows = try Row.fetchAll(
                        db, sql: "SELECT \(columns) FROM quarantine ORDER BY source, line, id LIMIT ?",
                        arguments: [max(limit, 0)])
                }
                return rows.compactMap { row in
                    let name: String = row[0]
                    guard let reason = QuarantineReason(rawValue: name) else { return nil }
                    return QuarantineEntry(
                        reason: reason, source: row[1], line: row[2], offset: row[3], detail: row[4], excerpt: row[5])
                }
            }
        }
    }

    /// How many lines were quarantined for each reason, sorted by reason; reasons with none are
    /// left out.
    public func quarantineCounts() throws -> [(QuarantineReason, Int)] {
        try guarded {
            try dbQueue.read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT reason, count(*) FROM quarantine GROUP BY reason")
                return rows.compactMap { row -> (QuarantineReason, Int)? in
                    let name: String = row[0]
                    guard let reason = QuarantineReason(rawValue: name) else { return nil }
                    return (reason, row[1])
                }.sorted { $0.0 < $1.0 }
            }
        }
    }

    /// The span of time with metric data: the start of the first minute, and the end (start + 60 000)
    /// of the last, in ms; nil when the store has no rollups. Fathom's own series (`fathom.*`,
    /// timed by the daemon's clock) count only when there is nothing else, so that replayed logs
    /// keep their own span.
    public func dataRange() throws -> (from: Int64, to: Int64)? {
        try guarded {
            try dbQueue.read { db in
                // One scan: the span of the function data (columns 0, 1) and of everything (2, 3).
                let own = "name LIKE 'fathom.%'"
                guard let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT min(CASE WHEN \(own) THEN NULL ELSE first_minute END),
                               max(CASE WHEN \(own) THEN NULL ELSE last_minute END),
                               min(first_minute), max(last_minute)
                        FROM series
                        """)
                else { return nil }
                let data = (first: row[0] as Int64?, last: row[1] as Int64?)
                guard let first = data.first ?? row[2], let last = data.last ?? row[3] else { return nil }
                return (first, last + 60_000)
            }
        }
    }

    /// Row counts and the size of the database.
    public func stats() throws -> StoreStats {
        try guarded {
            try dbQueue.read { db in
                func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
                let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
                return StoreStats(
                    series: try count("SELECT count(*) FROM series"),
                    rollups: try count("SELECT count(*) FROM rollups"),
                    invocations: try count("SELECT count(*) FROM invocations"),
                    invocationsWithLines: try count("SELECT count(*) FROM invocations WHERE chunk_id IS NOT NULL"),
                    quarantine: try count("SELECT count(*) FROM quarantine"),
                    sources: try count("SELECT count(*) FROM sources"),
                    bytes: pages * pageSize)
            }
        }
    }

    /// Deletes every series, rollup, invocation, link, quarantined line and checkpoint (for
    /// `ingest --replay`), in one transaction; the schema and settings stay. Series ids are not
    /// reused afterwards.
    public func reset() throws {
        try guarded {
            try dbQueue.write { db in
                for table in StoreSchema.dataTables { try db.execute(sql: "DELETE FROM \(table)") }
            }
        }
        seriesIDs.withLock { $0.removeAll() }
    }
}
