import FathomCore
import Foundation
import Testing
@testable import FathomAlerts

/// The dispatcher with fake notifiers and a manual clock: cadence, retries, bounds, isolation.
@Suite struct AlertDispatcherTests {
    /// Settings with no jitter and a tick that never comes unless a test wants it.
    func settings(tick: Int64 = 1_000_000_000) -> NotifierSettings {
        var s = NotifierSettings()
        s.retryJitter = 0
        s.tick = tick
        s.shutdownDeadline = 200
        return s
    }

    /// Waits until every queue is empty and the tick (when `ticking`) sleeps again.
    func settle(_ d: AlertDispatcher, _ clock: ManualDispatchClock, ticking: Bool = true) async {
        if ticking { await clock.waitForSleepers(1) }
        await eventually { d.stats().allSatisfy { $0.pending == 0 } }
    }

    @Test func backoffDoublesUpToTheMaximum() {
        let d = AlertDispatcher(notifiers: [], settings: settings(), clock: ManualDispatchClock(start: t0), logger: quietLogger)
        #expect((0..<9).map { d.backoff(attempt: $0) } == [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000])
        var jittered = settings()
        jittered.retryJitter = 0.5
        let j = AlertDispatcher(notifiers: [], settings: jittered, clock: ManualDispatchClock(start: t0), logger: quietLogger)
        for _ in 0..<50 { #expect((1001...2000).contains(j.backoff(attempt: 1))) }
    }

    @Test func retriesWithExponentialBackoff() async throws {
        let clock = ManualDispatchClock(start: t0)
        let fake = FakeNotifier(failures: 3)
        let d = AlertDispatcher(notifiers: [fake], settings: settings(), clock: clock, logger: quietLogger)
        try await running(d) {
            d.submit(firing: [firingAlert()], resolved: [])
            // After each failure the delivery task sleeps 1 s, 2 s, 4 s (plus the idle tick's sleep).
            for (n, delay) in [(1, Int64(1000)), (2, 2000), (3, 4000)] {
                #expect(await eventually { fake.attempts.count == n })
                #expect(await clock.waitForSleepers(2))
                let due = clock.now() + delay
                #expect(clock.sleeperDeadlines.contains(due), "\(clock.sleeperDeadlines) lacks \(due)")
                clock.advance(by: delay - 1)
                try await Task.sleep(for: .milliseconds(20))
                #expect(fake.attempts.count == n, "retried before the backoff elapsed")
                clock.advance(by: 1)
            }
            #expect(await eventually { fake.delivered.count == 1 })
        }
        #expect(fake.attempts.map(\.now) == [t0, t0 + 1000, t0 + 3000, t0 + 7000])
        let s = try #require(d.stats().first)
        #expect(s.sent == 1 && s.failed == 3 && s.retried == 3 && s.dropped == 0 && s.pending == 0)
        #expect(s.lastError == nil && s.lastSuccess == t0 + 7000)
    }

    @Test func submitNeverBlocksAndTheQueueDropsTheOldest() async throws {
        let clock = ManualDispatchClock(start: t0)
        let stuck = FakeNotifier("stuck", hangs: true)
        var s = settings()
        s.queueCapacity = 10
        let d = AlertDispatcher(notifiers: [stuck], settings: s, clock: clock, logger: quietLogger)
        try await running(d) {
            d.submit(firing: [firingAlert(function: "f0")], resolved: [])
            #expect(await eventually { stuck.attempts.count == 1 })
            let started = ContinuousClock.now
            for i in 1..<100 { d.submit(firing: [firingAlert(function: "f\(i)")], resolved: []) }
            let elapsed = ContinuousClock.now - started
            // Generous: a loaded 2-core machine can pause any thread; a blocking submit would take forever.
            #expect(elapsed < .seconds(5), "100 submissions took \(elapsed)")
            let stats = try #require(d.stats().first)
            #expect(stats.dropped == 90 && stats.pending == 10 && stats.sent == 0)
            #expect(d.lanes[0].queued().map { $0.alerts[0].label("function") } == (90..<100).map { "f\($0)" })
        }
    }

    @Test func aFailingNotifierDoesNotDelayAnother() async throws {
        let clock = ManualDispatchClock(start: t0)
        let down = FakeNotifier("down", failures: .max)
        let stuck = FakeNotifier("stuck", hangs: true)
        let up = FakeNotifier("up")
        let d = AlertDispatcher(notifiers: [down, stuck, up], settings: settings(), clock: clock, logger: quietLogger)
        try await running(d) {
            d.submit(firing: [firingAlert()], resolved: [])
            #expect(await eventually { up.delivered.count == 1 })
            #expect(await eventually { down.attempts.count == 1 && stuck.attempts.count == 1 })
            d.submit(firing: [firingAlert()], resolved: [resolvedAlert(firingAlert(function: "x"), at: t0)])
            #expect(await eventually { up.delivered.count == 2 })
        }
        let stats = d.stats()
        #expect(stats.map(\.name) == ["down", "stuck", "up"])
        #expect(stats[2].sent == 2 && stats[2].failed == 0)
        #expect(stats[0].sent == 0 && stats[0].failed >= 1 && stats[0].lastError == "down: down")
        #expect(stats[1].sent == 0 && stats[1].pending == 2)
    }

    @Test func resendAndRepeatCadence() async throws {
        let clock = ManualDispatchClock(start: t0)
        let am = FakeNotifier("am", mode: .resend)
        let hook = FakeNotifier("hook", mode: .changes)
        var s = settings(tick: 1000)
        s.resendInterval = 60_000
        s.repeatInterval = 90_000
        let d = AlertDispatcher(notifiers: [am, hook], settings: s, clock: clock, logger: quietLogger)
        let a = firingAlert()
        let b = firingAlert(function: "payments", since: t0 + 30_000)
        try await running(d) {
            d.submit(firing: [a], resolved: [])
            await settle(d, clock)
            for second in 1...180 {
                clock.advance(by: 1000)
                // Evaluations every 15 s; `b` starts firing at 30 s.
                if second % 15 == 0 { d.submit(firing: second >= 30 ? [a, b] : [a], resolved: []) }
                await settle(d, clock)
            }
        }
        func timeline(_ f: FakeNotifier) -> [String] {
            f.delivered.map { "\(($0.now - t0) / 1000):" + $0.alerts.map { $0.label("function")! }.joined(separator: ",") }
        }
        // Alertmanager: each firing alert again every 60 s.
        #expect(timeline(am) == ["0:checkout", "30:payments", "60:checkout", "90:payments", "120:checkout",
                                 "150:payments", "180:checkout"])
        // Webhook: new alerts at once, reminders every 90 s.
        #expect(timeline(hook) == ["0:checkout", "30:payments", "90:checkout", "120:payments", "180:checkout"])
    }

    @Test func resolvedIsSentOnceAndAtOnce() async throws {
        let clock = ManualDispatchClock(start: t0)
        let am = FakeNotifier("am", mode: .resend)
        let hook = FakeNotifier("hook", mode: .changes)
        var s = settings(tick: 1000)
        s.resendInterval = 60_000
        let d = AlertDispatcher(notifiers: [am, hook], settings: s, clock: clock, logger: quietLogger)
        let a = firingAlert()
        try await running(d) {
            d.submit(firing: [a], resolved: [])
            await settle(d, clock)
            clock.advance(by: 10_000)
            d.submit(firing: [], resolved: [resolvedAlert(a, at: t0 + 10_000)])
            await settle(d, clock)
            for _ in 0..<200 {
                clock.advance(by: 1000)
                d.submit(firing: [], resolved: [])
                await settle(d, clock)
            }
            // Firing again after the resolution is new: sent at once.
            d.submit(firing: [a], resolved: [])
            await settle(d, clock)
        }
        for f in [am, hook] {
            #expect(f.delivered.map(\.now) == [t0, t0 + 10_000, t0 + 210_000], "\(f.name)")
            #expect(f.delivered.map { $0.alerts.map(\.status) } == [[.firing], [.resolved], [.firing]], "\(f.name)")
            #expect(f.delivered[1].alerts.first?.endsAt == t0 + 10_000)
        }
        #expect(d.stats().allSatisfy { $0.sent == 3 && $0.pending == 0 })
    }

    @Test func shutdownTriesOnceMoreToDeliver() async throws {
        let clock = ManualDispatchClock(start: t0)
        let flaky = FakeNotifier("flaky", failures: 1)
        let d = AlertDispatcher(notifiers: [flaky], settings: settings(), clock: clock, logger: quietLogger)
        try await running(d) {
            d.submit(firing: [firingAlert()], resolved: [])
            #expect(await eventually { flaky.attempts.count == 1 })
            // The retry waits 1 s on the manual clock, which never moves: shutdown comes first.
        }
        #expect(flaky.attempts.map(\.succeeded) == [false, true])
        let s = try #require(d.stats().first)
        #expect(s.sent == 1 && s.pending == 0 && s.failed == 1)
    }

    @Test func shutdownGivesUpAtTheDeadline() async throws {
        let stuck = FakeNotifier("stuck", hangs: true)
        var s = settings()
        s.shutdownDeadline = 100
        let d = AlertDispatcher(notifiers: [stuck], settings: s, clock: ManualDispatchClock(start: t0), logger: quietLogger)
        var stopping = ContinuousClock.now
        try await running(d) {
            d.submit(firing: [firingAlert()], resolved: [])
            #expect(await eventually { stuck.attempts.count == 1 })
            stopping = ContinuousClock.now
        }
        // The notifier never returns: without the deadline the shutdown would never end. The bound
        // is loose because other tests may hold this 2-core machine's threads for a while.
        #expect(ContinuousClock.now - stopping < .seconds(120), "gave up at the deadline rather than waiting on the stuck notifier")
        #expect(stuck.attempts.count == 2)
        #expect(d.stats().first?.pending == 1)
    }
}
