import Foundation
import Testing
@testable import FathomCore

/// `promtool` from PATH, if installed (Debian: `apt-get install prometheus`).
private let promtoolPath: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for dir in path.split(separator: ":") {
        let candidate = String(dir) + "/promtool"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}()

@Suite struct PromtoolCheckTests {
    /// An exposition with every built-in family and every custom kind, escaping, extreme values,
    /// an empty-window summary and skipped collisions.
    private func exposition() -> [UInt8] {
        var agg = MetricAggregator()
        for i in 0..<40 {
            let t = Int64(600_000 + i * 7_000)
            agg.add(Invocation(
                requestID: "r\(i)", function: i % 3 == 0 ? "checkout" : "api \"v2\"\n", version: i % 2 == 0 ? "1" : "$LATEST",
                start: t, end: t + 100, durationMs: Double(10 + i * 13), billedDurationMs: Double(11 + i * 13),
                memorySizeMB: 256, maxMemoryUsedMB: Double(60 + i), initDurationMs: i % 10 == 0 ? 250 : nil,
                restoreDurationMs: i == 5 ? 30 : nil, status: i % 7 == 0 ? .error : (i == 9 ? .timeout : .ok)))
        }
        let tags = [Tag("function", "api"), Tag("version", "1"), Tag("env.name", "prod\\eu"), Tag("quantile", "x")]
        var m = CumulativeMetrics()
        m.add(agg.take())
        m.add(promRollups([
            (SeriesKey(name: "orders.placed", kind: .count, tags: tags), 10, [1, 2, 3]),
            (SeriesKey(name: "requests_total", kind: .count, tags: tags), 10, [1]),
            (SeriesKey(name: "queue.depth", kind: .gauge, tags: tags), 10, [1.5e20, 3]),
            (SeriesKey(name: "tiny.value", kind: .gauge, tags: []), 10, [1e-07]),
            (SeriesKey(name: "db.health", kind: .check, tags: tags + [Tag("__name__", "n")]), 10, [2]),
            (SeriesKey(name: "payload.size.bytes", kind: .distribution, tags: tags), 10, [100, 2000, 30]),
            (SeriesKey(name: "payload.size.bytes", kind: .gauge, tags: []), 10, [1]),  // skipped
            (SeriesKey(name: "fathom.up", kind: .gauge, tags: []), 10, [1]),  // skipped
        ]))
        m.seed(SeriesKey(name: "old.latency.seconds", kind: .distribution, tags: []), count: 3, sum: 1.5, last: 1,
               lastTime: 0)
        var w = PrometheusWriter()
        #expect(m.render(into: &w) == 2)
        return w.bytes
    }

    @Test(.enabled(if: promtoolPath != nil, "promtool is not on PATH (apt-get install -y prometheus); not checked"))
    func promtoolAcceptsTheExposition() throws {
        let bytes = exposition()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("fathom_function_restore_duration_seconds_count"))
        #expect(text.contains("old_latency_seconds_count 3\n"))

        let p = Process()
        p.executableURL = URL(fileURLWithPath: promtoolPath!)
        p.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = output
        try p.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "promtool: \(report)\n\(text)")
        #expect(report.isEmpty, "promtool: \(report)")
    }
}
