import Testing

@testable import FathomCore

/// Evaluation on event time: the same data gives the same alert timeline whether it is lived
/// through tick by tick, replayed in one go, or replayed in two halves with a save and restore.
@Suite struct AlertReplayTests {
    typealias F = AlertFixture

    /// Two versions whose values wander around the thresholds for two hours, with gaps.
    static func data() -> InMemoryMetricReader {
        var rng = SplitMix(seed: 7)
        var values: [String: [Double?]] = ["41": [], "42": []]
        for v in ["41", "42"] {
            var x = 4.0
            for _ in 0..<120 {
                x = max(0, min(10, x + Double(rng.next() % 5) - 2))
                values[v]!.append(rng.next() % 17 == 0 ? nil : x)
            }
        }
        return F.reader(values)
    }

    static func rules() throws -> RuleSet {
        let summary = try AlertTemplate("{{ $labels.version }} at {{ $value }}")
        return RuleSet(groups: [
            AlertRuleGroup(name: "fast", interval: F.minute, rules: [
                try F.rule("Pending", query: "max:m{*} by {version}", above: 6, forDuration: 3 * F.minute, annotations: [("summary", summary)]),
                try F.rule("Sticky", query: "avg:m{*}", above: 5, keep: 4 * F.minute, noData: .keepState),
                try F.rule("Low", query: "min:m{*} by {version}", above: nil, below: 2, noData: .alerting),
            ]),
            AlertRuleGroup(name: "slow", interval: 5 * F.minute, rules: [
                try F.rule("Damped", query: "max:m{*} by {version}", above: 8, clear: 5, forDuration: 5 * F.minute),
            ]),
        ])
    }

    @Test func tickByTickOneReplayAndTwoHalvesAgree() throws {
        let reader = Self.data()
        let rules = try Self.rules()
        let start = F.base, end = F.base + 125 * F.minute, middle = F.base + 61 * F.minute + 30_000

        // Lived through: every minute, each group whose tick it is.
        var live = AlertEvaluator()
        var liveTransitions: [AlertTransition] = []
        var t = start
        while t <= end {
            for g in rules.groups where t % g.interval == 0 {
                liveTransitions += live.evaluate(group: g, at: t, reader: reader).transitions
            }
            t += F.minute
        }

        var once = AlertEvaluator()
        let onceTransitions = once.advance(rules, to: end, startingAt: start, reader: reader).flatMap(\.transitions)

        var first = AlertEvaluator()
        var halves = first.advance(rules, to: middle, startingAt: start, reader: reader).flatMap(\.transitions)
        var second = AlertEvaluator()
        second.restore(first.snapshots, through: middle)
        halves += second.advance(rules, to: end, reader: reader).flatMap(\.transitions)

        #expect(liveTransitions.count > 20, "the data should make alerts change state often")
        #expect(Set(liveTransitions.map(\.rule)) == ["Pending", "Sticky", "Low", "Damped"])
        #expect(onceTransitions == liveTransitions)
        #expect(halves == liveTransitions)
        #expect(once.snapshots == live.snapshots)
        #expect(second.snapshots == live.snapshots)
    }

    @Test func theStateAtATimeIsAFunctionOfTheData() throws {
        let reader = Self.data()
        // Without hysteresis, a replay over the lookback alone gives the lived-through state.
        var rules = try Self.rules()
        rules.groups.removeLast()
        var live = AlertEvaluator()
        var t = F.base
        var checked = 0
        while t <= F.base + 120 * F.minute {
            _ = live.advance(rules, to: t, startingAt: F.base, reader: reader)
            if t >= F.base + rules.lookback {
                let replayed = AlertEvaluator.replay(rules, at: t, reader: reader).evaluator
                let a = live.snapshots.map { "\($0.rule) \($0.labels) \($0.state)" }
                let b = replayed.snapshots.map { "\($0.rule) \($0.labels) \($0.state)" }
                #expect(a == b, "at minute \((t - F.base) / F.minute)")
                checked += 1
            }
            t += F.minute
        }
        #expect(checked > 100)
    }

    @Test func advanceGoesOnWhereItStopped() throws {
        let reader = Self.data()
        let rules = try Self.rules()
        var e = AlertEvaluator()
        let a = e.advance(rules, to: F.base + 10 * F.minute, startingAt: F.base, reader: reader)
        #expect(a.map(\.time).first == F.base && a.count == 11 + 3)
        #expect(e.advance(rules, to: F.base + 10 * F.minute, reader: reader).isEmpty)
        let b = e.advance(rules, to: F.base + 15 * F.minute, reader: reader)
        #expect(b.map { "\($0.group)@\(($0.time - F.base) / F.minute)" } == [
            "fast@11", "fast@12", "fast@13", "fast@14", "fast@15", "slow@15",
        ])
    }
}

/// A small deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
