import FathomCore
import Foundation
import Logging
import Synchronization
import Testing
@testable import FathomAlerts

/// The JSON-lines file and the log line.
@Suite struct FileAndLogNotifierTests {
    @Test func jsonLinesAppendsAndCreates() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("alerts.jsonl").path
        let file = JSONLinesNotifier(path: path)
        try await file.send([firingAlert(), firingAlert(function: "payments")], now: t0)
        try await file.send([resolvedAlert(firingAlert(), at: t0 + 60_000)], now: t0 + 61_000)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && text.hasSuffix("\n"))
        #expect(lines[2] == String(decoding: AlertPayload.jsonLine(resolvedAlert(firingAlert(), at: t0 + 60_000),
                                                                   sentAt: t0 + 61_000), as: UTF8.self))
        for line in lines { #expect(parseJSON(Array(line.utf8)) is [String: Any]) }
        let missing = JSONLinesNotifier(path: dir.appendingPathComponent("no/such/dir.jsonl").path)
        let error = await #expect(throws: NotifierError.self) { try await missing.send([firingAlert()], now: t0) }
        #expect(error?.message.hasPrefix("cannot open") == true)
    }

    @Test func logLinePerAlert() async throws {
        let box = LogBox()
        let logger = Logger(label: "t") { _ in CapturingHandler(box: box) }
        try await LogNotifier(logger: logger).send(
            [firingAlert(), resolvedAlert(firingAlert(function: "x"), at: t0 + 1000)], now: t0)
        let got = box.lines.withLock { $0 }
        #expect(got.map(\.0) == [.warning, .notice])
        #expect(got.map(\.1) == [#"alert firing HighErrorRate {function="checkout", severity="page"}"#,
                                 #"alert resolved HighErrorRate {function="x", severity="page"}"#])
        #expect(got[1].2["endsAt"] == "2026-11-20T08:00:01Z")
        #expect(got[0].2["summary"] == "checkout error rate is 7.5%")
    }
}

/// Log records collected by `CapturingHandler`.
final class LogBox: Sendable {
    let lines = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])
}

/// Collects log records.
struct CapturingHandler: LogHandler {
    let box: LogBox
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        box.lines.withLock { $0.append((event.level, "\(event.message)", event.metadata ?? [:])) }
    }
}
