import AsyncHTTPClient
import FathomCore
import Foundation
import Testing
@testable import FathomAlerts

/// The webhook and Alertmanager notifiers against a real HTTP server.
@Suite struct HTTPNotifierTests {
    @Test func webhookPostsTheVersion4Payload() async throws {
        let server = RecordingServer()
        try await server.run { base in
            let hook = WebhookNotifier(
                url: base + "/hooks/fathom", client: .shared, receiver: "oncall", externalURL: "http://fathom:9464")
            try await hook.send([firingAlert()], now: t0)
        }
        let r = try #require(server.received.first)
        #expect(server.received.count == 1)
        #expect(r.path == "/hooks/fathom")
        #expect(r.contentType == "application/json")
        #expect(r.body == AlertPayload.webhook([firingAlert()], receiver: "oncall", externalURL: "http://fathom:9464"))
        let json = try #require(parseJSON(r.body) as? [String: Any])
        #expect(json["version"] as? String == "4" && json["receiver"] as? String == "oncall")
    }

    @Test func alertmanagerPostsToTheV2Endpoint() async throws {
        let server = RecordingServer()
        try await server.run { base in
            let am = AlertmanagerNotifier(baseURL: base + "/am/", client: .shared, validityMs: 240_000)
            #expect(am.alertsURL == base + "/am/api/v2/alerts")
            try await am.send([firingAlert(), resolvedAlert(firingAlert(function: "x"), at: t0 + 5_000)], now: t0 + 10_000)
        }
        let r = try #require(server.received.first)
        #expect(r.path == "/am/api/v2/alerts")
        let items = try #require(parseJSON(r.body) as? [[String: Any]])
        #expect(items.map { $0["endsAt"] as? String } == ["2026-11-20T08:04:10Z", "2026-11-20T08:00:05Z"])
    }

    @Test func non2xxIsAFailureWithTheStatus() async throws {
        let server = RecordingServer(statuses: [503, 404, 204])
        try await server.run { base in
            let hook = WebhookNotifier(url: base + "/h", client: .shared)
            let first = await #expect(throws: NotifierError.self) { try await hook.send([firingAlert()], now: t0) }
            #expect(first?.message.hasPrefix("HTTP 503") == true, "\(String(describing: first))")
            let second = await #expect(throws: NotifierError.self) { try await hook.send([firingAlert()], now: t0) }
            #expect(second?.message.hasPrefix("HTTP 404") == true)
            try await hook.send([firingAlert()], now: t0)  // 204 is success
        }
        #expect(server.received.count == 3)
    }

    @Test func timeoutAndRefusedConnectionFail() async throws {
        let slow = RecordingServer(delayMs: 1_000)
        try await slow.run { base in
            let hook = WebhookNotifier(url: base + "/h", client: .shared, timeoutMs: 200)
            // The message proves the 200 ms timeout cut the request short (the server answers after
            // 1 s); wall time is not asserted: other tests may hold this 2-core machine's threads.
            let error = await #expect(throws: NotifierError.self) { try await hook.send([firingAlert()], now: t0) }
            #expect(error?.message == "timed out after 200 ms", "\(String(describing: error))")
        }
        // A port nobody listens on (the server above has stopped; use a fresh closed one).
        let am = AlertmanagerNotifier(baseURL: "http://127.0.0.1:1", client: .shared, timeoutMs: 2_000)
        await #expect(throws: NotifierError.self) { try await am.send([firingAlert()], now: t0) }
    }

    @Test func dispatcherRetriesAWebhookUntilItAnswers() async throws {
        let server = RecordingServer(statuses: [500, 502])
        try await server.run { base in
            var settings = NotifierSettings()
            settings.log = false
            settings.webhookURLs = [base + "/h"]
            settings.retryInitial = 20
            settings.retryJitter = 0
            let notifiers = makeNotifiers(settings: settings, client: .shared, logger: quietLogger)
            #expect(notifiers.map(\.name) == ["webhook \(base)/h"])
            let d = AlertDispatcher(notifiers: notifiers, settings: settings, logger: quietLogger)
            try await running(d) {
                d.submit(firing: [firingAlert()], resolved: [])
                #expect(await eventually { d.stats()[0].sent == 1 })
            }
            let s = d.stats()[0]
            #expect(s.failed == 2 && s.retried == 2 && s.pending == 0)
        }
        #expect(server.received.count == 3)
        #expect(Set(server.received.map(\.text)).count == 1)
    }

    @Test func factoryOrderAndModes() {
        var settings = NotifierSettings()
        settings.filePath = "/tmp/x.jsonl"
        settings.webhookURLs = ["http://a/h"]
        settings.alertmanagerURLs = ["http://am1:9093", "http://am2:9093/"]
        let n = makeNotifiers(settings: settings, client: .shared, logger: quietLogger)
        #expect(n.map(\.name) == ["log", "file /tmp/x.jsonl", "webhook http://a/h", "alertmanager http://am1:9093",
                                  "alertmanager http://am2:9093/"])
        #expect(n.map(\.mode) == [.changes, .changes, .changes, .resend, .resend])
        #expect((n[3] as? AlertmanagerNotifier)?.validityMs == 240_000)
    }
}
