import FathomCore
import FathomIO
import Foundation
import Testing

@testable import FathomStore

/// Commit throughput, printed. Off unless `FATHOM_STORE_BENCH=1` (numbers from a debug build mean
/// little: run `FATHOM_STORE_BENCH=1 swift test -c release --filter StoreBenchmark`).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FATHOM_STORE_BENCH"] != nil))
struct StoreBenchmarkTests {
    static let total = Int(ProcessInfo.processInfo.environment["FATHOM_STORE_BENCH_ROWS"] ?? "") ?? 200_000
    static let batchSize = 10_000

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

    static func batches(withLines: Bool) -> [IngestBatch] {
        stride(from: 0, to: total, by: batchSize).map { base in
            var batch = IngestBatch()
            batch.invocations = (base..<base + batchSize).map { i in
                let l = withLines ? lines(i) : []
                return invocation(
                    "req-\(i)", start: t0 + Int64(i) * 5, correlation: ["ord-\(i % 977)"], xray: "1-abc-\(i / 3)",
                    lines: l, lineCount: withLines ? 5 : 0)
            }
            return batch
        }
    }

    func measure(_ label: String, rows: Int, _ body: () throws -> Void) rethrows {
        let clock = ContinuousClock()
        let elapsed = try clock.measure(body)
        let seconds = Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds)
        print("BENCH \(label): \(rows) rows in \(String(format: "%.3f", seconds)) s = \(Int(Double(rows) / seconds)) rows/s")
    }

    @Test func invocationsWithoutLines() throws {
        let dir = TempDir()
        let store = try dir.store()
        let batches = Self.batches(withLines: false)
        try measure("invocations, no lines, 2 links each", rows: Self.total) {
            for b in batches { try store.commit(b, now: t0) }
        }
        #expect(try store.stats().invocations == Self.total)
    }

    @Test func invocationsWithLines() throws {
        let dir = TempDir()
        let store = try dir.store()
        let batches = Self.batches(withLines: true)
        let raw = batches.reduce(0) { $0 + $1.invocations.reduce(0) { $0 + $1.lines.count } }
        let clock = ContinuousClock()
        let compressOnly = clock.measure {
            for b in batches { for inv in b.invocations { _ = Deflate.compress(inv.lines) } }
        }
        print("BENCH compression alone: \(raw) raw bytes in \(compressOnly)")
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
