import AsyncHTTPClient
import FathomCore

/// POSTs Alertmanager's webhook payload (version "4", `AlertPayload.webhook`) to a URL, one
/// payload per batch; any 2xx answer is success.
public struct WebhookNotifier: Notifier {
    public var name: String { "webhook \(url)" }
    public let mode = DeliveryMode.changes
    /// Where the payload goes.
    public let url: String
    let receiver: String
    let externalURL: String
    let maxAlerts: Int
    let poster: HTTPPoster

    /// - Parameters:
    ///   - url: the webhook's URL.
    ///   - client: the shared HTTP client.
    ///   - timeoutMs: the whole request's deadline.
    ///   - receiver: the payload's `receiver`.
    ///   - externalURL: the payload's `externalURL` (Fathom's own address).
    ///   - maxAlerts: at most this many alerts per payload (0: all).
    public init(
        url: String, client: HTTPClient, timeoutMs: Int64 = 10_000, receiver: String = "fathom",
        externalURL: String = "", maxAlerts: Int = 0
    ) {
        self.url = url
        self.receiver = receiver
        self.externalURL = externalURL
        self.maxAlerts = maxAlerts
        self.poster = HTTPPoster(client: client, timeoutMs: timeoutMs)
    }

    public func send(_ alerts: [AlertNotification], now: Int64) async throws {
        guard !alerts.isEmpty else { return }
        let body = AlertPayload.webhook(alerts, receiver: receiver, externalURL: externalURL, maxAlerts: maxAlerts)
        try await poster.post(body, to: url, notifier: name)
    }
}
