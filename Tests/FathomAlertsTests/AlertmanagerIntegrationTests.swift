import AsyncHTTPClient
import FathomCore
import Foundation
import Testing
@testable import FathomAlerts

/// Debian's `prometheus-alertmanager` (or `alertmanager`) binary, if installed.
private let alertmanagerPath: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let dirs = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
    for dir in dirs {
        for name in ["prometheus-alertmanager", "alertmanager"] {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
    }
    print("SKIP: AlertmanagerIntegrationTests: no alertmanager on PATH (apt-get install -y prometheus-alertmanager)")
    return nil
}()

/// Fathom's notifications against a real Alertmanager: a pushed firing alert shows up in its API as
/// active, and after the resolution is pushed it is gone from the API.
///
/// Observed with Alertmanager 0.25.0: `GET /api/v2/alerts` lists an alert whose `endsAt` has passed
/// under no combination of the `active`/`silenced`/`inhibited`/`unprocessed` filters; a firing
/// alert is listed with `status.state` `active` (no silences or inhibitions here).
@Suite(.serialized) struct AlertmanagerIntegrationTests {
    @Test(.enabled(if: alertmanagerPath != nil, "prometheus-alertmanager is not installed; not checked"))
    func firingThenResolvedInARealAlertmanager() async throws {
        let am = try AlertmanagerProcess(binary: alertmanagerPath!)
        defer { am.stop() }
        try await am.waitUntilReady()

        var settings = NotifierSettings()
        settings.log = false
        settings.alertmanagerURLs = [am.baseURL]
        settings.retryInitial = 100
        let notifiers = makeNotifiers(settings: settings, client: .shared, logger: quietLogger)
        let dispatcher = AlertDispatcher(notifiers: notifiers, settings: settings, logger: quietLogger)
        let now = SystemDispatchClock().now()
        let alert = AlertNotification(
            status: .firing,
            labels: [Tag("alertname", "FathomIntegration"), Tag("function", "checkout"), Tag("severity", "page")],
            annotations: [Tag("summary", "checkout error rate 7.5%")],
            startsAt: now / 1000 * 1000 - 60_000, endsAt: nil, generatorURL: "http://fathom.test/api/v1/query?q=x")

        try await running(dispatcher) {
            dispatcher.submit(firing: [alert], resolved: [])
            let listed = await am.pollAlerts(timeoutMs: 20_000) { alerts in
                alerts.contains { ($0["labels"] as? [String: String])?["alertname"] == "FathomIntegration" }
            }
            let found = try #require(listed?.first { ($0["labels"] as? [String: String])?["alertname"] == "FathomIntegration" },
                                     "the firing alert never showed up; log:\n\(am.log())")
            #expect((found["status"] as? [String: Any])?["state"] as? String == "active")
            #expect(found["labels"] as? [String: String] == ["alertname": "FathomIntegration", "function": "checkout",
                                                            "severity": "page"])
            #expect(found["annotations"] as? [String: String] == ["summary": "checkout error rate 7.5%"])
            #expect(found["generatorURL"] as? String == alert.generatorURL)
            #expect((found["startsAt"] as? String)?.hasPrefix(String(TimeSpec.format(alert.startsAt).dropLast())) == true,
                    "\(found)")
            // endsAt: the send time plus the validity (4 minutes by default), so in the future.
            let endsAt = try #require(found["endsAt"] as? String)
            #expect(endsAt > TimeSpec.format(SystemDispatchClock().now() + 60_000), "\(endsAt)")

            var done = alert
            done.status = .resolved
            done.endsAt = SystemDispatchClock().now()
            dispatcher.submit(firing: [], resolved: [done])
            let cleared = await am.pollAlerts(timeoutMs: 20_000) { alerts in
                !alerts.contains { ($0["labels"] as? [String: String])?["alertname"] == "FathomIntegration" }
            }
            #expect(cleared != nil, "the resolved alert is still listed; log:\n\(am.log())")
            // Not listed under any filter either.
            let all = try await am.alerts(query: "?active=true&silenced=true&inhibited=true&unprocessed=true")
            #expect(!all.contains { ($0["labels"] as? [String: String])?["alertname"] == "FathomIntegration" })
        }
        let stats = try #require(dispatcher.stats().first)
        #expect(stats.sent == 2 && stats.failed == 0 && stats.pending == 0, "\(stats)")
    }
}

/// A real Alertmanager on a free loopback port with a temporary configuration and storage,
/// clustering off.
final class AlertmanagerProcess: @unchecked Sendable {
    let process = Process()
    let dir: URL
    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(binary: String) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-am-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = """
            route:
              receiver: fathom-test
              group_wait: 1s
            receivers:
              - name: fathom-test

            """
        try config.write(to: dir.appendingPathComponent("alertmanager.yml"), atomically: true, encoding: .utf8)
        port = try freePort()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--config.file=\(dir.appendingPathComponent("alertmanager.yml").path)",
            "--storage.path=\(dir.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
            "--cluster.listen-address=",
        ]
        _ = FileManager.default.createFile(atPath: dir.appendingPathComponent("am.log").path, contents: nil)
        let log = try FileHandle(forWritingTo: dir.appendingPathComponent("am.log"))
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// Alertmanager's own log so far.
    func log() -> String {
        (try? String(contentsOf: dir.appendingPathComponent("am.log"), encoding: .utf8)) ?? ""
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dir)
    }

    /// Waits for `GET /-/ready` to answer 200.
    func waitUntilReady(timeoutMs: Int = 20_000) async throws {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        while ContinuousClock.now < deadline {
            if !process.isRunning { throw AlertmanagerDidNotStart(log: log()) }
            if let r = try? await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL + "/-/ready"), timeout: .seconds(2)),
               r.status.code == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw AlertmanagerDidNotStart(log: log())
    }

    /// `GET /api/v2/alerts` (with `query`), parsed.
    func alerts(query: String = "") async throws -> [[String: Any]] {
        let r = try await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL + "/api/v2/alerts" + query), timeout: .seconds(5))
        let body = try await r.body.collect(upTo: 1 << 20)
        return (parseJSON(Array(body.readableBytesView)) as? [[String: Any]]) ?? []
    }

    /// Polls the alert list every 100 ms until `condition` holds; the list then, or nil on timeout.
    func pollAlerts(timeoutMs: Int, _ condition: ([[String: Any]]) -> Bool) async -> [[String: Any]]? {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        while ContinuousClock.now < deadline {
            if let list = try? await alerts(), condition(list) { return list }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    struct AlertmanagerDidNotStart: Error, CustomStringConvertible {
        let log: String
        var description: String { "alertmanager did not become ready:\n\(log)" }
    }
}

/// A loopback TCP port free right now (bound to port 0, then released).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Int32 in
            guard bind(fd, p, len) == 0 else { return -1 }
            return getsockname(fd, p, &len)
        }
    }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: addr.sin_port))
}
