import FathomCore
import FathomStore
import Synchronization

/// The spool and its drainer, made on first use.
final class SpoolHolder: Sendable {
    let state = Mutex<(spool: Spool, drainer: SpoolDrainer)?>(nil)
    /// When retention was last enforced (the newest flight's commit time, ms).
    let retentionCheckedAt = Mutex<Int64?>(nil)
    /// Whether the schema was brought up to date by this process.
    let migrated = Mutex(false)
}

extension ClickHouseStore: Store, FlightSink {
    /// Stores one flight from the spool (see ``send(batch:writer:first:committedAt:)``).
    public func send(_ flight: Flight) throws {
        try migrateOnce()
        try send(batch: flight.batch, writer: flight.writer, first: flight.first, committedAt: flight.committedAt)
        // With `retention=` in the URL, the writer drops expired day partitions at most once an
        // hour (of commit time), after a successful send; a failure is logged, not retried here.
        guard url.retentionMs != nil else { return }
        let due = spoolHolder.retentionCheckedAt.withLock { last in
            if let l = last, flight.committedAt - l < 3_600_000 { return false }
            last = flight.committedAt
            return true
        }
        if due {
            do {
                try enforceRetention(now: flight.committedAt)
            } catch {
                logger.warning("retention: \(error)")
            }
        }
    }

    /// The spool and its running drainer, created on the first call (read-only commands never
    /// create a spool).
    func spooled() throws -> (spool: Spool, drainer: SpoolDrainer) {
        try spoolHolder.state.withLock { held in
            if let held { return held }
            guard let spoolPath else {
                throw ClickHouseError.badURL(location, reason: "this store was opened without a spool, so it cannot write")
            }
            let spool = try Spool(path: spoolPath, maxBytes: spoolMaxBytes)
            let drainer = SpoolDrainer(spool: spool, sink: self)
            drainer.start()
            held = (spool, drainer)
            return (spool, drainer)
        }
    }

    /// Hands `batch` to the local spool: one SQLite transaction holds the batch with its
    /// checkpoints and ingest state; the drainer sends it on. Blocks while the spool is full.
    public func commit(_ batch: IngestBatch, now: Int64) throws {
        try spooled().spool.commit(batch, now: now)
    }

    /// Waits (up to the URL's timeout × 10, at least a minute) until the spool is empty.
    public func flush() throws {
        try migrateOnce()
        guard spoolHolder.state.withLock({ $0 != nil }) else { return }
        try spooled().drainer.flush(timeout: max(60, Double(url.timeoutMs) / 100))
    }

    /// Drops and recreates every table (all writers' data), and empties this writer's spool
    /// when it has one.
    public func reset() throws {
        if let (spool, _) = spoolHolder.state.withLock({ $0 }) { try spool.reset() }
        try resetTables()
    }

    public func checkpoint(forPrefix prefix: [UInt8], file: FileID?) throws -> SourceCheckpoint? {
        try spooled().spool.checkpoint(forPrefix: prefix, file: file)
    }

    /// This writer's ingestor state (from its spool); nil for a reader (opened without a spool).
    public func ingestState() throws -> [UInt8]? {
        guard spoolPath != nil else { return nil }
        return try spooled().spool.ingestState()
    }

    /// This writer's checkpoints (from its spool); for a reader, every writer's checkpoints as
    /// they last published them to ClickHouse.
    public func sources() throws -> [SourceCheckpoint] {
        guard spoolPath == nil else { return try spooled().spool.sources() }
        var found: [SourceCheckpoint] = []
        for row in try client.query(
            """
            SELECT fingerprint, fingerprint_length, path, byte_offset, lines, device, inode
            FROM \(schema.qualified("sources")) FINAL ORDER BY path, fingerprint_length, fingerprint, writer
            """)
        {
            var file: FileID? = nil
            if !row.isNull(5), !row.isNull(6) { file = FileID(device: try row.uint(5), inode: try row.uint(6)) }
            found.append(SourceCheckpoint(
                fingerprint: try row.uint(0), fingerprintLength: Int(try row.int(1)), path: row.string(2),
                offset: try row.int(3), lines: Int(try row.int(4)), file: file))
        }
        return found
    }

    /// The spool's backlog and how sending goes; nil until the spool is opened.
    public func spoolStatus() -> SpoolStatus? {
        spoolHolder.state.withLock { $0 }?.drainer.status()
    }

    /// Stops the drainer after its current attempt (what is left stays in the spool for next time).
    public func close() {
        spoolHolder.state.withLock { $0 }?.drainer.stop()
    }
}
