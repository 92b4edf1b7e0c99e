import FathomCore
import Logging

/// Writes one log line per alert change through swift-log: `alert firing HighErrorRate
/// {function="checkout", severity="page"}` at `warning` (firing) or `notice` (resolved), with the
/// fingerprint, times, generator URL and annotations as metadata. Never fails.
public struct LogNotifier: Notifier {
    public let name = "log"
    public let mode = DeliveryMode.changes
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func send(_ alerts: [AlertNotification], now: Int64) async throws {
        for alert in alerts {
            logger.log(
                level: alert.status == .firing ? .warning : .notice,
                "\(Self.message(alert))", metadata: Self.metadata(alert))
        }
    }

    /// `alert firing NAME {k="v", …}`.
    static func message(_ alert: AlertNotification) -> String {
        let labels = alert.labels.filter { $0.key != "alertname" }
            .map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ", ")
        return "alert \(alert.status.rawValue) \(alert.label("alertname") ?? "?") {\(labels)}"
    }

    static func metadata(_ alert: AlertNotification) -> Logger.Metadata {
        var m: Logger.Metadata = [
            "fingerprint": "\(alert.fingerprint)",
            "startsAt": "\(TimeSpec.format(alert.startsAt))",
        ]
        if let ends = alert.endsAt, alert.status == .resolved { m["endsAt"] = "\(TimeSpec.format(ends))" }
        if !alert.generatorURL.isEmpty { m["generatorURL"] = "\(alert.generatorURL)" }
        for a in alert.annotations { m[a.key] = "\(a.value)" }
        return m
    }
}
