import FathomCore
import FathomStore
import Foundation

/// Link kinds in the `links` table.
enum LinkKind {
    static let request: UInt8 = 0
    static let correlation: UInt8 = 1
    static let xray: UInt8 = 2
}

extension ClickHouseStore {
    /// Inserts one flight's rows: its rollups (one row per series and minute), invocations with
    /// their links (request id, correlation ids, X-Ray trace id), quarantined lines (stamped
    /// `committedAt`), its checkpoints into `sources` and a row for `writer` in `writers`.
    ///
    /// Idempotent: every row is keyed by (`writer`, `first`, ordinal), and the same flight gives the
    /// same rows, which the ReplacingMergeTree tables collapse (reads use FINAL). Throws on any
    /// failure; sending again is always safe.
    public func send(batch: IngestBatch, writer: String, first: Int64, committedAt: Int64) throws {
        let batchID = first
        // Rollups, sorted so that re-sends give byte-identical bodies.
        var rollups = TSVWriter()
        for (key, minutes) in batch.rollups.sorted(by: { $0.key < $1.key }) where !minutes.isEmpty {
            let tags = CanonicalTags.encode(key.tags)
            let function = key.tag("function") ?? ""
            let version = key.tag("version") ?? ""
            for (minute, rollup) in minutes.sorted(by: { $0.key < $1.key }) {
                rollups.string(function)
                rollups.string(version)
                rollups.string(key.name)
                rollups.string(key.kind.rawValue)
                rollups.string(tags)
                rollups.int(minute)
                rollups.date(ms: minute)
                rollups.string(writer)
                rollups.int(batchID)
                rollups.uint(rollup.count)
                rollups.double(rollup.sum)
                rollups.double(rollup.min)
                rollups.double(rollup.max)
                rollups.bytes(rollup.serialized())
                rollups.endRow()
            }
        }
        var invocations = TSVWriter()
        var links = TSVWriter()
        for (ordinal, inv) in batch.invocations.enumerated() {
            invocations.string(inv.requestID)
            invocations.string(inv.function)
            invocations.string(inv.version)
            invocations.string(inv.stream)
            invocations.int(inv.start)
            invocations.int(inv.end)
            invocations.date(ms: inv.start)
            invocations.optionalDouble(inv.durationMs)
            invocations.optionalDouble(inv.billedDurationMs)
            invocations.optionalDouble(inv.memorySizeMB)
            invocations.optionalDouble(inv.maxMemoryUsedMB)
            invocations.optionalDouble(inv.initDurationMs)
            invocations.optionalDouble(inv.restoreDurationMs)
            invocations.string(inv.status.rawValue)
            invocations.optionalString(inv.errorType)
            invocations.optionalString(inv.xrayTraceID)
            invocations.stringArray(inv.correlationIDs)
            invocations.int(Int64(inv.lineCount))
            invocations.bytes(inv.lines)
            invocations.string(writer)
            invocations.int(batchID)
            invocations.uint(UInt64(ordinal))
            invocations.endRow()
            func link(_ id: String, _ kind: UInt8) {
                links.string(id)
                links.uint(UInt64(kind))
                links.string(inv.function)
                links.int(inv.start)
                links.string(inv.requestID)
                links.date(ms: inv.start)
                links.string(writer)
                links.int(batchID)
                links.uint(UInt64(ordinal))
                links.endRow()
            }
            link(inv.requestID, LinkKind.request)
            for id in Set(inv.correlationIDs).sorted() where !id.isEmpty { link(id, LinkKind.correlation) }
            if let x = inv.xrayTraceID, !x.isEmpty { link(x, LinkKind.xray) }
        }
        var quarantine = TSVWriter()
        for (ordinal, e) in batch.quarantine.enumerated() {
            quarantine.string(e.reason.rawValue)
            quarantine.string(e.source)
            quarantine.int(Int64(e.line))
            quarantine.int(e.offset)
            quarantine.string(e.detail)
            quarantine.string(e.excerpt)
            quarantine.int(committedAt)
            quarantine.date(ms: committedAt)
            quarantine.string(writer)
            quarantine.int(batchID)
            quarantine.uint(UInt64(ordinal))
            quarantine.endRow()
        }
        var sources = TSVWriter()
        for c in batch.checkpoints where c.fingerprintLength > 0 {
            sources.string(writer)
            sources.uint(c.fingerprint)
            sources.uint(UInt64(c.fingerprintLength))
            sources.string(c.path)
            sources.int(c.offset)
            sources.int(Int64(c.lines))
            if let f = c.file {
                sources.uint(f.device)
                sources.uint(f.inode)
            } else {
                sources.null()
                sources.null()
            }
            sources.int(committedAt)
            sources.endRow()
        }
        var writers = TSVWriter()
        writers.string(writer)
        writers.string(ProcessInfo.processInfo.hostName)
        writers.int(committedAt)
        writers.string("sent through spool seq \(first)")
        writers.endRow()

        let settings = insertSettings
        try client.insert(into: schema.qualified("rollups"), rows: rollups, settings: settings)
        try client.insert(into: schema.qualified("invocations"), rows: invocations, settings: settings)
        try client.insert(into: schema.qualified("links"), rows: links, settings: settings)
        try client.insert(into: schema.qualified("quarantine"), rows: quarantine, settings: settings)
        try client.insert(into: schema.qualified("sources"), rows: sources, settings: settings)
        try client.insert(into: schema.qualified("writers"), rows: writers, settings: settings)
    }
}
