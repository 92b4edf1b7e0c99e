import FathomCore
import Foundation
import Synchronization

/// How long a ``SpoolDrainer`` waits after a failed send: `initial`, then `multiplier` times the
/// previous wait, at most `maximum` (seconds).
public struct SpoolBackoff: Sendable, Equatable {
    public var initial: Double
    public var multiplier: Double
    public var maximum: Double

    public init(initial: Double = 0.25, multiplier: Double = 2, maximum: Double = 30) {
        self.initial = initial
        self.multiplier = multiplier
        self.maximum = maximum
    }

    /// The wait after `failures` consecutive failures (≥ 1).
    public func delay(after failures: Int) -> Double {
        var d = initial
        for _ in 1..<max(failures, 1) {
            d *= multiplier
            if d >= maximum { break }
        }
        return min(d, maximum)
    }
}

/// Where the drainer stops dead in tests, as a crashed process would: nothing after the point is
/// done (no delete, no flight cleared, no counter updated).
enum SpoolDrainerFailpoint: Sendable {
    /// The flight is recorded; the sink has not been called.
    case beforeSend
    /// The sink has the flight; its batches are not deleted yet.
    case afterSend
}

/// Sends what a ``Spool`` holds to a ``FlightSink``, on a thread of its own (the sink blocks).
///
/// Loop: if a flight is recorded (a send was cut short by a crash or a failure), send exactly it
/// again; otherwise take the pending batches from the oldest, up to `maxFlightBytes` (at least
/// one), record them as the flight, merge them into one ``Flight`` and send it. Once the sink
/// returns, the batches and the flight record are deleted in one transaction. A failed send is
/// retried after an exponential backoff (``SpoolBackoff``). The thread wakes at once when a batch
/// is committed, and polls every 200 ms otherwise.
public final class SpoolDrainer: Sendable {
    public let spool: Spool
    public let sink: any FlightSink
    public let maxFlightBytes: Int
    public let backoff: SpoolBackoff
    private let failpoint: (@Sendable (SpoolDrainerFailpoint) -> Bool)?
    private let state = Mutex(State())
    /// Signalled when the thread ends.
    private let finished = SpoolSignal()

    private struct State {
        var started = false
        var stopping = false
        var running = false
        var connected = true
        var lastError: String?
        var sentBatches = 0
        var sentRows = 0
        var failedAttempts = 0
        var consecutiveFailures = 0
        /// Every backoff waited, in order (for tests).
        var delays: [Double] = []
    }

    /// A drainer of `spool` into `sink`, not started yet.
    public convenience init(
        spool: Spool, sink: any FlightSink, maxFlightBytes: Int = 32 << 20, backoff: SpoolBackoff = SpoolBackoff()
    ) {
        self.init(spool: spool, sink: sink, maxFlightBytes: maxFlightBytes, backoff: backoff, failpoint: nil)
    }

    /// `failpoint` returns true at a point where the thread must end as if the process had died.
    init(
        spool: Spool, sink: any FlightSink, maxFlightBytes: Int, backoff: SpoolBackoff,
        failpoint: (@Sendable (SpoolDrainerFailpoint) -> Bool)?
    ) {
        self.spool = spool
        self.sink = sink
        self.maxFlightBytes = max(maxFlightBytes, 1)
        self.backoff = backoff
        self.failpoint = failpoint
    }

    /// Starts the thread (once; later calls do nothing).
    public func start() {
        let first = state.withLock { s -> Bool in
            guard !s.started else { return false }
            s.started = true
            s.running = true
            return true
        }
        guard first else { return }
        let thread = Thread { [self] in
            run()
            state.withLock { $0.running = false }
            finished.broadcast()
        }
        thread.name = "fathom.spool-drainer"
        thread.start()
    }

    /// Ends the thread after its current attempt (a send in progress completes, and is deleted
    /// if it succeeded) and waits for it. Idempotent.
    public func stop() {
        let generation = finished.generation
        let running = state.withLock { s -> Bool in
            s.stopping = true
            return s.running
        }
        spool.changes.broadcast()
        guard running else { return }
        var g = generation
        while state.withLock({ $0.running }) {
            finished.wait(since: g, timeout: 0.2)
            g = finished.generation
        }
    }

    /// Waits until no batch is pending.
    ///
    /// - Throws: ``SpoolError`` after `timeout` seconds, saying how much is left and why.
    public func flush(timeout: Double) throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            let generation = spool.changes.generation
            let totals = try spool.store.spoolTotals()
            if totals.batches == 0 { return }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 {
                let (lastError, running) = state.withLock { ($0.lastError, $0.running) }
                throw SpoolError.notDrained(
                    path: spool.path, batches: totals.batches, bytes: totals.bytes,
                    lastError: lastError ?? (running ? nil : "the drainer is not running"))
            }
            spool.changes.wait(since: generation, timeout: min(left, 0.2))
        }
    }

    /// The backlog and how sending goes.
    public func status() -> SpoolStatus {
        var status = (try? spool.backlog()) ?? SpoolStatus(maxBytes: spool.maxBytes)
        state.withLock { s in
            status.connected = s.connected
            status.lastError = s.lastError
            status.sentBatches = s.sentBatches
            status.sentRows = s.sentRows
            status.failedAttempts = s.failedAttempts
        }
        return status
    }

    /// The backoffs waited so far (tests).
    var delays: [Double] { state.withLock { $0.delays } }

    // MARK: The thread

    private var stopping: Bool { state.withLock { $0.stopping } }

    private func run() {
        while !stopping {
            let generation = spool.changes.generation
            let outcome: Outcome
            do {
                outcome = try attempt()
            } catch {
                outcome = .failed(error)
            }
            switch outcome {
            case .crashed:
                return
            case .idle:
                spool.changes.wait(since: generation, timeout: 0.2)
            case .sent(let batches, let rows):
                state.withLock { s in
                    s.connected = true
                    s.consecutiveFailures = 0
                    s.sentBatches += batches
                    s.sentRows += rows
                }
            case .failed(let error):
                let delay = state.withLock { s -> Double in
                    s.connected = false
                    s.lastError = String(describing: error)
                    s.failedAttempts += 1
                    s.consecutiveFailures += 1
                    let d = backoff.delay(after: s.consecutiveFailures)
                    s.delays.append(d)
                    return d
                }
                sleep(delay)
            }
        }
    }

    /// Sleeps `seconds`, waking early to stop.
    private func sleep(_ seconds: Double) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while !stopping {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return }
            let g = spool.changes.generation
            if stopping { return }
            // Commits also wake this wait; it simply goes on waiting until the deadline.
            spool.changes.wait(since: g, timeout: min(left, 0.2))
        }
    }

    private enum Outcome {
        case idle, crashed
        case sent(batches: Int, rows: Int)
        case failed(any Error)
    }

    /// One send: the recorded flight, or a new one.
    private func attempt() throws -> Outcome {
        let store = spool.store
        let rows: [SpooledBatch]
        if let recorded = try store.spoolFlight() {
            rows = try store.spoolBatches(first: recorded.first, last: recorded.last)
            if rows.isEmpty {
                // Its batches were deleted (a reset): nothing left to send.
                try store.clearSpoolFlight()
                return .idle
            }
            guard rows.first?.seq == recorded.first, rows.last?.seq == recorded.last else {
                throw StoreError.corrupt(
                    path: spool.path,
                    detail: "the flight \(recorded.first)...\(recorded.last) has lost batches (found "
                        + "\(rows.first!.seq)...\(rows.last!.seq))")
            }
        } else {
            rows = try store.spoolPending(maxBytes: Int64(maxFlightBytes))
            guard let first = rows.first, let last = rows.last else { return .idle }
            try store.recordSpoolFlight(first: first.seq, last: last.seq)
        }
        let flight = try makeFlight(rows)
        if failpoint?(.beforeSend) == true { return .crashed }
        try sink.send(flight)
        if failpoint?(.afterSend) == true { return .crashed }
        try store.finishSpoolFlight(first: flight.first, last: flight.last)
        spool.changes.broadcast()
        return .sent(batches: rows.count, rows: flight.rows)
    }

    /// Decodes and merges `rows` (the same rows always give the same flight).
    private func makeFlight(_ rows: [SpooledBatch]) throws -> Flight {
        var batches: [IngestBatch] = []
        batches.reserveCapacity(rows.count)
        for row in rows {
            do {
                batches.append(try BatchCodec.decode(row.data))
            } catch {
                throw StoreError.corrupt(path: spool.path, detail: "spooled batch \(row.seq): \(error)")
            }
        }
        return Flight(
            writer: spool.writerID, first: rows.first!.seq, last: rows.last!.seq, batch: Flight.merge(batches),
            committedAt: rows.map(\.committedAt).max()!)
    }
}

/// A spool that could not be emptied in time.
public enum SpoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `batches` batches of `bytes` bytes are still pending after a flush timed out.
    case notDrained(path: String, batches: Int, bytes: Int64, lastError: String?)

    public var description: String {
        switch self {
        case .notDrained(let path, let batches, let bytes, let lastError):
            let mb = String(format: "%.1f", Double(bytes) / 1_048_576)
            return "\(batches) \(batches == 1 ? "batch" : "batches") (\(mb) MB) still in the spool at \(path); "
                + "last error: \(lastError ?? "none")"
        }
    }
}
