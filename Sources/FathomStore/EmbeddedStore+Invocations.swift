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
                try fetchInvocations(
                    db,
                    sql: """
                        WITH direct(id) AS (SELECT id FROM invocations WHERE request_id = :id),
                        keys(link_id, kind) AS (
                            SELECT link_id, kind FROM links WHERE invocation IN (SELECT id FROM direct)
                            UNION SELECT link_id, kind FROM links WHERE link_id = :id),
                        hits(id) AS (
                            SELECT id FROM direct
                            UNION SELECT l.invocation FROM keys k JOIN links l ON l.link_id = k.link_id AND l.kind = k.kind)
                        SELECT \(StoreSchema.invocationColumns) FROM invocations
                        WHERE id IN (SELECT id FROM hits)
                        ORDER BY start_ms, request_id, id
                        """,
                    arguments: ["id": id])
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
                        WHERE request_id = ? ORDER BY start_ms, id
                        """,
                    arguments: [requestID])
            }
        }
    }

    /// Drops the log lines of invocations that started before `linesOlderThan` (ms since the
    /// epoch); everything else about them stays. Returns how many lost their lines.
    @discardableResult
    public func applyRetention(linesOlderThan: Int64) throws -> Int {
        try guarded {
            try dbQueue.write { db in
                try db.execute(
                    sql: "UPDATE invocations SET lines = NULL WHERE start_ms < ? AND lines IS NOT NULL",
                    arguments: [linesOlderThan])
                return db.changesCount
            }
        }
    }

    private func fetchInvocations(_ db: Database, sql: String, arguments: StatementArguments) throws -> [Invocation] {
        let correlation = try db.cachedStatement(
            sql: "SELECT link_id FROM links WHERE invocation = ? AND kind = 'correlation' ORDER BY link_id")
        var result: [Invocation] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let rowID: Int64 = row[0]
            let requestID: String = row[1]
            var lines: [UInt8] = []
            let rawSize: Int = row[18]
            if let data: Data = row[17] {
                do {
                    lines = try Deflate.decompress([UInt8](data), expectedSize: rawSize)
                } catch {
                    throw StoreError.corrupt(path: path, detail: "log lines of request \(requestID): \(error)")
                }
            }
            let status: String = row[13]
            result.append(
                Invocation(
                    requestID: requestID, function: row[2], version: row[3], stream: row[4], start: row[5],
                    end: row[6], durationMs: row[7], billedDurationMs: row[8], memorySizeMB: row[9],
                    maxMemoryUsedMB: row[10], initDurationMs: row[11], restoreDurationMs: row[12],
                    status: InvocationStatus(rawValue: status) ?? .incomplete, errorType: row[14],
                    xrayTraceID: row[15], correlationIDs: try String.fetchAll(correlation, arguments: [rowID]),
                    lines: lines, lineCount: row[16]))
        }
        return result
    }
}
