import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Debian's `prometheus-alertmanager` binary, if installed (CI installs it).
private let alertmanagerBinary: String? = {
    for candidate in ["/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager", "/usr/bin/alertmanager"]
    where FileManager.default.isExecutableFile(atPath: candidate) {
        return candidate
    }
    print("SKIP: alertFiresAndResolvesInAlertmanager: prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)")
    return nil
}()

/// The whole path with real components: `fathom daemon --rules … --alertmanager …` tails logs,
/// evaluates a rule on the data's event time, and a real Alertmanager shows the alert as active;
/// once the logs show the condition cleared, Alertmanager no longer lists it. In the serialized
/// daemon process suite: these tests block a thread for a minute each, and two at once would
/// starve the 2-core machine's cooperative pool.
extension DaemonProcessTests {
    @Test(.enabled(if: alertmanagerBinary != nil, "prometheus-alertmanager is not installed; not checked"))
    func alertFiresAndResolvesInAlertmanager() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let dir = cli.directory
        let amPort = try freePort()
        let amData = dir.appendingPathComponent("am")
        try FileManager.default.createDirectory(at: amData, withIntermediateDirectories: true)
        try "route:\n  receiver: fathom\n  group_wait: 1s\nreceivers:\n  - name: fathom\n"
            .write(to: amData.appendingPathComponent("am.yml"), atomically: true, encoding: .utf8)
        let am = Process()
        am.executableURL = URL(fileURLWithPath: alertmanagerBinary!)
        am.arguments = [
            "--config.file=\(amData.path)/am.yml", "--storage.path=\(amData.path)/data",
            "--web.listen-address=127.0.0.1:\(amPort)", "--cluster.listen-address=",
        ]
        am.standardOutput = FileHandle.nullDevice
        am.standardError = FileHandle.nullDevice
        try am.run()
        defer {
            am.terminate()
            am.waitUntilExit()
        }
        let amURL = "http://127.0.0.1:\(amPort)"
        #expect(poll(timeout: 20) { (try? get(amURL + "/-/ready")) != nil }, "Alertmanager became ready")

        // Event time: each tick t is evaluated once the wall clock passes t + 1 min (the daemon is
        // caught up). Leave at least 20 s before the next minute for the second half of the logs.
        var now = Date().timeIntervalSince1970
        if now.truncatingRemainder(dividingBy: 60) > 40 {
            Thread.sleep(forTimeInterval: 61 - now.truncatingRemainder(dividingBy: 60))
            now = Date().timeIntervalSince1970
        }
        let t0 = (Int64(now) / 60 - 3) * 60_000
        let logs = dir.appendingPathComponent("logs").path
        let file = logs + "/e2e.json.log"
        // 30 invocations a minute over [t0, t0 + 2m): above the rule's threshold of 10.
        try append(file, invocations(from: t0, count: 60, every: 2_000, seed: 0)[...])

        try """
            groups:
              - name: e2e
                interval: 1m
                rules:
                  - alert: HighTraffic
                    query: sum:fn.invocations{function:e2e}
                    window: 1m
                    above: 10
                    labels:
                      severity: page
                    annotations:
                      summary: "{{ $value }} invocations in a minute"
            """.write(toFile: dir.appendingPathComponent("rules.yaml").path, atomically: true, encoding: .utf8)
        let port = try freePort()
        let daemon = try DaemonProcess(
            [logs, "--function", "e2e", "--listen", "127.0.0.1:\(port)", "--poll", "50ms", "--scan-interval", "200ms",
             "--rules", dir.appendingPathComponent("rules.yaml").path, "--alert-delay", "1m",
             "--alertmanager", amURL, "--store", cli.store],
            cli: cli)
        defer { daemon.killIfRunning() }

        func active() -> [[String: Any]] {
            guard let body = try? get(amURL + "/api/v2/alerts"),
                let list = try? JSONSerialization.jsonObject(with: body) as? [[String: Any]]
            else { return [] }
            return list.filter { (($0["labels"] as? [String: Any])?["alertname"] as? String) == "HighTraffic" }
        }
        let fired = poll(timeout: 30) { !active().isEmpty }
        #expect(fired, "the alert reached Alertmanager; daemon log:\n\(daemon.stderr)")
        if fired {
            let alert = active()[0]
            #expect((alert["status"] as? [String: Any])?["state"] as? String == "active")
            #expect((alert["labels"] as? [String: Any])?["severity"] as? String == "page")
            #expect((alert["annotations"] as? [String: Any])?["summary"] as? String == "30 invocations in a minute")
            // The daemon's own view: the alert API and the counters on /metrics.
            let api = (try? get("http://127.0.0.1:\(port)/api/v1/alerts")).map { String(decoding: $0, as: UTF8.self) } ?? ""
            #expect(api.contains("HighTraffic") && api.contains("firing"), "\(api)")
            let metrics = (try? get("http://127.0.0.1:\(port)/metrics")).map { String(decoding: $0, as: UTF8.self) } ?? ""
            #expect(metrics.contains("fathom_alerts{state=\"firing\"} 1"), "\(metrics.suffix(2000))")
            #expect(metrics.contains("fathom_notifications_sent_total{notifier=\"alertmanager"), "\(metrics.suffix(2000))")
        }

        // Two invocations in [t0 + 2m, t0 + 3m): the condition clears at tick t0 + 3m, which the
        // daemon evaluates once the wall clock passes t0 + 4m.
        try append(file, invocations(from: t0 + 120_000, count: 2, every: 20_000, seed: 1)[...])
        let resolved = poll(timeout: 100) { active().isEmpty }
        #expect(resolved, "Alertmanager no longer lists the alert; daemon log:\n\(daemon.stderr)")

        let history = try cli.run(["alerts", "--history", "--output", "json"])
        #expect(history.status == 0, "\(history.stderr)")
        let transitions = (try? CLIRunner.json(history.stdout) as? [[String: Any]]) ?? []
        #expect(transitions.map { "\($0["from"] ?? "?")>\($0["to"] ?? "?")" }.reversed() == ["inactive>firing", "firing>inactive"],
                "\(history.stdout)")
        #expect(daemon.terminate() == 0, "SIGTERM exits 0: \(daemon.stderr)")
    }
}

/// Lambda JSON-format START/REPORT pairs of function e2e, `every` ms apart from `from`.
private func invocations(from: Int64, count: Int, every: Int64, seed: Int) -> [UInt8] {
    var out = ""
    for i in 0..<count {
        let t = from + Int64(i) * every
        let id = String(format: "%08x-0000-4000-8000-%012x", seed, i)
        out += "{\"time\":\"\(iso(t))\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"\(id)\",\"version\":\"1\"}}\n"
        out += "{\"time\":\"\(iso(t + 100))\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"\(id)\","
            + "\"metrics\":{\"durationMs\":100.0,\"billedDurationMs\":100,\"memorySizeMB\":128,\"maxMemoryUsedMB\":64},"
            + "\"status\":\"success\"}}\n"
    }
    return Array(out.utf8)
}

private func iso(_ ms: Int64) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
}

/// The body of a GET, or an error for a non-2xx status or no answer.
private func get(_ url: String) throws -> Data {
    let sem = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: Result<Data, any Error> = .failure(URLError(.timedOut))
    let task = URLSession.shared.dataTask(with: URL(string: url)!) { data, response, error in
        if let data, let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) {
            result = .success(data)
        } else {
            result = .failure(error ?? URLError(.badServerResponse))
        }
        sem.signal()
    }
    task.resume()
    _ = sem.wait(timeout: .now() + 5)
    return try result.get()
}

/// Calls `condition` every 250 ms until it holds (true) or `timeout` seconds pass (false).
private func poll(timeout: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.25)
    }
    return false
}
