import FathomCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The local, bounded, crash-safe queue between ingestion and a remote engine (see
/// docs/clickhouse.md): `commit` stores a batch as a pending row TOGETHER with its checkpoints and
/// ingest state, in one SQLite transaction, so that locally data and checkpoints never disagree;
/// a ``SpoolDrainer`` sends the pending batches on and deletes them once the engine has them.
///
/// The spool file is a Fathom store (``EmbeddedStore``, schema v4) of its own: its `sources` and
/// `ingest_state` tables are the checkpoints of this writer, its `spool_batches` the queue. The
/// file is locked exclusively (`flock` on `<path>.lock`, which holds the owner's pid) for the
/// object's lifetime: two processes never share a spool, nor its ``writerID``.
///
/// Thread-safe; every method may block.
public final class Spool: Sendable {
    /// The spool file.
    public let path: String
    /// This spool's identity in the remote engine: 16 lowercase hex characters, made when the
    /// file was created and kept for its life.
    public let writerID: String
    /// The encoded size the pending batches may reach before `commit` waits for room.
    public let maxBytes: Int64
    let store: EmbeddedStore
    /// Broadcast on every commit and every delivery: wakes the drainer and waiting committers.
    let changes = SpoolSignal()
    private let lockFD: Int32

    /// Opens (creating as needed, with its folders) the spool at `path` and locks it.
    ///
    /// - Throws: ``StoreError`` when the file cannot be opened or created, or another process
    ///   (or another `Spool` in this one) has it.
    public init(path: String, maxBytes: Int64) throws {
        self.path = path
        self.maxBytes = maxBytes
        // The lock file sits beside the spool, so its folder is needed before the store opens.
        try EmbeddedStore.createFolder(of: path)
        lockFD = try Self.lock(path: path)
        do {
            store = try EmbeddedStore(path: path)
            writerID = try store.spoolWriterID()
        } catch {
            close(lockFD)
            throw error
        }
    }

    deinit { close(lockFD) }

    /// Takes the exclusive lock on `<path>.lock` and writes this process's pid into it.
    private static func lock(path: String) throws -> Int32 {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError.cannotOpen(path: path, reason: "cannot open its lock file \(lockPath): \(errnoText())")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = errnoText()
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            guard busy else { throw StoreError.cannotOpen(path: path, reason: "cannot lock \(lockPath): \(reason)") }
            let owner = n > 0 ? Int(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            let who = owner.map { $0 == Int(getpid()) ? "(pid \($0), this process)" : "(pid \($0))" } ?? ""
            throw StoreError.cannotOpen(
                path: path,
                reason: "the spool \(path) is in use by another Fathom process \(who)"
                    .trimmingCharacters(in: .whitespaces) + "; each writer needs its own spool (--spool)")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return fd
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }

    // MARK: Writing

    /// Stores `batch` as a pending batch with its checkpoints and ingest state, in one
    /// transaction (an empty batch stores nothing). While the pending batches take `maxBytes` or
    /// more, waits for the drainer to make room; a batch is always admitted into an empty spool,
    /// however large.
    public func commit(_ batch: IngestBatch, now: Int64) throws {
        if batch.isEmpty { return }
        let data = BatchCodec.encode(batch)
        while true {
            let generation = changes.generation
            let totals = try store.spoolTotals()
            if totals.batches == 0 || totals.bytes < maxBytes { break }
            changes.wait(since: generation, timeout: 0.2)
        }
        try store.spoolCommit(data: data, batch: batch, now: now)
        changes.broadcast()
    }

    /// Deletes every pending batch, the flight, the checkpoints and the ingest state (`ingest
    /// --replay`). Sequence numbers are not reused afterwards.
    public func reset() throws {
        try store.reset()
        changes.broadcast()
    }

    // MARK: Checkpoints and ingest state

    /// The checkpoint of the source whose first decoded bytes are `prefix`, if seen before (see
    /// ``EmbeddedStore/checkpoint(forPrefix:file:)``).
    public func checkpoint(forPrefix prefix: [UInt8], file: FileID?) throws -> SourceCheckpoint? {
        try store.checkpoint(forPrefix: prefix, file: file)
    }

    /// The ingestor state committed last, if any.
    public func ingestState() throws -> [UInt8]? { try store.ingestState() }

    /// Every checkpoint of this writer, sorted by path, then fingerprint length and value.
    public func sources() throws -> [SourceCheckpoint] { try store.sources() }

    // MARK: Backlog

    /// The pending batches: how many, their size and `maxBytes`, when the oldest was committed.
    /// The sending fields are left at their defaults (``SpoolDrainer/status()`` fills them in).
    public func backlog() throws -> SpoolStatus {
        let t = try store.spoolTotals()
        return SpoolStatus(batches: t.batches, bytes: t.bytes, maxBytes: maxBytes, oldestCommittedAt: t.oldestCommittedAt)
    }
}

/// A condition with a generation counter: a waiter that read the generation before looking at
/// the spool cannot miss a change made after it looked.
final class SpoolSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var count: UInt64 = 0

    /// Changes so far.
    var generation: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return count
    }

    /// Counts a change and wakes every waiter.
    func broadcast() {
        condition.lock()
        count &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the generation differs from `since`, or `timeout` seconds have passed.
    func wait(since: UInt64, timeout: Double) {
        let deadline = Date(timeIntervalSinceNow: max(timeout, 0))
        condition.lock()
        defer { condition.unlock() }
        while count == since {
            if !condition.wait(until: deadline) { return }
        }
    }
}
