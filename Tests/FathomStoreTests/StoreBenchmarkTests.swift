import FathomCore
import FathomIO
import Foundation
import Testing

@testable import FathomStore

/// Commit throughput, printed. Off unless `FATHOM_STORE_BENCH=1` (numbers from a debug build mean
/// little: run `FATHOM_STORE_BENCH=1 swift test -c release --filter StoreBenchmark`).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["FATHOM_STORE_BENCH"] != nil))
struct StoreBenchmarkTests {
    static let total = Int(ProcessInfo.processInfo.environment["FATHOM_STORE_BENCH_ROWS"] ?? "") ?? 200_000
    static let batchSize = Int(ProcessInfo.processInfo.environment["FATHOM_STORE_BENCH_BATCH"] ?? "") ?? 10_000

    /// About 700 bytes of typical JSON log lines for invocation `i`.
    static func lines(_ i: Int) -> [UInt8] {
        var out: [UInt8] = []
        for k in 0..<5 {
            out += Array(
                "{\"timestamp\":\"2024-01-01T00:00:\(10 + k).123Z\",\"level\":\"INFO\",\"requestId\":\"req-\(i)\",\"message\":\"step \(k) done\",\"orderId\":\"ord-\(i % 977)\",\"items\":\(i % 13)}\n"
                    .utf8)
        }
        return out
    }

    /// Whether each invocation carries a correlation id and an X-Ray id (FATHOM_STORE_BENCH_LINKS=0: none).
    static let links = ProcessInfo.processInfo.environment["FATHOM_STORE_BENCH_LINKS"] != "0"

    static func batches(withLines: Bool) -> [IngestBatch] {
        stride(from: 0, to: total, by: batchSize).map { base in
            var batch = IngestBatch()
            batch.invocations = (base..<base + batchSize).map { i in
                let l = withLines ? lines(i) : []
                return invocation(
                    "req-\(i)", start: t0 + Int64(i) * 5, correlation: links ? ["ord-\(i % 977)"] : [],
                    xray: links ? "1-5e1b4151-\(String(i / 3, radix: 16))" : nil, lines: l, lineCount: withLines ? 5 : 0)
            }
            return batch
        }
    }

    /// CPU time of this thread, in seconds (wall time is noisy on a shared machine).
    static func cpuTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Runs `body`, printing rows per second of wall and of CPU time.
    func measure(_ label: String, rows: Int, _ body: () throws -> Void) rethrows {
        let clock = ContinuousClock()
        let cpu0 = Self.cpuTime()
        let elapsed = try clock.measure(body)
        let cpu = Self.cpuTime() - cpu0
        let wall = Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds)
        print(
            "BENCH \(label): \(rows) rows, wall \(String(format: "%.3f", wall)) s = \(Int(Double(rows) / wall)) rows/s, "
                + "cpu \(String(format: "%.3f", cpu)) s = \(Int(Double(rows) / cpu)) rows/s")
    }

    @Test func invocationsWithoutLines() throws {
        let dir = TempDir()
        let store = try dir.store()
        let batches = Self.batches(withLines: false)
        try measure("invocations, no lines, \(Self.links ? 2 : 0) links each", rows: Self.total) {
            for b in batches { try store.commit(b, now: t0) }
        }
        #expect(try store.stats().invocations == Self.total)
    }

    @Test func invocationsWithLines() throws {
        let dir = TempDir()
        let store = try dir.store()
        let batches = Self.batches(withLines: true)
        let raw = batches.reduce(0) { $0 + $1.invocations.reduce(0) { $0 + $1.lines.count } }
        var packed = 0
        measure("Deflate.compress alone (\(raw) bytes)", rows: Self.total) {
            for b in batches { for inv in b.invocations { packed += Deflate.compress(inv.lines).count } }
        }
        print("BENCH compressed \(raw) to \(packed) bytes")
        try measure("invocations, ~\(raw / Self.total) B of lines each", rows: Self.total) {
            for b in batches { try store.commit(b, now: t0) }
        }
        let stats = try store.stats()
        print("BENCH database size \(stats.bytes) bytes for \(raw) raw bytes of lines")
        #expect(stats.invocationsWithLines == Self.total)
    }

    @Test func rollupMerges() throws {
        let dir = TempDir()
        let store = try dir.store()
        var batch = IngestBatch()
        for s in 0..<2_000 {
            var minutes: [Int64: Rollup] = [:]
            for m in 0..<10 { minutes[t0 + Int64(m) * minute] = rollup([Double(s), Double(m)], at: t0) }
            batch.rollups[key("m\(s % 20)", .distribution, function: "f\(s / 20)")] = minutes
        }
        try measure("rollups, new", rows: 20_000) { try store.commit(batch, now: t0) }
        try measure("rollups, merged into stored", rows: 20_000) { try store.commit(batch, now: t0) }
        #expect(try store.stats().rollups == 20_000)
    }
}
