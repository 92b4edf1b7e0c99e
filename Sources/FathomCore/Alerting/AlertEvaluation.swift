/// What one evaluation of a rule group at one tick produced.
public struct AlertEvaluation: Sendable, Equatable {
    /// The tick (event time, ms).
    public var time: Int64
    public var group: String
    /// Every instance the tick evaluated (inactive ones included), by rule order, then labels.
    public var snapshots: [AlertSnapshot]
    /// The state changes at this tick, by rule, then labels.
    public var transitions: [AlertTransition]
    /// Every firing instance (status firing) and the ones resolved at this tick (status
    /// resolved, `endsAt` = the tick): what notifiers send.
    public var notifications: [AlertNotification]
    /// Rules that could not be evaluated (a store error): `rule: message`. Their instances keep
    /// their state.
    public var errors: [String]

    public init(
        time: Int64, group: String, snapshots: [AlertSnapshot], transitions: [AlertTransition],
        notifications: [AlertNotification], errors: [String]
    ) {
        self.time = time
        self.group = group
        self.snapshots = snapshots
        self.transitions = transitions
        self.notifications = notifications
        self.errors = errors
    }
}

/// One value an evaluation observed for one alert instance.
struct AlertObservation {
    var labels: [Tag]
    var value: Double?
    /// Canary rules: whether the verdict is fail (nil: inconclusive, i.e. no data).
    var verdictFails: Bool?
    /// Annotations the rule kind adds (the canary verdict), before the rule's own.
    var extraAnnotations: [Tag] = []
}
