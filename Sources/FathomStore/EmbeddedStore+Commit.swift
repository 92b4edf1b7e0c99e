import FathomCore
import FathomIO
import Foundation
import GRDB

/// The steps of a commit, in order; tests make one of them fail to check that nothing is written.
enum CommitStep: Sendable {
    case series, rollups, invocations, quarantine, checkpoints
}

extension EmbeddedStore {
    /// Writes `batch` in ONE transaction: upserts its series (widening their first/last minute),
    /// merges its rollups into the stored ones (`Rollup.merge`), inserts its invocations with their
    /// correlation and X-Ray links, its quarantined lines (stamped `ingested_at = now`, ms), and
    /// upserts its source checkpoints. When anything fails nothing is written, so the data and the
    /// checkpoints never disagree. Log lines are compressed before the write lock is taken.
    ///
    /// Checkpoints with a fingerprint length of 0 (an empty source) identify nothing and are not
    /// stored.
    public func commit(_ batch: IngestBatch, now: Int64) throws {
        try commit(batch, now: now, failpoint: { _ in })
    }

    /// ``commit(_:now:)`` with `failpoint` called before each step (a throw aborts the commit).
    func commit(_ batch: IngestBatch, now: Int64, failpoint: (CommitStep) throws -> Void) throws {
        if batch.isEmpty { return }
        // Outside the lock: compression, canonical series texts and the order of writes.
        let chunks = LineChunks(batch.invocations)
        let series = batch.rollups.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        let tagTexts = series.map { CanonicalTags.encode($0.key.tags) }

        let ids: [Int64] = try guarded {
            try dbQueue.write { db in
                try failpoint(.series)
                let ids = try upsertSeries(series, tagTexts: tagTexts, db: db)
                try failpoint(.rollups)
                try mergeRollups(series, ids: ids, db: db)
                try failpoint(.invocations)
                try insertInvocations(batch.invocations, chunks: chunks, db: db)
                try failpoint(.quarantine)
                try insertQuarantine(batch.quarantine, now: now, db: db)
                try failpoint(.checkpoints)
                try upsertCheckpoints(batch.checkpoints, now: now, db: db)
                if let state = batch.state { try saveIngestState(state, now: now, db: db) }
                return ids
            }
        }
        seriesIDs.withLock { map in
            for (entry, id) in zip(series, ids) { map[entry.key] = id }
        }
    }

    private func upsertSeries(
        _ series: [(key: SeriesKey, value: [Int64: Rollup])], tagTexts: [String], db: Database
    ) throws -> [Int64] {
        let upsert = try FastStatement(
            db,
            sql: """
                INSERT INTO series (name, kind, tags, function, version, first_minute, last_minute)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (name, kind, tags) DO UPDATE SET
                    first_minute = min(first_minute, excluded.first_minute),
                    last_minute = max(last_minute, excluded.last_minute)
                RETURNING id
                """)
        var ids: [Int64] = []
        ids.reserveCapacity(series.count)
        for (entry, tags) in zip(series, tagTexts) {
            let key = entry.key
            var first = Int64.max
            var last = Int64.min
            for minute in entry.value.keys {
                first = min(first, minute)
                last = max(last, minute)
            }
            upsert.bind(1, key.name)
            upsert.bind(2, key.kind.rawValue)
            upsert.bind(3, tags)
            upsert.bind(4, key.tag("function") ?? "")
            upsert.bind(5, key.tag("version") ?? "")
            upsert.bind(6, first)
            upsert.bind(7, last)
            guard try upsert.next() else {
                throw StoreError.database(path: path, reason: "the series upsert returned no id")
            }
            ids.append(upsert.int64(0))
            upsert.reset()
        }
        return ids
    }

    /// Reads the stored blobs of each series over the span of minutes the batch touches (one
    /// range query per series), merges, and writes back.
    private func mergeRollups(_ series: [(key: SeriesKey, value: [Int64: Rollup])], ids: [Int64], db: Database) throws {
        let read = try FastStatement(
            db, sql: "SELECT minute, blob FROM rollups WHERE series_id = ? AND minute BETWEEN ? AND ?")
        let write = try FastStatement(
            db,
            sql: """
                INSERT INTO rollups (series_id, minute, blob) VALUES (?, ?, ?)
                ON CONFLICT (series_id, minute) DO UPDATE SET blob = excluded.blob
                """)
        for (entry, id) in zip(series, ids) {
            var merged = entry.value
            let minutes = merged.keys.sorted()
            guard let first = minutes.first, let last = minutes.last else { continue }
            read.bind(1, id)
            read.bind(2, first)
            read.bind(3, last)
            while try read.next() {
                let minute = read.int64(0)
                guard let incoming = merged[minute] else { continue }
                var stored: Rollup
                do {
                    stored = try Rollup(serialized: read.bytes(1))
                } catch {
                    read.reset()
                    throw StoreError.corrupt(
                        path: path, detail: "rollup of \(entry.key.text) at minute \(minute): \(error)")
                }
                stored.merge(incoming)
                merged[minute] = stored
            }
            for minute in minutes {
                write.bind(1, id)
                write.bind(2, minute)
                write.bind(3, blob: merged[minute]!.serialized())
                try write.execute()
            }
        }
    }

    private func insertInvocations(_ invocations: [Invocation], chunks: LineChunks, db: Database) throws {
        guard !invocations.isEmpty else { return }
        var chunkIDs: [Int64] = []
        let chunk = try FastStatement(db, sql: "INSERT INTO line_chunks (data, raw_size, newest_start) VALUES (?, ?, ?)")
        for c in chunks.chunks {
            chunk.bind(1, blob: c.data)
            chunk.bind(2, c.rawSize)
            chunk.bind(3, c.newestStart)
            try chunk.execute()
            chunkIDs.append(db.lastInsertedRowID)
        }
        let insert = try FastStatement(
            db,
            sql: """
                INSERT INTO invocations (
                    request_id, function, version, stream, start_ms, end_ms, duration_ms, billed_ms, memory_mb,
                    max_memory_mb, init_ms, restore_ms, status, error_type, xray, correlation_ids, line_count, chunk_id,
                    chunk_offset, raw_size, request_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let link = try FastStatement(db, sql: "INSERT OR IGNORE INTO links (link_id, kind, invocation) VALUES (?, ?, ?)")
        // Links go in after the invocations, sorted by key: one B-tree at a time, in key order, each
        // page touched once (measured: ~15 % faster than interleaved inserts).
        var links: [(id: String, kind: Int64, rowID: Int64)] = []
        links.reserveCapacity(invocations.count * 2)
        for (inv, place) in zip(invocations, chunks.places) {
            insert.bind(1, inv.requestID)
            insert.bind(2, inv.function)
            insert.bind(3, inv.version)
            insert.bind(4, inv.stream)
            insert.bind(5, inv.start)
            insert.bind(6, inv.end)
            insert.bind(7, inv.durationMs)
            insert.bind(8, inv.billedDurationMs)
            insert.bind(9, inv.memorySizeMB)
            insert.bind(10, inv.maxMemoryUsedMB)
            insert.bind(11, inv.initDurationMs)
            insert.bind(12, inv.restoreDurationMs)
            insert.bind(13, inv.status.rawValue)
            insert.bind(14, inv.errorType)
            insert.bind(15, inv.xrayTraceID)
            insert.bind(16, IDList.encode(inv.correlationIDs))
            insert.bind(17, inv.lineCount)
            if let place {
                insert.bind(18, chunkIDs[place.chunk])
                insert.bind(19, place.offset)
            } else {
                insert.bindNull(18)
                insert.bindNull(19)
            }
            insert.bind(20, inv.lines.count)
            insert.bind(21, StoreSchema.requestHash(inv.requestID))
            try insert.execute()
            let rowID = db.lastInsertedRowID
            for id in inv.correlationIDs where !id.isEmpty {
                links.append((id, StoreSchema.correlationLink, rowID))
            }
            if let xray = inv.xrayTraceID, !xray.isEmpty {
                links.append((xray, StoreSchema.xrayLink, rowID))
            }
        }
        links.sort { ($0.id, $0.kind, $0.rowID) < ($1.id, $1.kind, $1.rowID) }
        for l in links {
            link.bind(1, l.id)
            link.bind(2, l.kind)
            link.bind(3, l.rowID)
            try link.execute()
        }
    }

    /// Replaces the stored ingestor state (`ingest_state`, row `daemon`).
    func saveIngestState(_ state: [UInt8], now: Int64, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO ingest_state (name, state, updated_at) VALUES ('daemon', ?, ?)
                ON CONFLICT (name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                """,
            arguments: [Data(state), now])
    }

    private func insertQuarantine(_ entries: [QuarantineEntry], now: Int64, db: Database) throws {
        guard !entries.isEmpty else { return }
        let insert = try FastStatement(
            db,
            sql: """
                INSERT INTO quarantine (reason, source, line, byte_offset, detail, excerpt, ingested_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        for e in entries {
            insert.bind(1, e.reason.rawValue)
            insert.bind(2, e.source)
            insert.bind(3, e.line)
            insert.bind(4, e.offset)
            insert.bind(5, e.detail)
            insert.bind(6, e.excerpt)
            insert.bind(7, now)
            try insert.execute()
        }
    }

    /// Upserts `checkpoints` (also for the spool's commit, ``spoolCommit(data:batch:now:)``).
    func upsertCheckpoints(_ checkpoints: [SourceCheckpoint], now: Int64, db: Database) throws {
        guard !checkpoints.isEmpty else { return }
        let upsert = try FastStatement(
            db,
            sql: """
                INSERT INTO sources (fingerprint, fingerprint_length, path, byte_offset, lines, updated_at, device, inode)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (fingerprint_length, fingerprint) DO UPDATE SET
                    path = excluded.path, byte_offset = excluded.byte_offset, lines = excluded.lines,
                    updated_at = excluded.updated_at, device = excluded.device, inode = excluded.inode
                """)
        // A file whose fingerprint grew with it (it was shorter than 4 KiB when first read) drops
        // its shorter, weaker identities.
        let superseded = try FastStatement(
            db, sql: "DELETE FROM sources WHERE device = ? AND inode = ? AND fingerprint_length < ?")
        for c in checkpoints where c.fingerprintLength > 0 {
            if let f = c.file {
                superseded.bind(1, Int64(bitPattern: f.device))
                superseded.bind(2, Int64(bitPattern: f.inode))
                superseded.bind(3, c.fingerprintLength)
                try superseded.execute()
            }
            upsert.bind(1, Int64(bitPattern: c.fingerprint))
            upsert.bind(2, c.fingerprintLength)
            upsert.bind(3, c.path)
            upsert.bind(4, c.offset)
            upsert.bind(5, c.lines)
            upsert.bind(6, now)
            if let f = c.file {
                upsert.bind(7, Int64(bitPattern: f.device))
                upsert.bind(8, Int64(bitPattern: f.inode))
            } else {
                upsert.bindNull(7)
                upsert.bindNull(8)
            }
            try upsert.execute()
        }
    }
}
