@testable import FathomCore

/// Minute-by-minute gauge data and rules for the alert tests.
enum AlertFixture {
    /// A whole minute far from zero (2027-01-15T08:00:00Z).
    static let base: Int64 = 1_800_000_000_000
    static let minute: Int64 = 60_000

    /// The tick that sees minute `i` (the window of 1m before it).
    static func tick(_ i: Int) -> Int64 { base + Int64(i + 1) * minute }

    /// Series `m{version:V}` with `values[V][i]` at minute `i` (nil: no sample).
    static func reader(_ values: [String: [Double?]], name: String = "m") -> InMemoryMetricReader {
        var r = InMemoryMetricReader()
        for (version, list) in values {
            let key = SeriesKey(name: name, kind: .gauge, tags: [Tag("version", version)])
            for (i, v) in list.enumerated() {
                guard let v else { continue }
                let t = base + Int64(i) * minute
                r.add(key, minute: t, Rollup(value: v, at: t))
            }
        }
        return r
    }

    static func rule(
        _ name: String = "High", query: String = "max:m{*}", above: Double? = 5, below: Double? = nil,
        clear: Double? = nil, forDuration: Int64 = 0, keep: Int64 = 0, noData: AlertRule.NoData = .ok,
        labels: [Tag] = [], annotations: [(key: String, template: AlertTemplate)] = []
    ) throws -> AlertRule {
        AlertRule(
            name: name, query: try QueryParser.parse(query), comparison: above != nil ? .above : .below,
            threshold: above ?? below ?? 0, clearThreshold: clear, window: minute, forDuration: forDuration,
            keepFiringFor: keep, labels: labels, annotations: annotations, noData: noData)
    }

    /// Evaluates `group` at the ticks seeing minutes `0..<count`; the transitions as
    /// `(minute index, from, to)` and the evaluations.
    static func run(_ group: AlertRuleGroup, _ reader: InMemoryMetricReader, minutes count: Int)
        -> (transitions: [(Int, AlertState, AlertState)], evaluations: [AlertEvaluation])
    {
        var e = AlertEvaluator()
        var out: [(Int, AlertState, AlertState)] = []
        var evaluations: [AlertEvaluation] = []
        for i in 0..<count {
            let ev = e.evaluate(group: group, at: tick(i), reader: reader)
            evaluations.append(ev)
            out += ev.transitions.map { (i, $0.from, $0.to) }
        }
        return (out, evaluations)
    }

    static func describe(_ t: [(Int, AlertState, AlertState)]) -> [String] {
        t.map { "\($0.0): \($0.1.rawValue)->\($0.2.rawValue)" }
    }
}
