import FathomCore
import Foundation
import Synchronization

/// Commits batches on a serial queue while the caller parses the next one: the second core
/// compresses lines and writes SQLite while the first parses. `submit` waits while a commit is
/// still running, so at most two batches are in memory (one committing, one being parsed). The
/// first failure is rethrown by the next `submit` or `drain`, and nothing after it is committed.
public final class Committer: Sendable {
    private let queue = DispatchQueue(label: "fathom.commit")
    private let slot = DispatchSemaphore(value: 1)
    private let failure = Mutex<(any Error)?>(nil)
    private let clock: @Sendable () -> Int64

    /// - Parameter clock: milliseconds since the epoch, stamped on quarantine rows and checkpoints.
    public init(clock: @escaping @Sendable () -> Int64) {
        self.clock = clock
    }

    /// Commits `batch` after the commit before it; `done` runs on the commit queue afterwards
    /// with the error, if any.
    public func submit(_ batch: IngestBatch, to store: any Store,
                       done: (@Sendable ((any Error)?) -> Void)? = nil) throws {
        slot.wait()
        if let f = failure.withLock({ $0 }) {
            slot.signal()
            throw f
        }
        queue.async {
            defer { self.slot.signal() }
            do {
                try store.commit(batch, now: self.clock())
                done?(nil)
            } catch {
                self.failure.withLock { $0 = $0 ?? error }
                done?(error)
            }
        }
    }

    /// Waits for every submitted commit; rethrows the first failure.
    public func drain() throws {
        queue.sync {}
        if let f = failure.withLock({ $0 }) { throw f }
    }

    /// The first commit failure, if any.
    public var failed: (any Error)? { failure.withLock { $0 } }
}
