import FathomCore

/// Which alerts a notifier is given (the dispatcher decides; see `AlertDispatcher`).
public enum DeliveryMode: String, Sendable, Equatable {
    /// Every firing alert again each resend interval, resolved ones at once (Alertmanager: it
    /// expires alerts that are not resent, and does its own grouping and repeating).
    case resend
    /// Changes only: a newly firing alert, a resolved one, and a reminder for an alert still
    /// firing each repeat interval (log, file, webhook: each delivery reaches a person).
    case changes
}

/// Something that delivers alert notifications (a log, a file, a webhook, an Alertmanager).
public protocol Notifier: Sendable {
    /// A short name for logs and metrics (`log`, `file /path`, `webhook http://…`, `alertmanager http://…`).
    var name: String { get }
    /// Which alerts the dispatcher hands this notifier.
    var mode: DeliveryMode { get }
    /// Delivers `alerts` (one batch, in order) at send time `now` (ms since the epoch); throws when
    /// delivery failed and may be retried.
    func send(_ alerts: [AlertNotification], now: Int64) async throws
}

/// A delivery that failed: what was tried and why (an HTTP status, a timeout, an I/O error).
public struct NotifierError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The notifier's name.
    public var notifier: String
    /// What went wrong.
    public var message: String

    public init(notifier: String, message: String) {
        self.notifier = notifier
        self.message = message
    }

    public var description: String { "\(notifier): \(message)" }
}
