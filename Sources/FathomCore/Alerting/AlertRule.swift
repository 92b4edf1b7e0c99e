/// One alert rule of a rule file: a Fathom query and a threshold (kind `threshold`), or a canary
/// verdict on a function's newest version (kind `canary`), with the timing and the labels and
/// annotations its alerts carry. Built by `RuleFile` (FathomConfig) or directly in tests.
public struct AlertRule: Sendable, Equatable {
    /// What the rule watches.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// A query's value over the window against a threshold.
        case threshold
        /// The canary verdict of a function's newest version against the one before it.
        case canary
    }

    /// Which side of the threshold is bad.
    public enum Comparison: String, Sendable, Equatable {
        case above, below
    }

    /// What an instance does when its query has no value.
    public enum NoData: String, Sendable, Equatable, CaseIterable {
        /// No data counts as the condition not holding (the default).
        case ok
        /// No data counts as the condition holding.
        case alerting
        /// No data leaves the instance as it is.
        case keepState = "keep_state"
    }

    /// The alert's name (label `alertname`).
    public var name: String
    public var kind: Kind
    /// The query (threshold rules): as written, and parsed.
    public var queryText: String
    public var query: QueryExpression?
    /// Threshold rules: active while the value is `comparison` `threshold` …
    public var comparison: Comparison
    public var threshold: Double
    /// … and, once active, until the value crosses `clearThreshold` (hysteresis; nil: the
    /// threshold itself). For `above` it is at most `threshold`, for `below` at least.
    public var clearThreshold: Double?
    /// The query (or the canary comparison) covers `[t − window, t)` at evaluation time `t`, ms.
    public var window: Int64
    /// How long the condition must hold before the alert fires, ms (0: at once).
    public var forDuration: Int64
    /// How long the alert keeps firing after the condition clears, ms.
    public var keepFiringFor: Int64
    /// Extra labels (severity, team …), sorted by key; they override a series' tags.
    public var labels: [Tag]
    /// Annotations as written (templates), sorted by key.
    public var annotations: [(key: String, template: AlertTemplate)]
    public var noData: NoData
    /// Canary rules: the function (`*`: every function with traffic in the window).
    public var function: String
    /// Canary rules: the fewest invocations per version for a verdict.
    public var minInvocations: Int

    /// A threshold rule.
    public init(
        name: String, query: QueryExpression, queryText: String? = nil, comparison: Comparison, threshold: Double,
        clearThreshold: Double? = nil, window: Int64 = 300_000, forDuration: Int64 = 0, keepFiringFor: Int64 = 0,
        labels: [Tag] = [], annotations: [(key: String, template: AlertTemplate)] = [], noData: NoData = .ok
    ) {
        self.name = name
        self.kind = .threshold
        self.query = query
        self.queryText = queryText ?? query.text
        self.comparison = comparison
        self.threshold = threshold
        self.clearThreshold = clearThreshold
        self.window = window
        self.forDuration = forDuration
        self.keepFiringFor = keepFiringFor
        self.labels = labels.sorted()
        self.annotations = annotations.sorted { $0.key < $1.key }
        self.noData = noData
        self.function = ""
        self.minInvocations = 0
    }

    /// A canary rule: active while `function`'s newest version fails against the one before it.
    public init(
        canary name: String, function: String, window: Int64 = 3_600_000, minInvocations: Int = 100,
        forDuration: Int64 = 0, keepFiringFor: Int64 = 0, labels: [Tag] = [],
        annotations: [(key: String, template: AlertTemplate)] = [], noData: NoData = .ok
    ) {
        self.name = name
        self.kind = .canary
        self.query = nil
        self.queryText = ""
        self.comparison = .below
        self.threshold = 0
        self.clearThreshold = nil
        self.window = window
        self.forDuration = forDuration
        self.keepFiringFor = keepFiringFor
        self.labels = labels.sorted()
        self.annotations = annotations.sorted { $0.key < $1.key }
        self.noData = noData
        self.function = function
        self.minInvocations = minInvocations
    }

    /// Whether `value` makes the condition hold, given whether the instance is already active
    /// (pending or firing: then the clear threshold applies).
    public func holds(_ value: Double, active: Bool) -> Bool {
        let limit = active ? (clearThreshold ?? threshold) : threshold
        switch comparison {
        case .above: return value > limit
        case .below: return value < limit
        }
    }

    /// The condition in words: `> 5`, `> 5 (clears at <= 3)`.
    public var conditionText: String {
        if kind == .canary { return "verdict fail" }
        let op = comparison == .above ? ">" : "<"
        var s = op + " " + NumberFormat.compact(threshold)
        if let c = clearThreshold { s += " (clears at " + (comparison == .above ? "<= " : ">= ") + NumberFormat.compact(c) + ")" }
        return s
    }

    public static func == (a: AlertRule, b: AlertRule) -> Bool {
        a.name == b.name && a.kind == b.kind && a.queryText == b.queryText && a.query == b.query
            && a.comparison == b.comparison && a.threshold == b.threshold && a.clearThreshold == b.clearThreshold
            && a.window == b.window && a.forDuration == b.forDuration && a.keepFiringFor == b.keepFiringFor
            && a.labels == b.labels && a.annotations.map(\.key) == b.annotations.map(\.key)
            && a.annotations.map(\.template) == b.annotations.map(\.template) && a.noData == b.noData
            && a.function == b.function && a.minInvocations == b.minInvocations
    }
}

/// Rules evaluated together, every `interval`, at multiples of it (epoch-aligned).
public struct AlertRuleGroup: Sendable, Equatable {
    public var name: String
    /// ms; ticks are the multiples of it.
    public var interval: Int64
    public var rules: [AlertRule]

    public init(name: String, interval: Int64 = 60_000, rules: [AlertRule]) {
        self.name = name
        self.interval = interval
        self.rules = rules
    }

    /// How far before a time a replay must start for the state at that time not to depend on
    /// where it started (beyond hysteresis): the longest `for` plus the longest
    /// `keep_firing_for`, plus three intervals.
    public var lookback: Int64 {
        (rules.map(\.forDuration).max() ?? 0) + (rules.map(\.keepFiringFor).max() ?? 0) + 3 * interval
    }
}

/// The groups of one or more rule files.
public struct RuleSet: Sendable, Equatable {
    public var groups: [AlertRuleGroup]

    public init(groups: [AlertRuleGroup]) { self.groups = groups }

    /// The number of rules in every group.
    public var ruleCount: Int { groups.reduce(0) { $0 + $1.rules.count } }

    /// The longest lookback of any group.
    public var lookback: Int64 { groups.map(\.lookback).max() ?? 0 }
}
