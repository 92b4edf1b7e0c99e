/// Evaluates alert rules on event time and holds every alert instance's state.
///
/// Deterministic: the time of each evaluation is passed in, and each tick reads only the data in
/// its rules' windows, so evaluating yesterday's logs tick by tick, in one replay, or in two
/// halves with a save and restore in between gives the same transitions.
///
/// Per instance: inactive → pending (the condition holds, `for` not yet reached) → firing →
/// inactive (resolved). With `for` 0 an instance fires at the first tick its condition holds;
/// with `keep_firing_for` it keeps firing that long after the condition stops holding. An
/// instance that is inactive and has no data is forgotten.
public struct AlertEvaluator: Sendable {
    /// Put into every notification's `generatorURL` (empty: none).
    public var generatorURL: String
    /// group → fingerprint → instance.
    private var instances: [String: [String: AlertSnapshot]] = [:]
    /// group → the last tick evaluated.
    public private(set) var lastTick: [String: Int64] = [:]
    /// The time a restore said evaluation had reached (for groups never evaluated since).
    private var restoredThrough: Int64?

    public init(generatorURL: String = "") { self.generatorURL = generatorURL }

    /// The latest tick of `interval` at or before `t` (ticks are multiples of the interval).
    public static func tick(atOrBefore t: Int64, interval: Int64) -> Int64 {
        CivilDate.floorDiv(t, interval) * interval
    }

    /// Every instance held, sorted by group, rule, then labels.
    public var snapshots: [AlertSnapshot] {
        instances.values.flatMap(\.values).sorted(by: Self.ordered)
    }

    /// Takes back saved instances (after a restart); `through` is the time evaluation had
    /// reached when they were saved: the next ``advance(_:to:reader:)`` goes on from the tick
    /// after it.
    public mutating func restore(_ snapshots: [AlertSnapshot], through: Int64?) {
        instances = [:]
        lastTick = [:]
        for s in snapshots { instances[s.group, default: [:]][s.fingerprint] = s }
        restoredThrough = through
    }

    /// Evaluates `group` at `at` (rounded down to a tick of its interval) and updates the state.
    public mutating func evaluate(group: AlertRuleGroup, at: Int64, reader: any MetricReader) -> AlertEvaluation {
        let t = Self.tick(atOrBefore: at, interval: group.interval)
        var current = instances[group.name] ?? [:]
        var snapshots: [AlertSnapshot] = []
        var transitions: [AlertTransition] = []
        var resolved: [AlertNotification] = []
        var errors: [String] = []
        for rule in group.rules {
            let observations: [AlertObservation]
            do {
                observations = try Self.observe(rule, at: t, reader: reader)
            } catch {
                errors.append("\(rule.name): \(error)")
                continue
            }
            var seen = Set<String>()
            var work: [(String, AlertObservation)] = []
            for o in observations {
                let fp = AlertNotification.fingerprint(of: o.labels)
                if seen.insert(fp).inserted { work.append((fp, o)) }
            }
            for (fp, s) in current where s.rule == rule.name && !seen.contains(fp) {
                work.append((fp, AlertObservation(labels: s.labels, value: nil, verdictFails: nil)))
            }
            for (fp, o) in work {
                let prev = current[fp]
                let next = Self.step(rule, group: group.name, previous: prev, observation: o, at: t)
                let from = prev?.state ?? .inactive
                if from != next.state {
                    transitions.append(
                        AlertTransition(
                            time: t, group: group.name, rule: rule.name, labels: next.labels, from: from, to: next.state,
                            value: next.value))
                }
                if from == .firing && next.state == .inactive, let prev {
                    resolved.append(
                        AlertNotification(
                            status: .resolved, labels: prev.labels, annotations: next.annotations,
                            startsAt: prev.firingSince ?? t, endsAt: t, generatorURL: generatorURL))
                }
                if next.state == .inactive && next.value == nil {
                    // Inactive without data: forgotten (and not listed unless it just changed).
                    current[fp] = nil
                    if from == .inactive { continue }
                } else {
                    current[fp] = next
                }
                snapshots.append(next)
            }
        }
        instances[group.name] = current
        lastTick[group.name] = t
        let order = Dictionary(group.rules.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        func byRule(_ a: String, _ b: String) -> Bool { (order[a] ?? 0) < (order[b] ?? 0) }
        snapshots.sort { a, b in a.rule != b.rule ? byRule(a.rule, b.rule) : a.labels.lexicographicallyPrecedes(b.labels) }
        transitions.sort { a, b in a.rule != b.rule ? byRule(a.rule, b.rule) : a.labels.lexicographicallyPrecedes(b.labels) }
        var notifications = snapshots.filter { $0.state == .firing }.map { $0.firingNotification(generatorURL: generatorURL) }
        notifications += resolved.sorted { $0.labels.lexicographicallyPrecedes($1.labels) }
        return AlertEvaluation(
            time: t, group: group.name, snapshots: snapshots, transitions: transitions, notifications: notifications,
            errors: errors)
    }

    /// Evaluates every tick of every group after the last one evaluated, up to `to`, in time
    /// order (groups in file order at equal times). A group never evaluated starts at
    /// `startingAt` (default: `to` − its lookback), or after the restored time.
    public mutating func advance(
        _ rules: RuleSet, to: Int64, startingAt: Int64? = nil, reader: any MetricReader
    ) -> [AlertEvaluation] {
        var ticks: [(time: Int64, index: Int)] = []
        for (i, g) in rules.groups.enumerated() {
            let last = Self.tick(atOrBefore: to, interval: g.interval)
            var first: Int64
            if let done = lastTick[g.name] {
                first = done + g.interval
            } else if let through = restoredThrough {
                first = Self.tick(atOrBefore: through, interval: g.interval) + g.interval
            } else {
                let start = startingAt ?? (to - g.lookback)
                first = Self.tick(atOrBefore: start - 1, interval: g.interval) + g.interval
            }
            while first <= last {
                ticks.append((first, i))
                first += g.interval
            }
        }
        ticks.sort { $0.time != $1.time ? $0.time < $1.time : $0.index < $1.index }
        return ticks.map { evaluate(group: rules.groups[$0.index], at: $0.time, reader: reader) }
    }

    /// The state at `at` as a pure function of the data: a fresh evaluator replays every tick
    /// from `from` (default `at`), less the rule set's lookback, to `at`. Returns the evaluator
    /// (its ``snapshots`` are the state at `at`) and the evaluations.
    public static func replay(
        _ rules: RuleSet, from: Int64? = nil, at: Int64, reader: any MetricReader, generatorURL: String = ""
    ) -> (evaluator: AlertEvaluator, evaluations: [AlertEvaluation]) {
        var e = AlertEvaluator(generatorURL: generatorURL)
        let start = min(from ?? at, at) - rules.lookback
        let evaluations = e.advance(rules, to: at, startingAt: start, reader: reader)
        return (e, evaluations)
    }

    /// One instance's next state at tick `t`.
    static func step(
        _ rule: AlertRule, group: String, previous: AlertSnapshot?, observation o: AlertObservation, at t: Int64
    ) -> AlertSnapshot {
        var s =
            previous
            ?? AlertSnapshot(
                group: group, rule: rule.name, labels: o.labels, annotations: [], state: .inactive, activeSince: nil,
                firingSince: nil, value: nil, evaluatedAt: t)
        let state = s.state
        let holds: Bool?
        if let fails = o.verdictFails {
            holds = fails
        } else if let value = o.value, rule.kind == .threshold {
            holds = rule.holds(value, active: state != .inactive)
        } else {
            switch rule.noData {
            case .ok: holds = false
            case .alerting: holds = true
            case .keepState: holds = nil
            }
        }
        s.value = o.value
        s.evaluatedAt = t
        if let holds {
            if holds {
                s.keepFiringSince = nil
                switch state {
                case .inactive:
                    s.activeSince = t
                    if rule.forDuration <= 0 {
                        s.state = .firing
                        s.firingSince = t
                    } else {
                        s.state = .pending
                    }
                case .pending:
                    if t - (s.activeSince ?? t) >= rule.forDuration {
                        s.state = .firing
                        s.firingSince = t
                    }
                case .firing:
                    break
                }
            } else {
                switch state {
                case .inactive:
                    break
                case .pending:
                    s.state = .inactive
                    s.activeSince = nil
                case .firing:
                    let since = s.keepFiringSince ?? t
                    if t - since < rule.keepFiringFor {
                        s.keepFiringSince = since
                    } else {
                        s.state = .inactive
                        s.activeSince = nil
                        s.firingSince = nil
                        s.keepFiringSince = nil
                    }
                }
            }
        }
        if o.value != nil || previous == nil {
            var annotations = o.extraAnnotations
            let own = Set(rule.annotations.map(\.key))
            annotations.removeAll { own.contains($0.key) }
            for (key, template) in rule.annotations {
                annotations.append(Tag(key, template.render(labels: s.labels, value: o.value)))
            }
            s.annotations = annotations.sorted()
        }
        return s
    }

    static func ordered(_ a: AlertSnapshot, _ b: AlertSnapshot) -> Bool {
        if a.group != b.group { return a.group < b.group }
        if a.rule != b.rule { return a.rule < b.rule }
        return a.labels.lexicographicallyPrecedes(b.labels)
    }
}
