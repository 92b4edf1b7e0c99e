import FathomCore
import Foundation
import Testing

@testable import FathomStore

private struct Injected: Error {}

@Suite struct StoreCommitTests {
    @Test func rollupsMergedAcrossCommitsEqualMergingInMemory() throws {
        let dir = TempDir()
        let store = try dir.store()
        let d = key("duration"), c = key("invocations", .count), other = key("duration", function: "worker")
        var first = IngestBatch()
        first.rollups[d] = [t0: rollup([10, 20], at: t0), t0 + minute: rollup([5], at: t0 + minute)]
        first.rollups[c] = [t0: rollup([1, 1, 1], at: t0)]
        var second = IngestBatch()
        second.rollups[d] = [t0 + minute: rollup([7, 1], at: t0 + minute + 10), t0 + 3 * minute: rollup([2], at: t0 + 3 * minute)]
        second.rollups[other] = [t0 + 2 * minute: rollup([4], at: t0 + 2 * minute)]
        try store.commit(first, now: t0)
        try store.commit(second, now: t0)

        // The same merge, in memory.
        var expected: [SeriesKey: [Int64: Rollup]] = first.rollups
        for (k, minutes) in second.rollups {
            for (m, r) in minutes { expected[k, default: [:]][m, default: Rollup()].merge(r) }
        }
        // A fresh instance, so that ids come from the file rather than the cache.
        let reader = try dir.store()
        let all = try reader.rollups(of: [d, c, other], from: t0, to: t0 + 10 * minute)
        for k in [d, c, other] {
            let want = expected[k]!.sorted { $0.key < $1.key }.map { MinuteRollup(minute: $0.key, rollup: $0.value) }
            #expect(all[k] == want, "\(k.text)")
        }
        let merged = all[d]![1].rollup
        #expect(merged.count == 3 && merged.value(.sum) == 13 && merged.value(.min) == 1 && merged.value(.max) == 7)

        let stats = try store.stats()
        #expect(stats.series == 3 && stats.rollups == 5)
        #expect(try store.dataRange()! == (t0, t0 + 4 * minute))
    }

    @Test func metricReaderFiltersByNameAndTime() throws {
        let dir = TempDir()
        let store = try dir.store()
        let a = key("duration"), b = key("duration", function: "worker"), z = key("zeta", .gauge, ["env:prod"].map { Tag($0, "") })
        var batch = IngestBatch()
        batch.rollups[a] = [t0: rollup([1], at: t0), t0 + minute: rollup([2], at: t0 + minute), t0 + 2 * minute: rollup([3], at: t0 + 2 * minute)]
        batch.rollups[b] = [t0 + 5 * minute: rollup([4], at: t0 + 5 * minute)]
        batch.rollups[z] = [t0: rollup([9], at: t0)]
        try store.commit(batch, now: t0)

        let durations = try store.series(named: "duration")
        #expect(durations == [
            SeriesInfo(key: a, firstSeen: t0, lastSeen: t0 + 2 * minute),
            SeriesInfo(key: b, firstSeen: t0 + 5 * minute, lastSeen: t0 + 5 * minute),
        ])
        #expect(try store.series(named: nil).map(\.key) == [a, b, z])
        #expect(try store.series(named: "nope").isEmpty)

        // [from, to): the minute starting at `to` is out.
        let window = try store.rollups(of: [a, b], from: t0 + minute, to: t0 + 2 * minute)
        #expect(window[a]!.map(\.minute) == [t0 + minute])
        #expect(window[b]! == [])
        let unknown = key("never")
        #expect(try store.rollups(of: [unknown], from: t0, to: t0 + 99 * minute) == [unknown: []])

        // Tags round-trip through the canonical text.
        let reread = try dir.store().series(named: "zeta")
        #expect(reread.map(\.key) == [z])
        #expect(reread.first?.key.tag("env:prod") == "")
    }

    @Test func aFailureInAnyStepWritesNothing() throws {
        let dir = TempDir()
        let store = try dir.store()
        var base = IngestBatch()
        base.rollups[key("duration")] = [t0: rollup([1], at: t0)]
        base.invocations = [invocation("base", start: t0)]
        try store.commit(base, now: t0)
        let before = try store.stats()

        var batch = IngestBatch()
        batch.rollups[key("duration")] = [t0: rollup([100], at: t0)]
        batch.rollups[key("fresh")] = [t0: rollup([1], at: t0)]
        batch.invocations = [invocation("r1", start: t0, correlation: ["c1"], lines: Array("a\n".utf8), lineCount: 1)]
        batch.quarantine = [QuarantineEntry(reason: .binary, source: "f", line: 1, offset: 0, detail: "", excerpt: "")]
        batch.checkpoints = [SourceCheckpoint(fingerprint: 42, fingerprintLength: 10, path: "f", offset: 100, lines: 3)]
        for step in [CommitStep.series, .rollups, .invocations, .quarantine, .checkpoints] {
            #expect(throws: Injected.self) {
                try store.commit(batch, now: t0) { if $0 == step { throw Injected() } }
            }
            #expect(try store.stats() == before, "after failing at \(step)")
        }
        #expect(try store.rollups(of: [key("duration")], from: t0, to: t0 + minute)[key("duration")]!.first!.rollup
            == rollup([1], at: t0))
        #expect(try store.invocation(requestID: "r1").isEmpty)
        #expect(try store.sources().isEmpty)
        // The failed commits did not leave ids of rolled-back series in the cache.
        #expect(store.seriesIDs.withLock { $0[key("fresh")] } == nil)
    }

    @Test func aConstraintViolationMidBatchWritesNothing() throws {
        let dir = TempDir()
        let store = try dir.store()
        var batch = IngestBatch()
        batch.rollups[key("duration")] = [t0: rollup([1], at: t0)]
        batch.invocations = [
            invocation("good", start: t0, correlation: ["c1"]),
            invocation("bad", start: t0 + 1, lineCount: -1),  // violates CHECK (line_count >= 0)
            invocation("after", start: t0 + 2),
        ]
        batch.checkpoints = [SourceCheckpoint(fingerprint: 1, fingerprintLength: 5, path: "f", offset: 9, lines: 1)]
        do {
            try store.commit(batch, now: t0)
            Issue.record("expected a constraint error")
        } catch let error as StoreError {
            #expect(error.description.contains(dir.path("fathom.sqlite")))
        }
        let stats = try store.stats()
        #expect(stats.series == 0 && stats.rollups == 0 && stats.invocations == 0 && stats.sources == 0)
        #expect(try store.invocations(linkedTo: "c1").isEmpty)
        // The store is still usable.
        batch.invocations.remove(at: 1)
        try store.commit(batch, now: t0)
        #expect(try store.stats().invocations == 2)
    }

    @Test func linesRoundTripThroughCompression() throws {
        let dir = TempDir()
        let store = try dir.store()
        var big: [UInt8] = []
        for i in 0..<20_000 {
            big += Array("2024-01-01T00:00:00.000Z\tr1\tINFO\t{\"i\":\(i),\"msg\":\"hello\"}\n".utf8)
        }
        let binary: [UInt8] = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) } + [10]
        var batch = IngestBatch()
        batch.invocations = [
            invocation("big", start: t0, lines: big, lineCount: 20_000),
            invocation("binary", start: t0 + 1, lines: binary, lineCount: 1),
            invocation("none", start: t0 + 2),
        ]
        try store.commit(batch, now: t0)
        let back = try dir.store()
        #expect(try back.invocation(requestID: "big") == [batch.invocations[0]])
        #expect(try back.invocation(requestID: "binary") == [batch.invocations[1]])
        #expect(try back.invocation(requestID: "none") == [batch.invocations[2]])
        // Compressed on disk.
        #expect(try back.stats().bytes < Int64(big.count / 4))
    }

    @Test func everyInvocationFieldRoundTrips() throws {
        let dir = TempDir()
        let store = try dir.store()
        let full = Invocation(
            requestID: "req-1", function: "checkout", version: "42", stream: "s", start: t0, end: t0 + 3001,
            durationMs: 3000.25, billedDurationMs: 3001, memorySizeMB: 512, maxMemoryUsedMB: 511,
            initDurationMs: 250.5, restoreDurationMs: 12.75, status: .outOfMemory, errorType: "Runtime.OutOfMemory",
            xrayTraceID: "1-5e1b4151-5ac6c58f5b5b3d1e5c6b7a8d", correlationIDs: ["a", "b,c", "d\\e"],
            lines: Array("x\ny\n".utf8), lineCount: 2)
        let sparse = Invocation(requestID: "req-2", function: "f", version: "", start: t0, end: t0)
        var batch = IngestBatch()
        batch.invocations = [full, sparse]
        try store.commit(batch, now: t0)
        #expect(try store.invocation(requestID: "req-1") == [full])
        #expect(try store.invocation(requestID: "req-2") == [sparse])
    }

    @Test func checkpointsAreFoundByTheirPrefix() throws {
        let dir = TempDir()
        let store = try dir.store()
        let content: [UInt8] = Array((0..<300).flatMap { "line \($0) of the first file\n".utf8 })
        let short = Array(content[0..<100])
        var batch = IngestBatch()
        batch.checkpoints = [
            SourceCheckpoint(
                fingerprint: Fingerprint.of(short), fingerprintLength: 100, path: "app.log", offset: 100, lines: 4),
            // An empty source: not stored (it would match everything).
            SourceCheckpoint(fingerprint: Fingerprint.of([UInt8]()), fingerprintLength: 0, path: "empty", offset: 0, lines: 0),
        ]
        try store.commit(batch, now: t0)
        #expect(try store.sources().map(\.path) == ["app.log"])

        // Exact: the same 100 bytes.
        #expect(try store.checkpoint(forPrefix: short)?.offset == 100)
        // Grown: the first 4096 bytes of the longer file start with the same 100.
        let grownPrefix = Array(content[0..<4096])
        #expect(try store.checkpoint(forPrefix: grownPrefix)?.path == "app.log")
        // Shorter than any stored length, or different: nothing.
        #expect(try store.checkpoint(forPrefix: Array(content[0..<99])) == nil)
        var different = grownPrefix
        different[50] ^= 1
        #expect(try store.checkpoint(forPrefix: different) == nil)
        #expect(try store.checkpoint(forPrefix: []) == nil)

        // Once the grown file is checkpointed under its 4096-byte prefix, that (longest) one wins.
        var grown = IngestBatch()
        grown.checkpoints = [
            SourceCheckpoint(
                fingerprint: Fingerprint.of(grownPrefix), fingerprintLength: 4096, path: "app.log", offset: 9000, lines: 300)
        ]
        try store.commit(grown, now: t0 + 1)
        #expect(try store.checkpoint(forPrefix: grownPrefix)?.offset == 9000)
        #expect(try store.checkpoint(forPrefix: short)?.offset == 100)
        // Upsert: the same identity moves forward instead of adding a row.
        grown.checkpoints[0].offset = 9500
        try store.commit(grown, now: t0 + 2)
        #expect(try store.sources().map(\.offset) == [100, 9500])
        #expect(try store.checkpoint(forPrefix: grownPrefix)
            == SourceCheckpoint(fingerprint: Fingerprint.of(grownPrefix), fingerprintLength: 4096, path: "app.log",
                                offset: 9500, lines: 300))
        // The full 64 bits survive the signed column.
        #expect(try store.sources().allSatisfy { $0.fingerprint == Fingerprint.of(content[0..<$0.fingerprintLength]) })
    }
}
