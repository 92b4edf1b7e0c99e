import FathomCore
import Foundation
import Testing

@testable import FathomStore

@Suite struct StoreReadTests {
    /// A → c1, X1; B → c1, c2; C → c2; D → X1; E alone; A2 is a retry of A (same request id).
    private func traceStore(_ dir: TempDir) throws -> EmbeddedStore {
        let store = try dir.store()
        var batch = IngestBatch()
        batch.invocations = [
            invocation("E", start: t0),
            invocation("D", start: t0 + 40, xray: "X1"),
            invocation("C", start: t0 + 30, correlation: ["c2"]),
            invocation("B", start: t0 + 20, correlation: ["c1", "c2"]),
            invocation("A", start: t0 + 10, correlation: ["c1"], xray: "X1", lines: Array("hello A\n".utf8), lineCount: 1),
        ]
        try store.commit(batch, now: t0)
        var retry = IngestBatch()
        retry.invocations = [invocation("A", start: t0 + 50, correlation: ["c9"], status: .timeout)]
        try store.commit(retry, now: t0)
        return store
    }

    @Test func traceByCorrelationID() throws {
        let dir = TempDir()
        let store = try traceStore(dir)
        #expect(try store.invocations(linkedTo: "c2").map(\.requestID) == ["B", "C"])
        #expect(try store.invocations(linkedTo: "c1").map(\.requestID) == ["A", "B"])
        #expect(try store.invocations(linkedTo: "nothing").isEmpty)
    }

    @Test func traceByXRayID() throws {
        let dir = TempDir()
        let store = try traceStore(dir)
        #expect(try store.invocations(linkedTo: "X1").map(\.requestID) == ["A", "D"])
    }

    @Test func traceByRequestIDExpandsOneHop() throws {
        let dir = TempDir()
        let store = try traceStore(dir)
        // A (both attempts) → c1 → B, X1 → D, c9 → only the retry itself; not C (two hops, via B's c2).
        let a = try store.invocations(linkedTo: "A")
        #expect(a.map(\.requestID) == ["A", "B", "D", "A"])
        #expect(a.map(\.start) == [t0 + 10, t0 + 20, t0 + 40, t0 + 50])
        #expect(a[0].lines == Array("hello A\n".utf8))
        #expect(a[0].correlationIDs == ["c1"] && a[0].xrayTraceID == "X1")
        #expect(try store.invocations(linkedTo: "B").map(\.requestID) == ["A", "B", "C"])
        #expect(try store.invocations(linkedTo: "E").map(\.requestID) == ["E"])
    }

    @Test func sortsByStartThenRequestID() throws {
        let dir = TempDir()
        let store = try dir.store()
        var batch = IngestBatch()
        batch.invocations = ["z", "m", "a"].map { invocation($0, start: t0, correlation: ["same"]) }
            + [invocation("early", start: t0 - 1, correlation: ["same"])]
        try store.commit(batch, now: t0)
        #expect(try store.invocations(linkedTo: "same").map(\.requestID) == ["early", "a", "m", "z"])
    }

    @Test func retriesShareARequestID() throws {
        let dir = TempDir()
        let store = try traceStore(dir)
        let attempts = try store.invocation(requestID: "A")
        #expect(attempts.map(\.status) == [.ok, .timeout])
        #expect(attempts.map(\.correlationIDs) == [["c1"], ["c9"]])
        #expect(try store.invocation(requestID: "missing").isEmpty)
    }

    @Test func quarantineIsListedBySourceThenLineAndCounted() throws {
        let dir = TempDir()
        let store = try dir.store()
        func q(_ r: QuarantineReason, _ s: String, _ l: Int) -> QuarantineEntry {
            QuarantineEntry(reason: r, source: s, line: l, offset: Int64(l * 80), detail: "d\(l)", excerpt: "e\(l)")
        }
        var batch = IngestBatch()
        batch.quarantine = [q(.brokenJSON, "b.log", 7), q(.binary, "a.log", 30), q(.brokenJSON, "a.log", 4),
                            q(.lineTooLong, "b.log", 2)]
        try store.commit(batch, now: t0)
        var more = IngestBatch()
        more.quarantine = [q(.brokenJSON, "a.log", 10)]
        try store.commit(more, now: t0 + 1)

        let all = try store.quarantine(limit: 100, reason: nil)
        #expect(all.map { "\($0.source):\($0.line)" } == ["a.log:4", "a.log:10", "a.log:30", "b.log:2", "b.log:7"])
        #expect(all[0] == q(.brokenJSON, "a.log", 4))
        #expect(try store.quarantine(limit: 2, reason: nil).map(\.line) == [4, 10])
        #expect(try store.quarantine(limit: 100, reason: .brokenJSON).map(\.line) == [4, 10, 7])
        #expect(try store.quarantine(limit: 100, reason: .badReport).isEmpty)
        let counts = try store.quarantineCounts()
        #expect(counts.map(\.0) == [.binary, .brokenJSON, .lineTooLong])
        #expect(counts.map(\.1) == [1, 3, 1])
    }

    @Test func resetDeletesDataAndKeepsTheSchema() throws {
        let dir = TempDir()
        let store = try traceStore(dir)
        var batch = IngestBatch()
        batch.rollups[key("duration")] = [t0: rollup([1], at: t0)]
        batch.quarantine = [QuarantineEntry(reason: .binary, source: "s", line: 1, offset: 0, detail: "", excerpt: "")]
        batch.checkpoints = [SourceCheckpoint(fingerprint: 5, fingerprintLength: 3, path: "s", offset: 3, lines: 1)]
        try store.commit(batch, now: t0)
        #expect(try store.rollups(of: [key("duration")], from: t0, to: t0 + minute)[key("duration")]!.count == 1)

        try store.reset()
        let stats = try store.stats()
        #expect([stats.series, stats.rollups, stats.invocations, stats.quarantine, stats.sources] == [Int](repeating: 0, count: 5))
        #expect(try store.dataRange() == nil)
        #expect(try store.series(named: nil).isEmpty)
        #expect(try store.rollups(of: [key("duration")], from: t0, to: t0 + minute)[key("duration")] == [])
        #expect(try store.invocations(linkedTo: "c1").isEmpty)

        // Usable again, the same series under a new id.
        try store.commit(batch, now: t0)
        #expect(try store.rollups(of: [key("duration")], from: t0, to: t0 + minute)[key("duration")]!.map(\.rollup)
            == [rollup([1], at: t0)])
        #expect(try dir.store().stats().series == 1)
    }

    @Test func retentionDropsOldLinesOnly() throws {
        let dir = TempDir()
        let store = try dir.store()
        // Two commits, two line chunks: retention drops a chunk when its newest invocation is old.
        var batch = IngestBatch()
        batch.invocations = [invocation("old", start: t0, correlation: ["c"], lines: Array("old line\n".utf8), lineCount: 1)]
        try store.commit(batch, now: t0)
        batch.invocations = [
            invocation("new", start: t0 + 10 * minute, correlation: ["c"], lines: Array("new line\n".utf8), lineCount: 1),
        ]
        try store.commit(batch, now: t0)
        #expect(try store.applyRetention(linesOlderThan: t0 + minute) == 1)
        #expect(try store.applyRetention(linesOlderThan: t0 + minute) == 0)
        let both = try store.invocations(linkedTo: "c")
        #expect(both.map(\.requestID) == ["old", "new"])
        #expect(both[0].lines.isEmpty && both[0].lineCount == 1 && both[0].durationMs == 11.5)
        #expect(both[1].lines == Array("new line\n".utf8))
        let stats = try store.stats()
        #expect(stats.invocations == 2 && stats.invocationsWithLines == 1)
    }

    @Test func retentionKeepsAChunkWhileItsNewestInvocationIsRecent() throws {
        let dir = TempDir()
        let store = try dir.store()
        var batch = IngestBatch()
        batch.invocations = [
            invocation("old", start: t0, correlation: ["c"], lines: Array("old line\n".utf8), lineCount: 1),
            invocation("new", start: t0 + 10 * minute, correlation: ["c"], lines: Array("new line\n".utf8), lineCount: 1),
        ]
        try store.commit(batch, now: t0)
        #expect(try store.applyRetention(linesOlderThan: t0 + minute) == 0)
        #expect(try store.invocations(linkedTo: "c").map(\.lines) == [Array("old line\n".utf8), Array("new line\n".utf8)])
        #expect(try store.applyRetention(linesOlderThan: t0 + 11 * minute) == 2)
        #expect(try store.invocations(linkedTo: "c").allSatisfy { $0.lines.isEmpty && $0.lineCount == 1 })
    }
}
