import FathomCore
import FathomIO
import Foundation
import GRDB

extension EmbeddedStore {
    /// The invocations that `id` leads to, for `fathom trace`. `id` may be:
    /// - a correlation id or an X-Ray trace id: every invocation that carries it;
    /// - a request id: those invocations, plus every invocation that shares any of their
    ///   correlation ids or their X-Ray trace id (one hop: the ids of those are not followed).
    ///
    /// The three are tried together, so an id that is both finds both. Sorted by start, then
    /// request id (then insertion order); log lines decompressed (empty after retention).
    public func invocations(linkedTo id: String) throws -> [Invocation] {
        try guarded {
            try dbQueue.read { db in
                let direct = try fetchInvocations(
                    db, sql: "SELECT \(StoreSchema.invocationColumns) FROM invocations WHERE request_id = ?",
                    arguments: [id])
                // The ids to follow: `id` itself as a correlation or X-Ray id, and the ids of the direct hits.
                var keys: Set<LinkKey> = [LinkKey(id: id, kind: StoreSchema.correlationLink),
                                          LinkKey(id: id, kind: StoreSchema.xrayLink)]
                for (_, inv) in direct {
                    for c in inv.correlationIDs { keys.insert(LinkKey(id: c, kind: StoreSchema.correlationLink)) }
                    if let x = inv.xrayTraceID, !x.isEmpty { keys.insert(LinkKey(id: x, kind: StoreSchema.xrayLink)) }
                }
                let seen = Set(direct.map(\.rowID))
                var linked = Set<Int64>()
                let find = try db.cachedStatement(sql: "SELECT invocation FROM links WHERE link_id = ? AND kind = ?")
                for key in keys {
                    for rowID in try Int64.fetchAll(find, arguments: [key.id, key.kind]) where !seen.contains(rowID) {
                        linked.insert(rowID)
                    }
                }
                var all = direct
                let byID = try db.cachedStatement(
                    sql: "SELECT \(StoreSchema.invocationColumns) FROM invocations WHERE id = ?")
                for rowID in linked {
                    all += try fetchInvocations(byID, arguments: [rowID], db: db)
                }
                all.sort { a, b in
                    (a.invocation.start, a.invocation.requestID, a.rowID) < (b.invocation.start, b.invocation.requestID, b.rowID)
                }
                return all.map(\.invocation)
            }
        }
    }

    /// The invocations with request id `requestID`: usually one, several when a retry reused it.
    /// Sorted by start, then insertion order; log lines decompressed.
    public func invocation(requestID: String) throws -> [Invocation] {
        try guarded {
            try dbQueue.read { db in
                try fetchInvocations(
                    db,
                    sql: """
                        SELECT \(StoreSchema.invocationColumns) FROM invocations
                        WHERE request_hash = ? AND request_id = ? ORDER BY start_ms, id
                        """,
                    arguments: [StoreSchema.requestHash(requestID), requestID]
                ).map(\.invocation)
            }
        }
    }

    /// Drops the log lines of invocations that started before `linesOlderThan` (ms since the
    /// epoch); everything else about them stays. Returns how many lost their lines.
    @discardableResult
    public func applyRetention(linesOlderThan: Int64) throws -> Int? {
        try guarded {
            try dbQueue.write { db in
                // Lines are kept in chunks of many invocations: a chunk goes when its newest
                // invocation started before the cutoff.
                try db.execute(
                    sql: "UPDATE invocations SET chunk_id = NULL, chunk_offset = NULL "
                        + "WHERE chunk_id IN (SELECT id FROM line_chunks WHERE newest_start < ?)",
                    arguments: [linesOlderThan])
                let dropped = db.changesCount
                try db.execute(sql: "DELETE FROM line_chunks WHERE newest_start < ?", arguments: [linesOlderThan])
                return dropped
            }
        }
    }

    private func fetchInvocations(_ db: Database, sql: String, arguments: StatementArguments) throws
        -> [(rowID: Int64, invocation: Invocation)]
    {
        try fetchInvocations(try db.makeStatement(sql: sql), arguments: arguments, db: db)
    }

    /// The decompressed lines of chunk `id`.
    private func lineChunk(_ id: Int64, _ db: Database, requestID: String) throws -> [UInt8] {
        guard let row = try Row.fetchOne(db, sql: "SELECT data, raw_size FROM line_chunks WHERE id = ?", arguments: [id]),
              let data: Data = row[0]
        else { return [] }
        do {
            return try Deflate.decompress([UInt8](data), expectedSize: row[1])
        } catch {
            throw StoreError.corrupt(path: path, detail: "log lines of request \(requestID): \(error)")
        }
    }

    /// Decodes rows of ``StoreSchema/invocationColumns``.
    private func fetchInvocations(_ statement: Statement, arguments: StatementArguments, db: Database) throws
        -> [(rowID: Int64, invocation: Invocation)]
    {
        var result: [(Int64, Invocation)] = []
        var chunks: [Int64: [UInt8]] = [:]
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() {
            let rowID: Int64 = row[0]
            let requestID: String = row[1]
            var lines: [UInt8] = []
            let rawSize: Int = row[20]
            if let chunkID: Int64 = row[18], let offset: Int = row[19] {
                if chunks[chunkID] == nil {
                    chunks[chunkID] = try lineChunk(chunkID, db, requestID: requestID)
                }
                let chunk = chunks[chunkID]!
                guard offset >= 0, offset + rawSize <= chunk.count else {
                    throw StoreError.corrupt(path: path, detail: "log lines of request \(requestID) lie outside their chunk")
                }
                lines = Array(chunk[offset..<(offset + rawSize)])
            }
            let status: String = row[13]
            let correlation: String = row[16]
            let invocation = Invocation(
                requestID: requestID, function: row[2], version: row[3], stream: row[4], start: row[5], end: row[6],
                durationMs: row[7], billedDurationMs: row[8], memorySizeMB: row[9], maxMemoryUsedMB: row[10],
                initDurationMs: row[11], restoreDurationMs: row[12],
                status: InvocationStatus(rawValue: status) ?? .incomplete, errorType: row[14], xrayTraceID: row[15],
                correlationIDs: IDList.decode(correlation), lines: lines, lineCount: row[17])
            result.append((rowID, invocation))
        }
        return result
    }
}

/// One id to follow through the `links` table.
private struct LinkKey: Hashable {
    var id: String
    var kind: Int64
}
