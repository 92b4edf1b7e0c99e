/// Where an alert's state machine stands.
public enum AlertState: String, Sendable, Equatable, Comparable, CaseIterable {
    /// The condition does not hold (or has cleared and resolved).
    case inactive
    /// The condition holds, but not yet for the rule's `for`.
    case pending
    /// The condition has held for `for` (or is kept by `keep_firing_for`).
    case firing

    /// inactive < pending < firing.
    public static func < (a: AlertState, b: AlertState) -> Bool { a.rank < b.rank }

    var rank: Int {
        switch self {
        case .inactive: 0
        case .pending: 1
        case .firing: 2
        }
    }
}

/// One alert instance (a rule and, for grouped queries, one series) as it stands after an
/// evaluation: what `fathom alerts` lists and the dashboards' alert list panel draws.
public struct AlertSnapshot: Sendable, Equatable {
    /// The rule's group and name.
    public var group: String
    public var rule: String
    /// `alertname`, the rule's labels and the series' tags, sorted by key.
    public var labels: [Tag]
    /// Rendered annotations, sorted by key.
    public var annotations: [Tag]
    public var state: AlertState
    /// When the condition started holding (pending or firing), event time in ms.
    public var activeSince: Int64?
    /// When it started firing.
    public var firingSince: Int64?
    /// The query's value at the last evaluation (nil: no data).
    public var value: Double?
    /// The event time of the last evaluation.
    public var evaluatedAt: Int64
    /// While firing only because of `keep_firing_for`: the first evaluation at which the
    /// condition no longer held (nil otherwise). Saved so that a restart resumes exactly.
    public var keepFiringSince: Int64?

    /// This instance as a firing notification (started when it began firing).
    public func firingNotification(generatorURL: String) -> AlertNotification {
        AlertNotification(
            status: .firing, labels: labels, annotations: annotations, startsAt: firingSince ?? evaluatedAt, endsAt: nil,
            generatorURL: generatorURL)
    }

    public init(
        group: String, rule: String, labels: [Tag], annotations: [Tag], state: AlertState,
        activeSince: Int64?, firingSince: Int64?, value: Double?, evaluatedAt: Int64, keepFiringSince: Int64? = nil
    ) {
        self.group = group
        self.rule = rule
        self.labels = labels.sorted()
        self.annotations = annotations.sorted()
        self.state = state
        self.activeSince = activeSince
        self.firingSince = firingSince
        self.value = value
        self.evaluatedAt = evaluatedAt
        self.keepFiringSince = keepFiringSince
    }

    /// The fingerprint of the labels (``AlertNotification/fingerprint(of:)``).
    public var fingerprint: String { AlertNotification.fingerprint(of: labels) }

    /// A label's value, if present.
    public func label(_ key: String) -> String? { labels.first { $0.key == key }?.value }
}
