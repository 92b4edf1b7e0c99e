import AsyncHTTPClient
import FathomCore
import Logging

/// Where alert notifications go and how they are delivered (the daemon fills this from its
/// configuration). Times are in milliseconds.
public struct NotifierSettings: Sendable, Equatable {
    /// Alertmanager base URLs (`http://127.0.0.1:9093`); alerts are pushed to `/api/v2/alerts` of each.
    public var alertmanagerURLs: [String] = []
    /// Webhook URLs receiving Alertmanager's webhook payload (version 4).
    public var webhookURLs: [String] = []
    /// Whether to log one line per alert change.
    public var log: Bool = true
    /// A JSON-lines file to append alert changes to.
    public var filePath: String? = nil
    /// Fathom's external URL: the webhook payload's `externalURL`.
    public var externalURL: String = ""
    /// The webhook payload's `receiver`.
    public var receiver: String = "fathom"
    /// At most this many alerts per webhook payload (0: all).
    public var maxAlerts: Int = 0
    /// Alertmanager: firing alerts are sent again this often (Prometheus: `--rules.alert.resend-delay`).
    public var resendInterval: Int64 = 60_000
    /// Log, file, webhook: a still-firing alert is repeated this often (Alertmanager's `repeat_interval`).
    public var repeatInterval: Int64 = 4 * 3_600_000
    /// The rules' (longest) evaluation interval: with `resendInterval`, sets how long a pushed
    /// alert stays valid in Alertmanager.
    public var evaluationInterval: Int64 = 60_000
    /// The deadline of one HTTP request.
    public var timeout: Int64 = 10_000
    /// The first retry's delay; it doubles per failed attempt up to `retryMax`.
    public var retryInitial: Int64 = 1_000
    /// The longest retry delay.
    public var retryMax: Int64 = 60_000
    /// Each retry delay is shortened by a random fraction up to this (0: no jitter).
    public var retryJitter: Double = 0.1
    /// Batches waiting per notifier; beyond this the oldest is dropped (and counted).
    public var queueCapacity: Int = 1000
    /// How often the dispatcher checks for resends and repeats between submissions.
    public var tick: Int64 = 1_000
    /// On shutdown, how long the last attempt to deliver what is queued may take.
    public var shutdownDeadline: Int64 = 5_000

    public init() {}

    /// How long a firing alert pushed to Alertmanager stays valid (4 × max(resend, evaluation)).
    public var validity: Int64 {
        AlertPayload.validity(resendInterval: resendInterval, evaluationInterval: evaluationInterval)
    }
}

/// The notifiers `settings` asks for, in a stable order: log, file, webhooks, Alertmanagers (one
/// per URL, so each has its own queue and retries). HTTP notifiers share `client`.
public func makeNotifiers(settings: NotifierSettings, client: HTTPClient, logger: Logger) -> [any Notifier] {
    var out: [any Notifier] = []
    if settings.log { out.append(LogNotifier(logger: logger)) }
    if let path = settings.filePath, !path.isEmpty { out.append(JSONLinesNotifier(path: path)) }
    for url in settings.webhookURLs {
        out.append(WebhookNotifier(
            url: url, client: client, timeoutMs: settings.timeout, receiver: settings.receiver,
            externalURL: settings.externalURL, maxAlerts: settings.maxAlerts))
    }
    for url in settings.alertmanagerURLs {
        out.append(AlertmanagerNotifier(
            baseURL: url, client: client, timeoutMs: settings.timeout, validityMs: settings.validity))
    }
    return out
}
