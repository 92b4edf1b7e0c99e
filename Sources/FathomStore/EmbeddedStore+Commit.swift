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
        let compressed: [Data?] = batch.invocations.map {
            $0.lines.isEmpty ? nil : Data(Deflate.compress($0.lines))
        }
        let series = batch.rollups.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        let tagTexts = series.map { CanonicalTags.encode($0.key.tags) }

        let ids: [Int64] = try guarded {
            try dbQueue.write { db in
                try failpoint(.series)
                let ids = try upsertSeries(series, tagTexts: tagTexts, db: db)
                try failpoint(.rollups)
                try mergeRollups(series, ids: ids, db: db)
                try failpoint(.invocations)
                try insertInvocations(batch.invocations, compressed: compressed, db: db)
                try failpoint(.quarantine)
                try insertQuarantine(batch.quarantine, now: now, db: db)
                try failpoint(.checkpoints)
                try upsertCheckpoints(batch.checkpoints, now: now, db: db)
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
        let upsert = try db.cachedStatement(
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
            upsert.setUncheckedArguments([
                key.name, key.kind.rawValue, tags, key.tag("function") ?? "", key.tag("version") ?? "", first, last,
            ])
            guard let id = try Int64.fetchOne(upsert) else {
                throw StoreError.database(path: path, reason: "the series upsert returned no id")
            }
            ids.append(id)
        }
        return ids
    }

    /// Reads the stored blobs of each series over the span of minutes the batch touches (one
    /// range query per series), merges, and writes back.
    private func mergeRollups(_ series: [(key: SeriesKey, value: [Int64: Rollup])], ids: [Int64], db: Database) throws {
        let read = try db.cachedStatement(
            sql: "SELECT minute, blob FROM rollups WHERE series_id = ? AND minute BETWEEN ? AND ?")
        let write = try db.cachedStatement(
            sql: """
                INSERT INTO rollups (series_id, minute, blob) VALUES (?, ?, ?)
                ON CONFLICT (series_id, minute) DO UPDATE SET blob = excluded.blob
                """)
        for (entry, id) in zip(series, ids) {
            var merged = entry.value
            let minutes = merged.keys.sorted()
            guard let first = minutes.first, let last = minutes.last else { continue }
            read.setUncheckedArguments([id, first, last])
            let rows = try Row.fetchCursor(read)
            while let row = try rows.next() {
                let minute: Int64 = row[0]
                guard let incoming = merged[minute] else { continue }
                let data: Data = row[1]
                var stored: Rollup
                do {
                    stored = try Rollup(serialized: [UInt8](data))
                } catch {
                    throw StoreError.corrupt(
                        path: path, detail: "rollup of \(entry.key.text) at minute \(minute): \(error)")
                }
                stored.merge(incoming)
                merged[minute] = stored
            }
            for minute in minutes {
                write.setUncheckedArguments([id, minute, Data(merged[minute]!.serialized())])
                try write.execute()
            }
        }
    }

    private func insertInvocations(_ invocations: [Invocation], compressed: [Data?], db: Database) throws {
        guard !invocations.isEmpty else { return }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO invocations (
                    request_id, function, version, stream, start_ms, end_ms, duration_ms, billed_ms, memory_mb,
                    max_memory_mb, init_ms, restore_ms, status, error_type, xray, line_count, lines, raw_size)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let link = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO links (link_id, kind, invocation) VALUES (?, ?, ?)")
        for (inv, lines) in zip(invocations, compressed) {
            insert.setUncheckedArguments([
                inv.requestID, inv.function, inv.version, inv.stream, inv.start, inv.end, inv.durationMs,
                inv.billedDurationMs, inv.memorySizeMB, inv.maxMemoryUsedMB, inv.initDurationMs,
                inv.restoreDurationMs, inv.status.rawValue, inv.errorType, inv.xrayTraceID, inv.lineCount, lines,
                inv.lines.count,
            ])
            try insert.execute()
            let rowID = db.lastInsertedRowID
            for id in inv.correlationIDs where !id.isEmpty {
                link.setUncheckedArguments([id, "correlation", rowID])
                try link.execute()
            }
            if let xray = inv.xrayTraceID, !xray.isEmpty {
                link.setUncheckedArguments([xray, "xray", rowID])
                try link.execute()
            }
        }
    }

    private func insertQuarantine(_ entries: [QuarantineEntry], now: Int64, db: Database) throws {
        guard !entries.isEmpty else { return }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO quarantine (reason, source, line, byte_offset, detail, excerpt, ingested_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        for e in entries {
            insert.setUncheckedArguments([e.reason.rawValue, e.source, e.line, e.offset, e.detail, e.excerpt, now])
            try insert.execute()
        }
    }

    private func upsertCheckpoints(_ checkpoints: [SourceCheckpoint], now: Int64, db: Database) throws {
        guard !checkpoints.isEmpty else { return }
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO sources (fingerprint, fingerprint_length, path, byte_offset, lines, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (fingerprint_length, fingerprint) DO UPDATE SET
                    path = excluded.path, byte_offset = excluded.byte_offset, lines = excluded.lines,
                    updated_at = excluded.updated_at
                """)
        for c in checkpoints where c.fingerprintLength > 0 {
            upsert.setUncheckedArguments([
                Int64(bitPattern: c.fingerprint), c.fingerprintLength, c.path, c.offset, c.lines, now,
            ])
            try upsert.execute()
        }
    }
}
