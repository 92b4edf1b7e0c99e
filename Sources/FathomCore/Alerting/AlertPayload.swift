/// The JSON bodies Fathom's notifiers send, built deterministically (fixed key order, labels and
/// annotations sorted by key): Alertmanager's `POST /api/v2/alerts` body, Alertmanager's webhook
/// payload (version "4"), and the one-line record of the JSON-lines file.
///
/// Times are ms since the epoch and print as RFC 3339 (`TimeSpec.format`).
public enum AlertPayload {
    /// What Alertmanager's webhook sends as `endsAt` for an alert still firing (Go's zero time).
    public static let zeroTime = "0001-01-01T00:00:00Z"

    /// How long a firing alert pushed to Alertmanager stays valid without being sent again, as
    /// Prometheus computes it: 4 × max(resend interval, evaluation interval). Alertmanager resolves
    /// the alert by itself when Fathom stops resending it (because it died or lost the connection).
    public static func validity(resendInterval: Int64, evaluationInterval: Int64) -> Int64 {
        4 * max(resendInterval, evaluationInterval)
    }

    // MARK: Alertmanager API v2

    /// The body of Alertmanager's `POST /api/v2/alerts`: an array of
    /// `{labels, annotations, startsAt, endsAt, generatorURL}`.
    ///
    /// A resolved alert's `endsAt` is its resolution time. A firing alert's `endsAt` is
    /// `max(sentAt, startsAt) + validity`, so it stays active while Fathom keeps resending it and
    /// ends by itself otherwise (never before `startsAt`, which Alertmanager would reject).
    ///
    /// - Parameters:
    ///   - alerts: the alerts to push, in the order given.
    ///   - sentAt: the send time (ms).
    ///   - validity: how long a firing alert stays valid (see `validity(resendInterval:evaluationInterval:)`).
    public static func alertmanager(_ alerts: [AlertNotification], sentAt: Int64, validity: Int64) -> [UInt8] {
        var w = JSONWriter()
        w.beginArray()
        for alert in alerts {
            let ends = alert.status == .resolved
                ? (alert.endsAt ?? sentAt) : max(sentAt, alert.startsAt) + validity
            w.beginObject()
            writeTags("labels", alert.labels, into: &w)
            writeTags("annotations", alert.annotations, into: &w)
            w.field("startsAt", TimeSpec.format(alert.startsAt))
            w.field("endsAt", TimeSpec.format(max(ends, alert.startsAt)))
            w.field("generatorURL", alert.generatorURL)
            w.endObject()
        }
        w.endArray()
        return w.bytes
    }

    // MARK: Webhook (Alertmanager's format, version 4)

    /// Alertmanager's webhook payload, version "4", for one group of alerts:
    /// `{version, groupKey, truncatedAlerts, status, receiver, groupLabels, commonLabels,
    /// commonAnnotations, externalURL, alerts[…]}`.
    ///
    /// `status` is `firing` when any alert fires, else `resolved`. `commonLabels` and
    /// `commonAnnotations` are the pairs every alert has. Fathom sends one group per delivery
    /// (no `group_by`), so `groupLabels` is `{}` and the group key is `{}:{}`, as Alertmanager's
    /// root route without grouping writes it. Each alert has `status`, `labels`, `annotations`,
    /// `startsAt`, `endsAt` (`0001-01-01T00:00:00Z` while firing), `generatorURL` and `fingerprint`.
    ///
    /// - Parameters:
    ///   - alerts: the alerts, in the order given.
    ///   - receiver: the receiver name to report (`fathom`).
    ///   - externalURL: Fathom's external URL (a backlink; may be empty).
    ///   - maxAlerts: keep at most this many alerts (0: all); the rest are counted in `truncatedAlerts`.
    public static func webhook(
        _ alerts: [AlertNotification], receiver: String, externalURL: String, maxAlerts: Int = 0
    ) -> [UInt8] {
        let kept = maxAlerts > 0 && alerts.count > maxAlerts ? Array(alerts.prefix(maxAlerts)) : alerts
        var w = JSONWriter()
        w.beginObject()
        w.field("version", "4")
        w.field("groupKey", "{}:{}")
        w.field("truncatedAlerts", alerts.count - kept.count)
        w.field("status", alerts.contains { $0.status == .firing } ? "firing" : "resolved")
        w.field("receiver", receiver)
        writeTags("groupLabels", [], into: &w)
        writeTags("commonLabels", common(alerts.map(\.labels)), into: &w)
        writeTags("commonAnnotations", common(alerts.map(\.annotations)), into: &w)
        w.field("externalURL", externalURL)
        w.key("alerts")
        w.beginArray()
        for alert in kept {
            w.beginObject()
            w.field("status", alert.status.rawValue)
            writeTags("labels", alert.labels, into: &w)
            writeTags("annotations", alert.annotations, into: &w)
            w.field("startsAt", TimeSpec.format(alert.startsAt))
            w.field("endsAt", endsAtText(alert))
            w.field("generatorURL", alert.generatorURL)
            w.field("fingerprint", alert.fingerprint)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    // MARK: JSON lines

    /// One line of the JSON-lines file (no trailing newline): `{time, status, fingerprint, labels,
    /// annotations, startsAt, endsAt, generatorURL}`, with `time` the send time and `endsAt`
    /// `null` while the alert fires.
    public static func jsonLine(_ alert: AlertNotification, sentAt: Int64) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("time", TimeSpec.format(sentAt))
        w.field("status", alert.status.rawValue)
        w.field("fingerprint", alert.fingerprint)
        writeTags("labels", alert.labels, into: &w)
        writeTags("annotations", alert.annotations, into: &w)
        w.field("startsAt", TimeSpec.format(alert.startsAt))
        w.key("endsAt")
        if alert.status == .resolved, let ends = alert.endsAt { w.string(TimeSpec.format(ends)) } else { w.null() }
        w.field("generatorURL", alert.generatorURL)
        w.endObject()
        return w.bytes
    }

    // MARK: Helpers

    /// `endsAt` as the webhook writes it: the zero time while firing.
    static func endsAtText(_ alert: AlertNotification) -> String {
        guard alert.status == .resolved, let ends = alert.endsAt else { return zeroTime }
        return TimeSpec.format(ends)
    }

    /// The pairs present, with the same value, in every one of `sets` (sorted); empty for no sets.
    static func common(_ sets: [[Tag]]) -> [Tag] {
        guard var result = sets.first else { return [] }
        for set in sets.dropFirst() {
            result = result.filter { tag in set.contains(tag) }
        }
        return uniqueSorted(result)
    }

    /// Sorted by key, the first value of a repeated key kept.
    static func uniqueSorted(_ tags: [Tag]) -> [Tag] {
        var out: [Tag] = []
        for tag in tags.sorted() where out.last?.key != tag.key { out.append(tag) }
        return out
    }

    /// Writes `"name": {k: v, …}` with keys sorted and unique (a JSON object cannot repeat a key).
    static func writeTags(_ name: String, _ tags: [Tag], into w: inout JSONWriter) {
        w.key(name)
        w.beginObject()
        for tag in uniqueSorted(tags) { w.field(tag.key, tag.value) }
        w.endObject()
    }
}
