import Testing

@testable import FathomCore

@Suite struct AlertStateMachineTests {
    typealias F = AlertFixture

    @Test func forKeepsAnInstancePendingThenFiresThenResolves() throws {
        let group = AlertRuleGroup(name: "g", rules: [try F.rule(forDuration: 2 * F.minute)])
        let (t, evaluations) = F.run(group, F.reader(["1": [1, 6, 6, 6, 1, 1]]), minutes: 6)
        #expect(F.describe(t) == ["1: inactive->pending", "3: pending->firing", "4: firing->inactive"])
        // While firing, every tick notifies; the resolving tick sends one resolved notification.
        #expect(evaluations[3].notifications.map(\.status) == [.firing])
        #expect(evaluations[3].notifications[0].startsAt == F.tick(3))
        let resolved = evaluations[4].notifications
        #expect(resolved.map(\.status) == [.resolved])
        #expect(resolved[0].startsAt == F.tick(3) && resolved[0].endsAt == F.tick(4))
        #expect(resolved[0].labels == [Tag("alertname", "High")])
        #expect(evaluations[5].notifications.isEmpty)
        // Pending for 1 minute only, and then the condition fails: back to inactive, no firing.
        let (short, _) = F.run(group, F.reader(["1": [6, 6, 1]]), minutes: 3)
        #expect(F.describe(short) == ["0: inactive->pending", "2: pending->inactive"])
    }

    @Test func forZeroFiresAtOnce() throws {
        let group = AlertRuleGroup(name: "g", rules: [try F.rule()])
        let (t, evaluations) = F.run(group, F.reader(["1": [6, 7, 2]]), minutes: 3)
        #expect(F.describe(t) == ["0: inactive->firing", "2: firing->inactive"])
        let s = evaluations[1].snapshots[0]
        #expect(s.state == .firing && s.activeSince == F.tick(0) && s.firingSince == F.tick(0) && s.value == 7)
    }

    @Test func belowConditions() throws {
        let group = AlertRuleGroup(name: "g", rules: [try F.rule(above: nil, below: 10, clear: 12)])
        let (t, _) = F.run(group, F.reader(["1": [20, 9, 11, 13]]), minutes: 4)
        #expect(F.describe(t) == ["1: inactive->firing", "3: firing->inactive"])
    }

    @Test func keepFiringForHoldsAfterTheConditionClears() throws {
        let group = AlertRuleGroup(name: "g", rules: [try F.rule(keep: 2 * F.minute)])
        let (t, evaluations) = F.run(group, F.reader(["1": [6, 1, 1, 1, 1]]), minutes: 5)
        #expect(F.describe(t) == ["0: inactive->firing", "3: firing->inactive"])
        #expect(evaluations[1].snapshots[0].keepFiringSince == F.tick(1))
        // The condition coming back resets the keep-firing clock.
        let (again, _) = F.run(group, F.reader(["1": [6, 1, 6, 1, 1, 1]]), minutes: 6)
        #expect(F.describe(again) == ["0: inactive->firing", "5: firing->inactive"])
    }

    @Test func hysteresisStopsFlapping() throws {
        let values: [Double?] = [6, 4, 5.5, 4, 2, 4]
        let plain = AlertRuleGroup(name: "g", rules: [try F.rule()])
        #expect(F.describe(F.run(plain, F.reader(["1": values]), minutes: 6).transitions) == [
            "0: inactive->firing", "1: firing->inactive", "2: inactive->firing", "3: firing->inactive",
        ])
        let damped = AlertRuleGroup(name: "g", rules: [try F.rule(clear: 3)])
        // Active until the value is at most 3; once inactive, 4 is not enough to start again.
        #expect(F.describe(F.run(damped, F.reader(["1": values]), minutes: 6).transitions) == [
            "0: inactive->firing", "4: firing->inactive",
        ])
    }

    @Test func noDataPolicies() throws {
        let values: [Double?] = [6, nil, nil, 1]
        func run(_ policy: AlertRule.NoData) throws -> [String] {
            let group = AlertRuleGroup(name: "g", rules: [try F.rule(noData: policy)])
            return F.describe(F.run(group, F.reader(["1": values]), minutes: 4).transitions)
        }
        #expect(try run(.ok) == ["0: inactive->firing", "1: firing->inactive"])
        #expect(try run(.alerting) == ["0: inactive->firing", "3: firing->inactive"])
        #expect(try run(.keepState) == ["0: inactive->firing", "3: firing->inactive"])
        // No data from the start: alerting fires, ok and keep_state stay silent.
        let empty = F.reader(["1": [nil, nil, 1]])
        let alerting = AlertRuleGroup(name: "g", rules: [try F.rule(noData: .alerting)])
        #expect(F.describe(F.run(alerting, empty, minutes: 3).transitions) == ["0: inactive->firing", "2: firing->inactive"])
        let keep = AlertRuleGroup(name: "g", rules: [try F.rule(noData: .keepState)])
        let (t, evaluations) = F.run(keep, empty, minutes: 2)
        #expect(t.isEmpty)
        #expect(evaluations[1].snapshots.isEmpty)
    }

    @Test func keepStateHoldsAPendingInstance() throws {
        let group = AlertRuleGroup(name: "g", rules: [try F.rule(forDuration: 2 * F.minute, noData: .keepState)])
        let (t, evaluations) = F.run(group, F.reader(["1": [6, nil, nil, 6]]), minutes: 4)
        // No data neither advances nor resets it; the next value does (3 minutes after it began).
        #expect(F.describe(t) == ["0: inactive->pending", "3: pending->firing"])
        #expect(evaluations[2].snapshots[0].value == nil && evaluations[2].snapshots[0].state == .pending)
    }

    @Test func perSeriesInstances() throws {
        let rule = try F.rule(
            query: "max:m{*} by {version}", labels: [Tag("severity", "page")],
            annotations: [("summary", try AlertTemplate("version {{ $labels.version }} at {{ $value }}"))])
        let group = AlertRuleGroup(name: "g", rules: [rule])
        let reader = F.reader(["41": [1, 1, 1], "42": [1, 9, 1]])
        let (t, evaluations) = F.run(group, reader, minutes: 3)
        #expect(F.describe(t) == ["1: inactive->firing", "2: firing->inactive"])
        let ev = evaluations[1]
        #expect(ev.snapshots.map(\.state) == [.inactive, .firing])
        let firing = ev.snapshots[1]
        #expect(firing.labels == [Tag("alertname", "High"), Tag("severity", "page"), Tag("version", "42")])
        #expect(firing.annotations == [Tag("summary", "version 42 at 9")])
        #expect(ev.notifications.count == 1 && ev.notifications[0].label("version") == "42")
        #expect(ev.transitions[0].labels == firing.labels && ev.transitions[0].value == 9)
        // A rule label overrides a series tag of the same name.
        let override = try F.rule(query: "max:m{*} by {version}", labels: [Tag("version", "any")])
        let ev2 = AlertEvaluator.replay(
            RuleSet(groups: [AlertRuleGroup(name: "g", rules: [override])]), at: F.tick(1), reader: F.reader(["42": [1, 9]]))
        #expect(ev2.evaluator.snapshots.filter { $0.state == .firing }.map { $0.label("version") } == ["any"])
    }

    @Test func aSeriesThatDisappearsFollowsItsNoDataPolicy() throws {
        let reader = F.reader(["41": [9, 9, 9, 9], "42": [9, nil, nil, nil]])
        let ok = AlertRuleGroup(name: "g", rules: [try F.rule(query: "max:m{*} by {version}")])
        let (t, evaluations) = F.run(ok, reader, minutes: 4)
        #expect(F.describe(t) == ["0: inactive->firing", "0: inactive->firing", "1: firing->inactive"])
        // Resolved, then forgotten.
        #expect(evaluations[2].snapshots.map { $0.label("version") } == ["41"])
        let alerting = AlertRuleGroup(name: "g", rules: [try F.rule(query: "max:m{*} by {version}", noData: .alerting)])
        #expect(F.run(alerting, reader, minutes: 4).evaluations[3].snapshots.map(\.state) == [.firing, .firing])
    }

    @Test func ticksAreMultiplesOfTheInterval() throws {
        #expect(AlertEvaluator.tick(atOrBefore: F.base + 90_000, interval: F.minute) == F.base + F.minute)
        #expect(AlertEvaluator.tick(atOrBefore: -1, interval: F.minute) == -F.minute)
        var e = AlertEvaluator()
        let group = AlertRuleGroup(name: "g", interval: 5 * F.minute, rules: [try F.rule()])
        let ev = e.evaluate(group: group, at: F.base + 7 * F.minute + 5, reader: F.reader(["1": [1]]))
        #expect(ev.time == F.base + 5 * F.minute)
        #expect(e.lastTick["g"] == F.base + 5 * F.minute)
    }

    @Test func canaryRulesWithoutTwoVersionsHaveNoInstances() throws {
        let group = AlertRuleGroup(name: "g", rules: [AlertRule(canary: "Canary", function: "*")])
        var e = AlertEvaluator()
        let ev = e.evaluate(group: group, at: F.tick(3), reader: F.reader(["1": [1, 2, 3]], name: "fn.invocations"))
        #expect(ev.snapshots.isEmpty && ev.errors.isEmpty && ev.transitions.isEmpty)
        #expect(AlertRule(canary: "C", function: "x").conditionText == "verdict fail")
    }
}
