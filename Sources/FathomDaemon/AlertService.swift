import FathomAlerts
import FathomCore
import FathomStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Evaluates alert rules as the data's event time advances, keeps their state in the store and
/// hands what fires and resolves to the notifiers.
///
/// The evaluation clock is the data, not the wall: a tick `t` of a group is evaluated once the
/// newest committed invocation ends at `t + alertDelay` or later, so that replaying yesterday's
/// logs gives the same timeline as living through them (and as `fathom alerts eval`). When the
/// daemon has read everything there is (caught up), time passing without data is real: ticks up
/// to `now − alertDelay` are evaluated too, so `no_data` rules and resolutions happen on time.
/// After a gap of more than an hour between the last tick and the wall clock (the daemon was
/// down, or it just finished replaying old logs), the ticks of the gap are skipped rather than
/// replayed one by one.
final class AlertService: Service, Sendable {
    let rules: Mutex<RuleSet>
    let store: any Store
    let loop: TailLoop
    let dispatcher: AlertDispatcher?
    let clock: @Sendable () -> Int64
    let delay: Int64
    let generatorURL: String
    let logger: Logger
    /// What `GET /api/v1/alerts` and `/metrics` read: the instances after the last evaluation.
    let current = Mutex<[AlertSnapshot]>([])
    let counters = Mutex<(evaluations: Int, failures: Int, skippedTicks: Int)>((0, 0, 0))
    /// The instances' state machines; only `step` touches them, on `queue`.
    let evaluator: Mutex<AlertEvaluator>
    /// Evaluation reads SQLite synchronously: it runs here, off the cooperative thread pool.
    let queue = DispatchQueue(label: "fathom.alerts")

    /// The longest gap replayed tick by tick when the wall clock drives evaluation.
    static let maxCatchUp: Int64 = 3_600_000

    init(
        rules: RuleSet, store: any Store, loop: TailLoop, dispatcher: AlertDispatcher?, delay: Int64,
        generatorURL: String, clock: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.rules = Mutex(rules)
        self.store = store
        self.loop = loop
        self.dispatcher = dispatcher
        self.delay = delay
        self.generatorURL = generatorURL
        self.clock = clock
        self.logger = logger
        self.evaluator = Mutex(AlertEvaluator(generatorURL: generatorURL))
    }

    /// Swaps in re-read rules (SIGHUP); instances of rules that still exist keep their state.
    func reload(_ next: RuleSet) { rules.withLock { $0 = next } }

    func run() async throws {
        let saved = try store.alertSnapshots()
        let through = try store.alertsEvaluatedThrough()
        evaluator.withLock { $0.restore(saved, through: through) }
        current.withLock { $0 = saved }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await withCheckedContinuation { (k: CheckedContinuation<Void, Never>) in
                queue.async {
                    self.evaluator.withLock { self.step(&$0) }
                    k.resume()
                }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// `fathom_alerts{state}`, evaluation counters, as Prometheus families.
    func render(into w: inout PrometheusWriter) {
        let snapshots = current.withLock { $0 }
        let c = counters.withLock { $0 }
        w.family("fathom_alerts", type: .gauge, help: "Alert instances by state after the last evaluation.")
        for state in [AlertState.pending, .firing] {
            w.sample("fathom_alerts", labels: [("state", state.rawValue)], value: Double(snapshots.filter { $0.state == state }.count))
        }
        w.family("fathom_alert_evaluations_total", type: .counter, help: "Rule group evaluations (ticks).")
        w.sample("fathom_alert_evaluations_total", value: Double(c.evaluations))
        w.family("fathom_alert_evaluation_failures_total", type: .counter, help: "Rules that could not be evaluated, and failed saves.")
        w.sample("fathom_alert_evaluation_failures_total", value: Double(c.failures))
        w.family("fathom_alert_skipped_ticks_total", type: .counter, help: "Ticks skipped after a gap of more than an hour without data.")
        w.sample("fathom_alert_skipped_ticks_total", value: Double(c.skippedTicks))
    }

    /// One round: evaluate every due tick, save, notify.
    func step(_ evaluator: inout AlertEvaluator) {
        let (watermark, caughtUp) = loop.status.withLock { ($0.eventWatermark, $0.caughtUp) }
        let now = clock()
        var horizon = watermark.map { $0 - delay }
        if caughtUp {
            let wall = now - delay
            if let h = horizon, h < wall {
                let last = evaluator.lastTick.values.max()
                if let last, wall - last > Self.maxCatchUp {
                    let skipped = (wall - Self.maxCatchUp - last) / 60_000
                    counters.withLock { $0.skippedTicks += Int(max(0, skipped)) }
                    evaluator.restore(evaluator.snapshots, through: wall - Self.maxCatchUp)
                }
            }
            horizon = max(horizon ?? wall, wall)
        }
        guard let horizon else { return }
        let ruleSet = rules.withLock { $0 }
        let evaluations = evaluator.advance(ruleSet, to: horizon, reader: store)
        guard !evaluations.isEmpty else { return }
        var transitions: [AlertTransition] = []
        var resolved: [AlertNotification] = []
        var failures = 0
        for e in evaluations {
            transitions += e.transitions
            resolved += e.notifications.filter { $0.status == .resolved }
            for error in e.errors {
                failures += 1
                logger.warning("alert rule not evaluated", metadata: ["group": "\(e.group)", "error": "\(error)"])
            }
            for t in e.transitions {
                logger.debug("alert \(t.rule) \(t.from.rawValue) → \(t.to.rawValue)", metadata: ["at": "\(TimeSpec.format(t.time))"])
            }
        }
        let snapshots = evaluator.snapshots
        do {
            try store.saveAlerts(snapshots: snapshots, transitions: transitions)
        } catch {
            failures += 1
            logger.error("cannot save alert state", metadata: ["error": "\(error)"])
        }
        current.withLock { $0 = snapshots }
        counters.withLock {
            $0.evaluations += evaluations.count
            $0.failures += failures
        }
        let firing = snapshots.filter { $0.state == .firing }.map { $0.firingNotification(generatorURL: generatorURL) }
        dispatcher?.submit(firing: firing, resolved: resolved)
    }
}
