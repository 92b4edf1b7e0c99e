import FathomCore
import Logging
import ServiceLifecycle
import Synchronization

/// Delivers alert notifications to every notifier without ever blocking the caller.
///
/// The rule evaluator calls `submit(firing:resolved:)` after each evaluation; it only records the
/// state and queues, per notifier, the batch that notifier should get:
/// - `.resend` notifiers (Alertmanager): every firing alert not sent within `resendInterval`
///   (so a new one at once, the others again each interval) and every resolved alert at once;
/// - `.changes` notifiers (log, file, webhook): a newly firing alert, a resolved one, and a firing
///   alert again when `repeatInterval` has passed since it was last sent.
/// Between submissions, a tick every `settings.tick` queues the resends and repeats that fall due.
///
/// Each notifier has a bounded queue (`queueCapacity` batches; when full the oldest batch is
/// dropped and counted) and its own delivery task, which sends batches in order and retries a
/// failed one with exponential backoff (`retryInitial`, doubling up to `retryMax`, less a random
/// `retryJitter`), so a notifier that is down delays nobody else. Counters: `stats()`.
///
/// A ServiceLifecycle `Service`: `run()` delivers until graceful shutdown (or cancellation), then
/// tries once more to deliver what is queued, within `shutdownDeadline`.
public final class AlertDispatcher: Service, Sendable {
    let lanes: [Lane]
    let settings: NotifierSettings
    let clock: any DispatchClock
    let logger: Logger
    /// The firing alerts of the last submission (the tick resends them).
    private let firing = Mutex<[AlertNotification]>([])

    /// - Parameters:
    ///   - notifiers: where notifications go (`makeNotifiers`).
    ///   - settings: intervals, retries, queue size and deadlines.
    ///   - clock: the time source (tests inject `ManualDispatchClock`).
    ///   - logger: for failed deliveries.
    public init(
        notifiers: [any Notifier], settings: NotifierSettings = NotifierSettings(),
        clock: any DispatchClock = SystemDispatchClock(), logger: Logger
    ) {
        self.lanes = notifiers.map { Lane(notifier: $0) }
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    /// Records one evaluation's outcome and queues what each notifier needs; returns at once.
    ///
    /// - Parameters:
    ///   - firing: every alert firing now (not only the new ones).
    ///   - resolved: the alerts resolved by this evaluation.
    public func submit(firing: [AlertNotification], resolved: [AlertNotification]) {
        self.firing.withLock { $0 = firing }
        plan(firing: firing, resolved: resolved, now: clock.now())
    }

    /// Per notifier, its counters, in the notifiers' order.
    public func stats() -> [NotifierStats] { lanes.map { $0.stats() } }

    /// The number of alerts firing at the last submission.
    public var firingCount: Int { firing.withLock { $0.count } }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for lane in lanes { group.addTask { await self.deliver(lane) } }
            group.addTask { await self.tickLoop() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        if !Task.isCancelled { await flush() }
    }

    // MARK: Planning

    /// Queues, per notifier, what is due at `now`.
    func plan(firing: [AlertNotification], resolved: [AlertNotification], now: Int64) {
        for lane in lanes {
            let interval = lane.notifier.mode == .resend ? settings.resendInterval : settings.repeatInterval
            if lane.plan(firing: firing, resolved: resolved, now: now, interval: interval,
                         capacity: max(settings.queueCapacity, 1)) {
                lane.wake()
            }
        }
    }

    /// Every `settings.tick`, queues the resends and repeats that fell due.
    func tickLoop() async {
        while !Task.isCancelled {
            do { try await clock.sleep(max(settings.tick, 1)) } catch { return }
            plan(firing: firing.withLock { $0 }, resolved: [], now: clock.now())
        }
    }

    // MARK: Delivery

    /// The retry delay after `attempt` failures (0-based): `retryInitial × 2^attempt`, at most
    /// `retryMax`, shortened by up to `retryJitter` of itself.
    func backoff(attempt: Int) -> Int64 {
        let base = max(settings.retryInitial, 1)
        var delay = base
        for _ in 0..<min(attempt, 40) where delay < settings.retryMax { delay *= 2 }
        delay = min(delay, max(settings.retryMax, base))
        if settings.retryJitter > 0 {
            delay -= Int64(Double(delay) * Double.random(in: 0..<min(settings.retryJitter, 1)))
        }
        return delay
    }

    /// Sends the lane's batches in order, retrying a failed one with backoff, until cancelled.
    func deliver(_ lane: Lane) async {
        var wakes = lane.wakes.makeAsyncIterator()
        var attempt = 0
        while !Task.isCancelled {
            guard let batch = lane.head() else {
                if await wakes.next() == nil { return }
                continue
            }
            do {
                try await lane.notifier.send(batch.alerts, now: clock.now())
                lane.delivered(batch, now: clock.now())
                attempt = 0
            } catch {
                if Task.isCancelled { return }
                let delay = backoff(attempt: attempt)
                attempt += 1
                lane.failed(error, retry: true)
                logger.warning(
                    "alert delivery failed; retrying",
                    metadata: ["notifier": "\(lane.notifier.name)", "error": "\(error)",
                               "attempt": "\(attempt)", "retryInMs": "\(delay)"])
                do { try await clock.sleep(delay) } catch { return }
            }
        }
    }

    /// One last attempt per queued batch, all notifiers at once, within `shutdownDeadline` (real time).
    func flush() async {
        let pending = lanes.filter { $0.head() != nil }
        guard !pending.isEmpty else { return }
        let deadline = max(settings.shutdownDeadline, 1)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskGroup(of: Void.self) { inner in
                    for lane in pending { inner.addTask { await self.flush(lane) } }
                }
            }
            group.addTask { try? await Task.sleep(for: .milliseconds(deadline)) }
            _ = await group.next()
            group.cancelAll()
        }
        for lane in lanes where lane.stats().pending > 0 {
            logger.warning(
                "alert notifications left undelivered at shutdown",
                metadata: ["notifier": "\(lane.notifier.name)", "alerts": "\(lane.stats().pending)"])
        }
    }

    private func flush(_ lane: Lane) async {
        for batch in lane.queued() {
            if Task.isCancelled { return }
            do {
                try await lane.notifier.send(batch.alerts, now: clock.now())
                lane.delivered(batch, now: clock.now())
            } catch {
                lane.failed(error, retry: false)
            }
        }
    }
}

/// One notifier's queue, resend bookkeeping and counters.
final class Lane: Sendable {
    struct Batch: Sendable {
        var id: UInt64
        var alerts: [AlertNotification]
    }

    private struct State {
        var queue: [Batch] = []
        var nextID: UInt64 = 0
        /// Per firing alert (fingerprint), when it was last queued.
        var lastSent: [String: Int64] = [:]
        var stats: NotifierStats
    }

    let notifier: any Notifier
    let wakes: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    private let state: Mutex<State>

    init(notifier: any Notifier) {
        self.notifier = notifier
        (wakes, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        state = Mutex(State(stats: NotifierStats(name: notifier.name)))
    }

    /// Queues the batch due at `now`; whether one was queued.
    func plan(firing: [AlertNotification], resolved: [AlertNotification], now: Int64, interval: Int64,
              capacity: Int) -> Bool {
        state.withLock { s in
            var batch: [AlertNotification] = []
            for alert in resolved {
                batch.append(alert)
                s.lastSent[alert.fingerprint] = nil
            }
            var current = Set<String>()
            for alert in firing {
                let fp = alert.fingerprint
                current.insert(fp)
                if let last = s.lastSent[fp], now - last < interval { continue }
                batch.append(alert)
                s.lastSent[fp] = now
            }
            s.lastSent = s.lastSent.filter { current.contains($0.key) }
            guard !batch.isEmpty else { return false }
            while s.queue.count >= capacity {
                let dropped = s.queue.removeFirst()
                s.stats.dropped += dropped.alerts.count
                s.stats.pending -= dropped.alerts.count
            }
            s.nextID += 1
            s.queue.append(Batch(id: s.nextID, alerts: batch))
            s.stats.pending += batch.count
            return true
        }
    }

    func wake() { wakeContinuation.yield(()) }

    func head() -> Batch? { state.withLock { $0.queue.first } }

    func queued() -> [Batch] { state.withLock { $0.queue } }

    /// Removes a delivered batch (unless it was dropped meanwhile) and counts it.
    func delivered(_ batch: Batch, now: Int64) {
        state.withLock { s in
            s.stats.sent += batch.alerts.count
            s.stats.lastError = nil
            s.stats.lastSuccess = now
            if let i = s.queue.firstIndex(where: { $0.id == batch.id }) {
                s.queue.remove(at: i)
                s.stats.pending -= batch.alerts.count
            }
        }
    }

    func failed(_ error: any Error, retry: Bool) {
        state.withLock { s in
            s.stats.failed += 1
            if retry { s.stats.retried += 1 }
            s.stats.lastError = "\(error)"
        }
    }

    func stats() -> NotifierStats { state.withLock { $0.stats } }
}
