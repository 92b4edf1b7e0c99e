import FathomCore
import Foundation
import GRDB

/// A batch waiting in the spool (schema v4, `spool_batches`).
struct SpooledBatch: Sendable {
    var seq: Int64
    var data: [UInt8]
    var bytes: Int64
    var committedAt: Int64
}

/// What the spool holds: pending batches, their encoded size, and the commit time of the oldest.
struct SpoolTotals: Sendable, Equatable {
    var batches: Int
    var bytes: Int64
    var oldestCommittedAt: Int64?
}

/// The spool's operations on its file (an embedded store with the v4 spool tables); used by
/// ``Spool`` and ``SpoolDrainer`` only.
extension EmbeddedStore {
    /// The writer id made by migration v4: 16 lowercase hex characters.
    func spoolWriterID() throws -> String {
        try guarded {
            try dbQueue.read { db in
                guard let id = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'writer_id'") else {
                    throw StoreError.corrupt(path: path, detail: "the spool has no writer id")
                }
                return id
            }
        }
    }

    /// Stores `data` (`BatchCodec.encode(batch)`) as a pending batch together with the checkpoints
    /// and ingest state of `batch`, in ONE transaction; returns its sequence number.
    @discardableResult
    func spoolCommit(data: [UInt8], batch: IngestBatch, now: Int64) throws -> Int64 {
        try guarded {
            try dbQueue.write { db in
                try db.execute(
                    sql: "INSERT INTO spool_batches (data, bytes, committed_at) VALUES (?, ?, ?)",
                    arguments: [Data(data), data.count, now])
                let seq = db.lastInsertedRowID
                try upsertCheckpoints(batch.checkpoints, now: now, db: db)
                if let state = batch.state { try saveIngestState(state, now: now, db: db) }
                return seq
            }
        }
    }

    /// The pending batches from the oldest, as many as fit in `maxBytes` (at least one).
    func spoolPending(maxBytes: Int64) throws -> [SpooledBatch] {
        try guarded {
            try dbQueue.read { db in
                let sizes = try Row.fetchCursor(db, sql: "SELECT seq, bytes FROM spool_batches ORDER BY seq")
                var first: Int64?
                var last: Int64?
                var total: Int64 = 0
                while let row = try sizes.next() {
                    let seq: Int64 = row[0]
                    let bytes: Int64 = row[1]
                    if first != nil && total + bytes > maxBytes { break }
                    if first == nil { first = seq }
                    last = seq
                    total += bytes
                }
                guard let first, let last else { return [] }
                return try Self.spoolRows(first: first, last: last, db: db)
            }
        }
    }

    /// The pending batches first...last, in order.
    func spoolBatches(first: Int64, last: Int64) throws -> [SpooledBatch] {
        try guarded { try dbQueue.read { db in try Self.spoolRows(first: first, last: last, db: db) } }
    }

    private static func spoolRows(first: Int64, last: Int64, db: Database) throws -> [SpooledBatch] {
        try Row.fetchAll(
            db, sql: "SELECT seq, data, bytes, committed_at FROM spool_batches WHERE seq BETWEEN ? AND ? ORDER BY seq",
            arguments: [first, last]
        ).map { row in
            let data: Data = row[1]
            return SpooledBatch(seq: row[0], data: [UInt8](data), bytes: row[2], committedAt: row[3])
        }
    }

    /// The flight recorded as being sent, if any.
    func spoolFlight() throws -> (first: Int64, last: Int64)? {
        try guarded {
            try dbQueue.read { db in
                try Row.fetchOne(db, sql: "SELECT first, last FROM spool_flight WHERE id = 1").map { ($0[0], $0[1]) }
            }
        }
    }

    /// Records first...last as the flight being sent (replacing any other).
    func recordSpoolFlight(first: Int64, last: Int64) throws {
        try guarded {
            try dbQueue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO spool_flight (id, first, last) VALUES (1, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET first = excluded.first, last = excluded.last
                        """,
                    arguments: [first, last])
            }
        }
    }

    /// Forgets the recorded flight, keeping its batches pending.
    func clearSpoolFlight() throws {
        try guarded { try dbQueue.write { db in try db.execute(sql: "DELETE FROM spool_flight") } }
    }

    /// Deletes the batches first...last and the flight record, in one transaction: the flight
    /// has been delivered.
    func finishSpoolFlight(first: Int64, last: Int64) throws {
        try guarded {
            try dbQueue.write { db in
                try db.execute(sql: "DELETE FROM spool_batches WHERE seq BETWEEN ? AND ?", arguments: [first, last])
                try db.execute(sql: "DELETE FROM spool_flight")
            }
        }
    }

    /// How many batches are pending, their size, and when the oldest was committed.
    func spoolTotals() throws -> SpoolTotals {
        try guarded {
            try dbQueue.read { db in
                let row = try Row.fetchOne(
                    db, sql: "SELECT count(*), coalesce(sum(bytes), 0), min(committed_at) FROM spool_batches")
                guard let row else { return SpoolTotals(batches: 0, bytes: 0, oldestCommittedAt: nil) }
                return SpoolTotals(batches: row[0], bytes: row[1], oldestCommittedAt: row[2])
            }
        }
    }
}
