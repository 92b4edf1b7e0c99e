import FathomCore

/// Something that delivers alert notifications (a log, a file, a webhook, an Alertmanager).
public protocol Notifier: Sendable {
    /// A short name for logs and metrics (`log`, `file`, `webhook http://…`, `alertmanager http://…`).
    var name: String { get }
    /// Delivers `alerts` (all of one evaluation); throws when delivery failed and may be retried.
    func send(_ alerts: [AlertNotification]) async throws
}
