/// One alert as the notifiers send it: firing (sent when it starts and again while it lasts) or
/// resolved (sent once, when it ends). Mirrors the alert object of Alertmanager's API and webhook.
public struct AlertNotification: Sendable, Equatable {
    /// Firing or resolved.
    public enum Status: String, Sendable, Equatable {
        case firing, resolved
    }

    public var status: Status
    /// The alert's identity: `alertname`, the rule's labels and the series' group-by tags,
    /// sorted by key, keys unique.
    public var labels: [Tag]
    /// Rendered annotations (summary, description, runbook …), sorted by key.
    public var annotations: [Tag]
    /// When the alert started firing (event time, ms since the epoch).
    public var startsAt: Int64
    /// When it was resolved; nil while it fires.
    public var endsAt: Int64?
    /// A link back to Fathom for the alert's query (empty when no external URL is configured).
    public var generatorURL: String

    public init(
        status: Status, labels: [Tag], annotations: [Tag], startsAt: Int64, endsAt: Int64?, generatorURL: String
    ) {
        self.status = status
        self.labels = labels.sorted()
        self.annotations = annotations.sorted()
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }

    /// The value of label `key`, if present.
    public func label(_ key: String) -> String? { labels.first { $0.key == key }?.value }

    /// 16 hex digits identifying the label set (FNV-1a 64 over `key=value` pairs, sorted):
    /// the same labels always give the same fingerprint, as Alertmanager's does.
    public var fingerprint: String { Self.fingerprint(of: labels) }

    /// The fingerprint of a label set (order does not matter).
    public static func fingerprint(of labels: [Tag]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ b: UInt8) {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        for tag in labels.sorted() {
            for b in tag.key.utf8 { mix(b) }
            mix(0xFF)
            for b in tag.value.utf8 { mix(b) }
            mix(0xFE)
        }
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { out[15 - i] = digits[Int((h >> (UInt64(i) * 4)) & 0xF)] }
        return String(decoding: out, as: UTF8.self)
    }
}
