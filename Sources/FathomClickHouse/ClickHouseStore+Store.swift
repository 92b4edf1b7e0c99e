import FathomCore
import FathomStore
import Synchronization

/// The spool and its drainer, made on first use.
final class SpoolHolder: Sendable {
    let state = Mutex<(spool: Spool, drainer: SpoolDrainer)?>(nil)
}

extension ClickHouseStore: Store, FlightSink {
    /// Stores one flight from the spool (see ``send(batch:writer:first:committedAt:)``).
    public func send(_ flight: Flight) throws {
        try send(batch: flight.batch, writer: flight.writer, first: flight.first, committedAt: flight.committedAt)
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

    public func ingestState() throws -> [UInt8]? { try spooled().spool.ingestState() }

    /// This writer's checkpoints (from its spool).
    public func sources() throws -> [SourceCheckpoint] { try spooled().spool.sources() }

    /// The spool's backlog and how sending goes; nil until the spool is opened.
    public func spoolStatus() -> SpoolStatus? {
        spoolHolder.state.withLock { $0 }?.drainer.status()
    }

    /// Stops the drainer after its current attempt (what is left stays in the spool for next time).
    public func close() {
        spoolHolder.state.withLock { $0 }?.drainer.stop()
    }
}
