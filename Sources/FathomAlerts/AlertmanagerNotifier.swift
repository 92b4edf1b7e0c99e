import AsyncHTTPClient
import FathomCore

/// Pushes alerts to an Alertmanager's `POST {base}/api/v2/alerts` (`AlertPayload.alertmanager`),
/// as Prometheus does: firing alerts carry an `endsAt` a validity ahead of the send time and are
/// resent while they fire; resolved ones carry their resolution time. Any 2xx answer is success.
/// Several Alertmanagers: one notifier each (`makeNotifiers` does so), so each has its own queue
/// and retries and one that is down does not hold back the others.
public struct AlertmanagerNotifier: Notifier {
    public var name: String { "alertmanager \(baseURL)" }
    public let mode = DeliveryMode.resend
    /// The Alertmanager's base URL (`http://127.0.0.1:9093`, or with its route prefix).
    public let baseURL: String
    /// How long a pushed firing alert stays valid (ms).
    public let validityMs: Int64
    let poster: HTTPPoster

    /// - Parameters:
    ///   - baseURL: the Alertmanager's address; `/api/v2/alerts` is appended.
    ///   - client: the shared HTTP client.
    ///   - timeoutMs: the whole request's deadline.
    ///   - validityMs: `endsAt` of firing alerts is this far after the send time
    ///     (`AlertPayload.validity(resendInterval:evaluationInterval:)`).
    public init(baseURL: String, client: HTTPClient, timeoutMs: Int64 = 10_000, validityMs: Int64 = 240_000) {
        self.baseURL = baseURL
        self.validityMs = validityMs
        self.poster = HTTPPoster(client: client, timeoutMs: timeoutMs)
    }

    /// `{base}/api/v2/alerts`, without doubling a trailing slash.
    public var alertsURL: String {
        var base = Substring(baseURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        return base + "/api/v2/alerts"
    }

    public func send(_ alerts: [AlertNotification], now: Int64) async throws {
        guard !alerts.isEmpty else { return }
        let body = AlertPayload.alertmanager(alerts, sentAt: now, validity: validityMs)
        try await poster.post(body, to: alertsURL, notifier: name)
    }
}
