/// One change of an alert instance's state at an evaluation: the history `fathom alerts
/// --history` lists. `firing → inactive` is a resolution.
public struct AlertTransition: Sendable, Equatable {
    /// The evaluation's event time, ms.
    public var time: Int64
    public var group: String
    public var rule: String
    /// The instance's labels (alertname, the rule's labels, the series' tags), sorted.
    public var labels: [Tag]
    public var from: AlertState
    public var to: AlertState
    /// The query's value at that evaluation (nil: no data).
    public var value: Double?

    public init(time: Int64, group: String, rule: String, labels: [Tag], from: AlertState, to: AlertState, value: Double?) {
        self.time = time
        self.group = group
        self.rule = rule
        self.labels = labels.sorted()
        self.from = from
        self.to = to
        self.value = value
    }

    /// Whether this is a firing alert ending.
    public var isResolution: Bool { from == .firing && to == .inactive }

    /// Time, group, rule, then labels order.
    public static func ordered(_ a: AlertTransition, _ b: AlertTransition) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.group != b.group { return a.group < b.group }
        if a.rule != b.rule { return a.rule < b.rule }
        return a.labels.lexicographicallyPrecedes(b.labels)
    }
}
