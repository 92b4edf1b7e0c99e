#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The time source of `AlertDispatcher`: wall-clock milliseconds and sleeping. Injected so tests
/// can drive resends and retry backoff without waiting.
public protocol DispatchClock: Sendable {
    /// Now, in ms since the epoch.
    func now() -> Int64
    /// Suspends for `ms` milliseconds of this clock; throws `CancellationError` when cancelled.
    func sleep(_ ms: Int64) async throws
}

/// The real clock: `CLOCK_REALTIME` and `Task.sleep`.
public struct SystemDispatchClock: DispatchClock {
    public init() {}

    public func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    public func sleep(_ ms: Int64) async throws {
        try await Task.sleep(for: .milliseconds(max(ms, 0)))
    }
}

/// A clock that moves only when told (`advance(by:)`), for tests. Sleepers wake when the clock
/// reaches their deadline; `waitForSleepers(_:)` waits until tasks have gone to sleep.
public final class ManualDispatchClock: DispatchClock {
    private struct Sleeper {
        var id: UInt64
        var deadline: Int64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Int64
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        /// Ids cancelled before their continuation was stored.
        var cancelled: Set<UInt64> = []
    }

    private let state: Mutex<State>

    /// A clock reading `start` ms.
    public init(start: Int64) {
        state = Mutex(State(now: start))
    }

    public func now() -> Int64 { state.withLock { $0.now } }

    /// The deadlines of the tasks asleep now, sorted.
    public var sleeperDeadlines: [Int64] { state.withLock { $0.sleepers.map(\.deadline).sorted() } }

    public func sleep(_ ms: Int64) async throws {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let resume: Result<Void, any Error>? = state.withLock { s in
                    if s.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if ms <= 0 { return .success(()) }
                    s.sleepers.append(Sleeper(id: id, deadline: s.now + ms, continuation: c))
                    return nil
                }
                if let resume { c.resume(with: resume) }
            }
        } onCancel: {
            let c = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                if let i = s.sleepers.firstIndex(where: { $0.id == id }) { return s.sleepers.remove(at: i).continuation }
                s.cancelled.insert(id)
                return nil
            }
            c?.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward by `ms` and wakes every sleeper whose deadline has come.
    public func advance(by ms: Int64) {
        let due = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            s.now += ms
            let now = s.now
            let due = s.sleepers.filter { $0.deadline <= now }.map(\.continuation)
            s.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for c in due { c.resume() }
    }

    /// Waits (in real time, up to `timeoutMs`) until at least `count` tasks sleep on this clock;
    /// returns whether they do.
    @discardableResult
    public func waitForSleepers(_ count: Int, timeoutMs: Int = 5000) async -> Bool {
        for _ in 0..<max(timeoutMs, 1) {
            if state.withLock({ $0.sleepers.count }) >= count { return true }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return state.withLock { $0.sleepers.count } >= count
    }
}
