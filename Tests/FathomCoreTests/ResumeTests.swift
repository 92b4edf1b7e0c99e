import Testing
@testable import FathomCore

/// What a sequence of committed batches adds up to, compared in a way that does not depend on
/// where the batches were cut: invocations by request id, rollups merged per series and minute.
struct RSTotals {
    var invocations: [Invocation] = []
    var rollups: [SeriesKey: [Int64: Rollup]] = [:]
    var quarantine: [QuarantineEntry] = []

    mutating func add(_ b: IngestBatch) {
        invocations += b.invocations
        for (k, minutes) in b.rollups {
            for (m, r) in minutes { rollups[k, default: [:]][m, default: Rollup()].merge(r) }
        }
        quarantine += b.quarantine
    }

    func expectEqual(_ o: RSTotals, _ label: String) {
        let a = invocations.sorted { ($0.requestID, $0.start) < ($1.requestID, $1.start) }
        let b = o.invocations.sorted { ($0.requestID, $0.start) < ($1.requestID, $1.start) }
        #expect(a.count == b.count, "invocation count: \(label)")
        for (x, y) in zip(a, b) where x != y {
            Issue.record("invocation \(x.requestID) differs: \(label)")
            break
        }
        #expect(rollups.keys.sorted() == o.rollups.keys.sorted(), "series: \(label)")
        for (k, minutes) in rollups {
            for (m, r) in minutes {
                guard let s = o.rollups[k]?[m] else {
                    Issue.record("\(k.text) @\(m) missing: \(label)")
                    return
                }
                #expect(r.count == s.count && r.min == s.min && r.max == s.max && r.sketch == s.sketch,
                        "\(k.text) @\(m): \(label)")
                #expect(abs(r.sum - s.sum) <= 1e-9 * Swift.max(1, abs(r.sum)), "\(k.text) @\(m) sum: \(label)")
            }
        }
        let qa = quarantine.map { "\($0.source):\($0.line):\($0.reason)" }.sorted()
        let qb = o.quarantine.map { "\($0.source):\($0.line):\($0.reason)" }.sorted()
        #expect(qa == qb, "quarantine: \(label)")
    }
}

@Suite struct ResumeTests {
    static let files: [GeneratedFile] = {
        var g = try! LogGenerator(GeneratorConfig(seed: 11, invocations: 400, functions: 3, seconds: 600,
                                                  format: .text, outDir: "logs"))
        return g.run().files
    }()

    static func info(_ f: GeneratedFile) -> SourceInfo { SourceInfo.from(path: f.path!) }

    static func identity(_ bytes: [UInt8]) -> (value: UInt64, length: Int) {
        let p = bytes.prefix(SourceCheckpoint.maxFingerprintLength)
        return (Fingerprint.of(p), p.count)
    }

    /// Every file whole, one after another.
    static func sequential() -> (RSTotals, IngestStats) {
        var ing = Ingestor(config: IngestConfig())
        var t = RSTotals()
        for f in files {
            ing.begin(info(f), fingerprint: identity(f.bytes))
            ing.feed(f.bytes)
            ing.end()
            t.add(ing.takeBatch())
        }
        t.add(ing.finish())
        return (t, ing.stats)
    }

    @Test func corpusHasSeveralFilesAndInvocations() {
        #expect(Self.files.count >= 6)
        let (t, stats) = Self.sequential()
        #expect(stats.invocations >= 400)
        #expect(t.invocations.count >= 400)
    }

    /// Files read a few random bytes at a time, taking turns, as a daemon tails them.
    @Test(arguments: [UInt64(1), 2, 3])
    func interleavedCursorsEqualSequential(seed: UInt64) {
        var rng = TestRandom(seed: seed)
        var ing = Ingestor(config: IngestConfig())
        var cursors: [SourceCursor?] = Array(repeating: nil, count: Self.files.count)
        var offsets = Array(repeating: 0, count: Self.files.count)
        var t = RSTotals()
        var round = 0
        while offsets.indices.contains(where: { offsets[$0] < Self.files[$0].bytes.count }) {
            for i in Self.files.indices where offsets[i] < Self.files[i].bytes.count {
                let bytes = Self.files[i].bytes
                if let c = cursors[i] { ing.resume(c) } else { ing.begin(Self.info(Self.files[i]), fingerprint: Self.identity(bytes)) }
                let n = Swift.min(Int.random(in: 1...3000, using: &rng), bytes.count - offsets[i])
                ing.feed(Array(bytes[offsets[i]..<(offsets[i] + n)]))
                offsets[i] += n
                cursors[i] = ing.suspend()
            }
            round += 1
            if round % 7 == 0 { t.add(ing.takeBatch()) }
        }
        for c in cursors {
            ing.resume(c!)
            ing.end()
        }
        t.add(ing.finish())
        let (clean, cleanStats) = Self.sequential()
        t.expectEqual(clean, "seed \(seed)")
        #expect(ing.stats.lines == cleanStats.lines)
        #expect(ing.stats.invocations == cleanStats.invocations)
        #expect(ing.stats.metricSamples == cleanStats.metricSamples)
    }

    /// Crashes at random points: what was committed (batches, checkpoints and the saved state)
    /// is all a new ingestor gets; everything after the last commit is lost and read again.
    @Test(arguments: [UInt64(5), 6, 7, 8])
    func crashAndRestoreCountsEverythingOnce(seed: UInt64) throws {
        var rng = TestRandom(seed: seed)
        var committed = RSTotals()
        var checkpoints: [Int: SourceCheckpoint] = [:]  // file index → checkpoint
        var state: [UInt8]? = nil
        var crashes = 0
        var restoredInFlight = 0
        var finalStats = IngestStats()
        run: while true {
            var ing = Ingestor(config: IngestConfig())
            if let state {
                try ing.restoreState(state)
                restoredInFlight += ing.inFlightCount
            }
            var cursors: [SourceCursor?] = Array(repeating: nil, count: Self.files.count)
            var offsets = Self.files.indices.map { Int(checkpoints[$0]?.offset ?? 0) }
            var pending = RSTotals()
            var pendingCheckpoints: [Int: SourceCheckpoint] = [:]
            while offsets.indices.contains(where: { offsets[$0] < Self.files[$0].bytes.count }) {
                for i in Self.files.indices where offsets[i] < Self.files[i].bytes.count {
                    let bytes = Self.files[i].bytes
                    if let c = cursors[i] {
                        ing.resume(c)
                    } else {
                        let known = checkpoints[i]
                        ing.begin(Self.info(Self.files[i]), fingerprint: Self.identity(bytes),
                                  resume: known.map { ($0.offset, $0.lines) })
                        if let known { ing.feed(Array(bytes[0..<Int(known.offset)])) }  // skipped, as a re-read file is
                    }
                    let n = Swift.min(Int.random(in: 1...2000, using: &rng), bytes.count - offsets[i])
                    ing.feed(Array(bytes[offsets[i]..<(offsets[i] + n)]))
                    offsets[i] += n
                    cursors[i] = ing.suspend()
                }
                if Int.random(in: 0..<5, using: &rng) == 0 {
                    // A commit: batch, checkpoints and state in one transaction.
                    let batch = ing.takeBatch()
                    pending.add(batch)
                    for c in batch.checkpoints {
                        let i = Self.files.firstIndex { Self.info($0).name == c.path }!
                        pendingCheckpoints[i] = c
                    }
                    committed.invocations += pending.invocations
                    for (k, m) in pending.rollups { for (t, r) in m { committed.rollups[k, default: [:]][t, default: Rollup()].merge(r) } }
                    committed.quarantine += pending.quarantine
                    pending = RSTotals()
                    checkpoints.merge(pendingCheckpoints) { $1 }
                    pendingCheckpoints = [:]
                    state = ing.savedState()
                }
                if crashes < 6 && Int.random(in: 0..<9, using: &rng) == 0 {
                    crashes += 1
                    continue run  // everything since the last commit is lost
                }
            }
            for c in cursors.compactMap({ $0 }) {
                ing.resume(c)
                ing.end()
            }
            committed.add(ing.finish())
            finalStats = ing.stats
            break
        }
        #expect(crashes > 0)
        #expect(restoredInFlight > 0)
        let (clean, cleanStats) = Self.sequential()
        committed.expectEqual(clean, "seed \(seed), \(crashes) crashes, \(restoredInFlight) restored in flight")
        #expect(finalStats.lines == cleanStats.lines)
        #expect(finalStats.invocations == cleanStats.invocations)
        #expect(finalStats.metricSamples == cleanStats.metricSamples)
        #expect(finalStats.quarantined == cleanStats.quarantined)
    }

    @Test func stateRoundTripsAndRejectsDamage() throws {
        var ing = Ingestor(config: IngestConfig())
        let f = Self.files[0]
        ing.begin(Self.info(f), fingerprint: Self.identity(f.bytes))
        ing.feed(Array(f.bytes.prefix(f.bytes.count / 2)))
        _ = ing.suspend()
        _ = ing.takeBatch()
        let saved = ing.savedState()
        var other = Ingestor(config: IngestConfig())
        try other.restoreState(saved)
        #expect(other.savedState() == saved)
        #expect(other.inFlightCount == ing.inFlightCount)
        #expect(throws: SerializationError.self) { try Ingestor(config: IngestConfig()).restoreStateCopy(Array(saved.dropLast())) }
        #expect(throws: SerializationError.self) { try Ingestor(config: IngestConfig()).restoreStateCopy([9] + saved.dropFirst()) }
    }

    @Test func partialLineIsHeldThenFlushed() {
        var ing = Ingestor(config: IngestConfig())
        ing.begin(SourceInfo(name: "a.log", function: "a"), fingerprint: (1, 1))
        ing.feed(Array("START RequestId: 11111111-1111-4111-8111-111111111111 Version: 1\nREPORT RequestId: 11111111-1111-4111-8111-111111111111\tDuration: 2.00 ms".utf8))
        var c = ing.suspend()
        #expect(c.hasPartialLine)
        #expect(ing.takeBatch().invocations.isEmpty)
        ing.resume(c)
        ing.flushPartialLine()
        c = ing.suspend()
        #expect(!c.hasPartialLine)
        #expect(c.consumed == c.seen)
        let b = ing.takeBatch()
        #expect(b.invocations.map(\.durationMs) == [2])
        #expect(ing.stats.flushedPartialLines == 1)
    }

    @Test func forgottenStreamsAreReused() {
        var ing = Ingestor(config: IngestConfig())
        for name in ["a.log", "b.log"] {
            ing.begin(SourceInfo(name: name, function: "f"))
            ing.feed(Array("hello\n".utf8))
            ing.end()
        }
        #expect(ing.streamCount == 2)
        #expect(ing.forgetStreams(ofSource: "a.log") == 1)
        #expect(ing.streamCount == 1)
        ing.begin(SourceInfo(name: "c.log", function: "f"))
        ing.end()
        #expect(ing.streamCount == 2)
        #expect(ing.streams.count == 2)
    }
}

extension Ingestor {
    /// `restoreState` on a copy, for `#expect(throws:)`.
    func restoreStateCopy(_ bytes: [UInt8]) throws(SerializationError) {
        var copy = self
        try copy.restoreState(bytes)
    }
}
