import FathomCore
import Foundation
import Testing

/// The payloads on the wire, byte for byte (golden files hold the exact compact JSON, one line).
@Suite struct AlertPayloadTests {
    /// A firing alert, a resolved one, and a firing one with characters that need escaping.
    let alerts: [AlertNotification] = [
        firingAlert(since: t0),
        resolvedAlert(firingAlert("HighErrorRate", function: "payments", since: t0 - 600_000), at: t0 + 90_500),
        AlertNotification(
            status: .firing, labels: [Tag("alertname", "ColdStarts"), Tag("version", "\"42\"\n"), Tag("function", "checkout")],
            annotations: [], startsAt: t0 + 1_000, endsAt: nil, generatorURL: ""),
    ]

    @Test func alertmanagerBody() throws {
        let body = AlertPayload.alertmanager(alerts, sentAt: t0 + 120_000, validity: 240_000)
        try expectGolden(String(decoding: body, as: UTF8.self) + "\n", "alertmanager-v2.json")
        let parsed = try #require(parseJSON(body) as? [[String: Any]])
        #expect(parsed.count == 3)
        // Firing: endsAt = send time + validity; resolved: its resolution time.
        #expect(parsed[0]["endsAt"] as? String == "2026-11-20T08:06:00Z")
        #expect(parsed[1]["endsAt"] as? String == "2026-11-20T08:01:30.500Z")
        #expect(parsed[1]["startsAt"] as? String == "2026-11-20T07:50:00Z")
        #expect((parsed[2]["labels"] as? [String: String])?["version"] == "\"42\"\n")
    }

    @Test func alertmanagerFiringEndsAfterItStarts() throws {
        // An alert starting after the send time (event time ahead of the clock) still ends after it starts.
        let a = firingAlert(since: t0 + 3_600_000)
        let parsed = try #require(parseJSON(AlertPayload.alertmanager([a], sentAt: t0, validity: 60_000)) as? [[String: Any]])
        #expect(parsed[0]["startsAt"] as? String == "2026-11-20T09:00:00Z")
        #expect(parsed[0]["endsAt"] as? String == "2026-11-20T09:01:00Z")
        #expect(AlertPayload.validity(resendInterval: 60_000, evaluationInterval: 15_000) == 240_000)
        #expect(AlertPayload.validity(resendInterval: 60_000, evaluationInterval: 120_000) == 480_000)
        #expect(AlertPayload.alertmanager([], sentAt: t0, validity: 1) == Array("[]".utf8))
    }

    @Test func webhookBody() throws {
        let body = AlertPayload.webhook(alerts, receiver: "fathom", externalURL: "http://fathom.example:9464")
        try expectGolden(String(decoding: body, as: UTF8.self) + "\n", "webhook-v4.json")
        let parsed = try #require(parseJSON(body) as? [String: Any])
        #expect(parsed["version"] as? String == "4")
        #expect(parsed["status"] as? String == "firing")
        #expect(parsed["groupKey"] as? String == "{}:{}")
        #expect(parsed["truncatedAlerts"] as? Int == 0)
        // The functions and alert names differ, and the third alert has no severity.
        #expect(parsed["commonLabels"] as? [String: String] == [:])
        let items = try #require(parsed["alerts"] as? [[String: Any]])
        #expect(items.map { $0["status"] as? String } == ["firing", "resolved", "firing"])
        #expect(items[0]["endsAt"] as? String == "0001-01-01T00:00:00Z")
        #expect(items[1]["endsAt"] as? String == "2026-11-20T08:01:30.500Z")
        #expect(items[0]["fingerprint"] as? String == alerts[0].fingerprint)
    }

    @Test func webhookResolvedCommonAndTruncated() throws {
        let a = resolvedAlert(firingAlert(function: "checkout"), at: t0 + 60_000)
        let b = resolvedAlert(firingAlert(function: "payments"), at: t0 + 60_000)
        let body = AlertPayload.webhook([a, b], receiver: "r", externalURL: "", maxAlerts: 1)
        try expectGolden(String(decoding: body, as: UTF8.self) + "\n", "webhook-v4-resolved.json")
        let parsed = try #require(parseJSON(body) as? [String: Any])
        #expect(parsed["status"] as? String == "resolved")
        #expect(parsed["truncatedAlerts"] as? Int == 1)
        #expect((parsed["alerts"] as? [Any])?.count == 1)
        #expect(parsed["commonLabels"] as? [String: String] == ["alertname": "HighErrorRate", "severity": "page"])
        #expect(parsed["commonAnnotations"] as? [String: String] == ["runbook": "https://runbooks.example/errors"])
    }

    @Test func jsonLines() throws {
        let lines = alerts.prefix(2).map { String(decoding: AlertPayload.jsonLine($0, sentAt: t0 + 120_000), as: UTF8.self) }
        try expectGolden(lines.joined(separator: "\n") + "\n", "alerts.jsonl")
        let first = try #require(parseJSON(Array(lines[0].utf8)) as? [String: Any])
        #expect(first["endsAt"] is NSNull)
        #expect(first["time"] as? String == "2026-11-20T08:02:00Z")
    }

    @Test func duplicateKeysAreWrittenOnce() throws {
        let a = AlertNotification(
            status: .firing, labels: [Tag("alertname", "A"), Tag("k", "2"), Tag("k", "1")], annotations: [],
            startsAt: t0, endsAt: nil, generatorURL: "")
        let body = String(decoding: AlertPayload.alertmanager([a], sentAt: t0, validity: 1000), as: UTF8.self)
        #expect(body.contains(#""labels":{"alertname":"A","k":"1"}"#), "\(body)")
    }
}
