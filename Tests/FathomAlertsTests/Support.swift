import FathomAlerts
import FathomCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A logger that drops everything.
let quietLogger = Logger(label: "fathom-alerts-test") { _ in SwiftLogNoOpLogHandler() }

/// 2026-11-20T08:00:00Z in ms.
let t0: Int64 = 1_795_161_600_000

/// A firing alert `name` for function `fn`.
func firingAlert(_ name: String = "HighErrorRate", function fn: String = "checkout", since: Int64 = t0) -> AlertNotification {
    AlertNotification(
        status: .firing,
        labels: [Tag("severity", "page"), Tag("alertname", name), Tag("function", fn)],
        annotations: [Tag("summary", "\(fn) error rate is 7.5%"), Tag("runbook", "https://runbooks.example/errors")],
        startsAt: since, endsAt: nil, generatorURL: "http://fathom.example:9464/api/v1/query?q=errors")
}

/// `alert` resolved at `at`.
func resolvedAlert(_ alert: AlertNotification, at: Int64) -> AlertNotification {
    var a = alert
    a.status = .resolved
    a.endsAt = at
    return a
}

/// A notifier for tests: records each attempt (alerts and send time), fails the first
/// `failures` attempts (or all, `failures = .max`), or hangs until cancelled when `hangs`.
final class FakeNotifier: Notifier {
    struct Attempt: Sendable {
        var alerts: [AlertNotification]
        var now: Int64
        var succeeded: Bool
    }

    let name: String
    let mode: DeliveryMode
    let hangs: Bool
    private let state: Mutex<(attempts: [Attempt], failures: Int)>

    init(_ name: String = "fake", mode: DeliveryMode = .changes, failures: Int = 0, hangs: Bool = false) {
        self.name = name
        self.mode = mode
        self.hangs = hangs
        state = Mutex((attempts: [], failures: failures))
    }

    var attempts: [Attempt] { state.withLock { $0.attempts } }
    /// The successful deliveries.
    var delivered: [Attempt] { attempts.filter(\.succeeded) }

    func send(_ alerts: [AlertNotification], now: Int64) async throws {
        if hangs {
            state.withLock { $0.attempts.append(Attempt(alerts: alerts, now: now, succeeded: false)) }
            try await Task.sleep(for: .seconds(3600))
        }
        let fail = state.withLock { s -> Bool in
            let fail = s.failures > 0
            if fail && s.failures != .max { s.failures -= 1 }
            s.attempts.append(Attempt(alerts: alerts, now: now, succeeded: !fail))
            return fail
        }
        if fail { throw NotifierError(notifier: name, message: "down") }
    }
}

/// Polls `condition` (real time, every ms) until it holds or `timeoutMs` passes; whether it holds.
@discardableResult
func eventually(timeoutMs: Int = 120_000, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return condition()
}

/// Runs `service` in a ServiceGroup around `body`, then shuts it down gracefully.
func running<T: Sendable>(_ service: some Service, _ body: () async throws -> T) async throws -> T {
    let group = ServiceGroup(configuration: .init(services: [service], logger: quietLogger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// Compares `actual` with the golden file `Golden/name` (record with RECORD_GOLDEN=1).
func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
        try actual.write(to: url, atomically: true, encoding: .utf8)
        Issue.record("recorded golden file \(name); run again without RECORD_GOLDEN", sourceLocation: sourceLocation)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("missing golden file \(name) (record with RECORD_GOLDEN=1)", sourceLocation: sourceLocation)
        return
    }
    #expect(expected == actual, "output differs from golden file \(name)", sourceLocation: sourceLocation)
}

/// Parses JSON bytes (nil when invalid).
func parseJSON(_ bytes: [UInt8]) -> Any? { try? JSONSerialization.jsonObject(with: Data(bytes)) }

/// Pretty-prints JSON bytes with sorted keys (for goldens that humans read).
func prettyJSON(_ bytes: [UInt8]) throws -> String {
    let object = try JSONSerialization.jsonObject(with: Data(bytes))
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
}
