import FathomCore
import FathomStore
import Foundation
import Testing

/// The same cases against every store engine, through `any Store` only, each commit followed by
/// `flush()` (a no-op for the embedded store, a drained spool for ClickHouse).
@Suite struct StoreConformanceTests {
    // MARK: Metrics

    @Test(arguments: Backend.all)
    func samplesCommittedEqualTheirMergedRollups(_ backend: Backend) throws {
        let sample = SampleIngest.shared
        try withStore(backend) { store in
            for batch in sample.batches { try store.commitAndFlush(batch, now: t0) }
            let expected = sample.expected
            let want = try expected.series(named: nil)
            #expect(want.count > 100)
            #expect(try store.series(named: nil) == want)
            #expect(try store.series(named: "fn.duration") == expected.series(named: "fn.duration"))
            #expect(try store.series(named: "no.such.metric").isEmpty)

            let keys = want.map(\.key)
            let got = try store.rollups(of: keys, from: 0, to: .max)
            let ref = try expected.rollups(of: keys, from: 0, to: .max)
            for k in keys {
                let g = got[k] ?? [], r = ref[k] ?? []
                #expect(g.map(\.minute) == r.map(\.minute), "\(k.text)")
                #expect(zip(g, r).allSatisfy { sameData($0.rollup, $1.rollup) }, "\(k.text)")
            }
            // The totals `fathom ingest samples` prints.
            let invocations = try store.series(named: "fn.invocations").map(\.key)
            let total = try store.rollups(of: invocations, from: 0, to: .max).values
                .reduce(0.0) { $0 + $1.reduce(0.0) { $0 + $1.rollup.sum } }
            #expect(total == Double(sample.stats.invocations) && sample.stats.invocations == 608)
            #expect(Set(invocations.compactMap { $0.tag("function") }).count == 8)

            // forEachSeriesRollups visits each series once with all its minutes.
            var visited: [SeriesKey: Int] = [:]
            try store.forEachSeriesRollups { k, minutes in visited[k] = minutes.count }
            #expect(visited == Dictionary(uniqueKeysWithValues: keys.map { ($0, ref[$0]?.count ?? 0) }))
        }
    }

    @Test(arguments: Backend.all)
    func rollupsFilteredByTime(_ backend: Backend) throws {
        try withStore(backend) { store in
            let a = key("duration"), b = key("duration", function: "worker")
            var batch = IngestBatch()
            batch.rollups[a] = [t0: rollup([1], at: t0), t0 + minute: rollup([2], at: t0 + minute),
                                t0 + 2 * minute: rollup([3], at: t0 + 2 * minute)]
            batch.rollups[b] = [t0 + 5 * minute: rollup([4], at: t0 + 5 * minute)]
            try store.commitAndFlush(batch, now: t0)
            #expect(try store.series(named: "duration") == [
                SeriesInfo(key: a, firstSeen: t0, lastSeen: t0 + 2 * minute),
                SeriesInfo(key: b, firstSeen: t0 + 5 * minute, lastSeen: t0 + 5 * minute),
            ])
            // [from, to): the minute starting at `to` is out.
            let window = try store.rollups(of: [a, b], from: t0 + minute, to: t0 + 2 * minute)
            #expect(window[a]?.map(\.minute) == [t0 + minute])
            #expect(window[b] == [])
            let unknown = key("never")
            #expect(try store.rollups(of: [unknown], from: t0, to: t0 + 99 * minute) == [unknown: []])
        }
    }

    @Test(arguments: Backend.all)
    func dataRangeCountsPipelineSeriesOnlyWhenAlone(_ backend: Backend) throws {
        try withStore(backend) { store in
            #expect(try store.dataRange() == nil)
            var own = IngestBatch()
            own.rollups[SeriesKey(name: "fathom.lines", kind: .count, tags: [])] =
                [t0 + 5 * minute: rollup([10], at: t0 + 5 * minute), t0 + 30 * minute: rollup([3], at: t0 + 30 * minute)]
            try store.commitAndFlush(own, now: t0)
            let alone = try #require(try store.dataRange())
            #expect(alone == (t0 + 5 * minute, t0 + 31 * minute))

            var data = IngestBatch()
            data.rollups[key("fn.duration")] = [t0 + 10 * minute: rollup([5], at: t0 + 10 * minute)]
            data.rollups[key("fn.duration", function: "other")] = [t0 + 12 * minute: rollup([5], at: t0 + 12 * minute)]
            try store.commitAndFlush(data, now: t0)
            let range = try #require(try store.dataRange())
            #expect(range == (t0 + 10 * minute, t0 + 13 * minute))
        }
    }

    @Test(arguments: Backend.all)
    func theSameSeriesMergesAcrossCommits(_ backend: Backend) throws {
        try withStore(backend) { store in
            let d = key("fn.duration"), c = key("fn.invocations", .count), other = key("fn.duration", function: "worker")
            var first = IngestBatch()
            first.rollups[d] = [t0: rollup([10, 20], at: t0), t0 + minute: rollup([5], at: t0 + minute)]
            first.rollups[c] = [t0: rollup([1, 1, 1], at: t0)]
            var second = IngestBatch()
            second.rollups[d] = [t0 + minute: rollup([7, 1], at: t0 + minute + 10),
                                 t0 + 3 * minute: rollup([2], at: t0 + 3 * minute)]
            second.rollups[c] = [t0: rollup([1], at: t0 + 30)]
            second.rollups[other] = [t0 + 2 * minute: rollup([4], at: t0 + 2 * minute)]
            try store.commitAndFlush(first, now: t0)
            try store.commitAndFlush(second, now: t0 + 1)

            var expected = InMemoryMetricReader()
            expected.add(batch: first.rollups)
            expected.add(batch: second.rollups)
            let all = try store.rollups(of: [d, c, other], from: t0, to: t0 + 10 * minute)
            let ref = try expected.rollups(of: [d, c, other], from: t0, to: t0 + 10 * minute)
            for k in [d, c, other] {
                #expect(all[k]?.map(\.minute) == ref[k]?.map(\.minute), "\(k.text)")
                #expect(zip(all[k] ?? [], ref[k] ?? []).allSatisfy { sameData($0.rollup, $1.rollup) }, "\(k.text)")
            }
            // Counts add, extremes and quantiles come from both.
            let merged = try #require(all[d]?.first { $0.minute == t0 + minute }?.rollup)
            #expect(merged.count == 3 && merged.value(.sum) == 13 && merged.value(.min) == 1 && merged.value(.max) == 7)
            #expect(merged.value(.quantile(0.5)) == rollup([5, 7, 1], at: t0).value(.quantile(0.5)))
            #expect(all[c]?.first?.rollup.value(.sum) == 4)
            #expect(try store.series(named: "fn.duration").map(\.key) == [d, other])
            let stats = try store.stats()
            #expect(stats.series == 3 && stats.rollups == 5)
        }
    }

    // MARK: Invocations

    /// A → c1, X1; B → c1, c2; C → c2; D → X1; E alone; a second A (retry, same request id) → c9.
    private func traceData(_ store: any Store) throws {
        var batch = IngestBatch()
        batch.invocations = [
            invocation("E", start: t0),
            invocation("D", start: t0 + 40, xray: "X1"),
            invocation("C", start: t0 + 30, correlation: ["c2"]),
            invocation("B", start: t0 + 20, correlation: ["c1", "c2"]),
            invocation("A", start: t0 + 10, correlation: ["c1"], xray: "X1", lines: Array("hello A\n".utf8), lineCount: 1),
        ]
        try store.commitAndFlush(batch, now: t0)
        var retry = IngestBatch()
        retry.invocations = [invocation("A", start: t0 + 50, correlation: ["c9"], status: .timeout)]
        try store.commitAndFlush(retry, now: t0 + 1)
    }

    @Test(arguments: Backend.all)
    func invocationsLinkedByCorrelationAndXRayID(_ backend: Backend) throws {
        try withStore(backend) { store in
            try traceData(store)
            #expect(try store.invocations(linkedTo: "c2").map(\.requestID) == ["B", "C"])
            #expect(try store.invocations(linkedTo: "c1").map(\.requestID) == ["A", "B"])
            #expect(try store.invocations(linkedTo: "X1").map(\.requestID) == ["A", "D"])
            #expect(try store.invocations(linkedTo: "nothing").isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func invocationsLinkedByRequestIDGoOneHop(_ backend: Backend) throws {
        try withStore(backend) { store in
            try traceData(store)
            // A (both attempts) → c1 → B, X1 → D, c9 → only the retry; not C (two hops, via B's c2).
            let a = try store.invocations(linkedTo: "A")
            #expect(a.map(\.requestID) == ["A", "B", "D", "A"])
            #expect(a.map(\.start) == [t0 + 10, t0 + 20, t0 + 40, t0 + 50])
            #expect(a.first?.lines == Array("hello A\n".utf8))
            #expect(a.first?.correlationIDs == ["c1"] && a.first?.xrayTraceID == "X1")
            #expect(try store.invocations(linkedTo: "B").map(\.requestID) == ["A", "B", "C"])
            #expect(try store.invocations(linkedTo: "E").map(\.requestID) == ["E"])
        }
    }

    @Test(arguments: Backend.all)
    func linkedInvocationsSortByStartThenRequestID(_ backend: Backend) throws {
        try withStore(backend) { store in
            var batch = IngestBatch()
            batch.invocations = ["z", "m", "a"].map { invocation($0, start: t0, correlation: ["same"]) }
                + [invocation("early", start: t0 - 1, correlation: ["same"])]
            try store.commitAndFlush(batch, now: t0)
            #expect(try store.invocations(linkedTo: "same").map(\.requestID) == ["early", "a", "m", "z"])
        }
    }

    @Test(arguments: Backend.all)
    func aReusedRequestIDGivesEveryAttempt(_ backend: Backend) throws {
        try withStore(backend) { store in
            try traceData(store)
            let attempts = try store.invocation(requestID: "A")
            #expect(attempts.map(\.status) == [.ok, .timeout])
            #expect(attempts.map(\.start) == [t0 + 10, t0 + 50])
            #expect(attempts.map(\.correlationIDs) == [["c1"], ["c9"]])
            #expect(try store.invocation(requestID: "missing").isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func everyInvocationFieldRoundTrips(_ backend: Backend) throws {
        try withStore(backend) { store in
            let full = Invocation(
                requestID: "req-1", function: "checkout", version: "42", stream: "s", start: t0, end: t0 + 3001,
                durationMs: 3000.25, billedDurationMs: 3001, memorySizeMB: 512, maxMemoryUsedMB: 511,
                initDurationMs: 250.5, restoreDurationMs: 12.75, status: .outOfMemory, errorType: "Runtime.OutOfMemory",
                xrayTraceID: "1-5e1b4151-5ac6c58f5b5b3d1e5c6b7a8d", correlationIDs: ["a", "b,c", "d\\e"],
                lines: Array("x\ny\n".utf8), lineCount: 2)
            let sparse = Invocation(requestID: "req-2", function: "f", version: "", start: t0, end: t0)
            var batch = IngestBatch()
            batch.invocations = [full, sparse]
            try store.commitAndFlush(batch, now: t0)
            #expect(try store.invocation(requestID: "req-1") == [full])
            #expect(try store.invocation(requestID: "req-2") == [sparse])
        }
    }

    @Test(arguments: Backend.all)
    func sampleInvocationsRoundTrip(_ backend: Backend) throws {
        let sample = SampleIngest.shared
        try withStore(backend) { store in
            for batch in sample.batches { try store.commitAndFlush(batch, now: t0) }
            #expect(try store.stats().invocations == sample.invocations.count)
            // Every invocation, with its lines, by its request id.
            for inv in sample.invocations.prefix(200) {
                #expect(try store.invocation(requestID: inv.requestID).contains(inv), "\(inv.requestID)")
            }
        }
    }

    // MARK: Quarantine

    @Test(arguments: Backend.all)
    func quarantineIsListedBySourceThenLineAndCountedByReason(_ backend: Backend) throws {
        try withStore(backend) { store in
            func q(_ r: QuarantineReason, _ s: String, _ l: Int) -> QuarantineEntry {
                QuarantineEntry(reason: r, source: s, line: l, offset: Int64(l * 80), detail: "d\(l)", excerpt: "e\(l)")
            }
            #expect(try store.quarantineCounts().isEmpty)
            var batch = IngestBatch()
            batch.quarantine = [q(.brokenJSON, "b.log", 7), q(.binary, "a.log", 30), q(.brokenJSON, "a.log", 4),
                                q(.lineTooLong, "b.log", 2)]
            try store.commitAndFlush(batch, now: t0)
            var more = IngestBatch()
            more.quarantine = [q(.brokenJSON, "a.log", 10)]
            try store.commitAndFlush(more, now: t0 + 1)

            let all = try store.quarantine(limit: 100, reason: nil)
            #expect(all.map { "\($0.source):\($0.line)" } == ["a.log:4", "a.log:10", "a.log:30", "b.log:2", "b.log:7"])
            #expect(all.first == q(.brokenJSON, "a.log", 4))
            #expect(try store.quarantine(limit: 2, reason: nil).map(\.line) == [4, 10])
            #expect(try store.quarantine(limit: 100, reason: .brokenJSON).map(\.line) == [4, 10, 7])
            #expect(try store.quarantine(limit: 100, reason: .badReport).isEmpty)
            let counts = try store.quarantineCounts()
            #expect(counts.map(\.0) == [.binary, .brokenJSON, .lineTooLong])
            #expect(counts.map(\.1) == [1, 3, 1])
        }
    }

    @Test(arguments: Backend.all)
    func sampleQuarantineIsCounted(_ backend: Backend) throws {
        let sample = SampleIngest.shared
        try withStore(backend) { store in
            for batch in sample.batches { try store.commitAndFlush(batch, now: t0) }
            let counts = try store.quarantineCounts()
            #expect(counts.map(\.0) == [.badMetricValue, .brokenJSON, .nonFiniteValue])
            #expect(counts.map(\.1) == [1, 1, 1])
            #expect(try store.quarantine(limit: 10, reason: nil).count == sample.quarantine.count)
        }
    }

    // MARK: Checkpoints and ingest state

    @Test(arguments: Backend.all)
    func checkpointsAreFoundByTheirPrefixIncludingAGrownFile(_ backend: Backend) throws {
        try withStore(backend) { store in
            let content: [UInt8] = Array((0..<300).flatMap { "line \($0) of the first file\n".utf8 })
            let short = Array(content[0..<100])
            #expect(try store.checkpoint(forPrefix: short, file: nil) == nil)
            var batch = IngestBatch()
            batch.checkpoints = [
                SourceCheckpoint(fingerprint: Fingerprint.of(short), fingerprintLength: 100, path: "app.log", offset: 100,
                                 lines: 4, file: FileID(device: 1, inode: 2)),
            ]
            try store.commitAndFlush(batch, now: t0)

            #expect(try store.checkpoint(forPrefix: short, file: nil)?.offset == 100)
            // Grown: the first 4096 bytes of the longer file start with the same 100.
            let grownPrefix = Array(content[0..<4096])
            #expect(try store.checkpoint(forPrefix: grownPrefix, file: nil)?.path == "app.log")
            // A short fingerprint names a file only together with its device and inode.
            #expect(try store.checkpoint(forPrefix: grownPrefix, file: FileID(device: 1, inode: 2))?.offset == 100)
            #expect(try store.checkpoint(forPrefix: grownPrefix, file: FileID(device: 1, inode: 3)) == nil)
            // Shorter than any stored length, or different: nothing.
            #expect(try store.checkpoint(forPrefix: Array(content[0..<99]), file: nil) == nil)
            var different = grownPrefix
            different[50] ^= 1
            #expect(try store.checkpoint(forPrefix: different, file: nil) == nil)
            #expect(try store.checkpoint(forPrefix: [], file: nil) == nil)

            // Once the grown file is checkpointed under its 4096-byte prefix, that (longest) one wins.
            var grown = IngestBatch()
            grown.checkpoints = [
                SourceCheckpoint(fingerprint: Fingerprint.of(grownPrefix), fingerprintLength: 4096, path: "app.log",
                                 offset: 9000, lines: 300)
            ]
            try store.commitAndFlush(grown, now: t0 + 1)
            #expect(try store.checkpoint(forPrefix: grownPrefix, file: nil)?.offset == 9000)
            #expect(try store.checkpoint(forPrefix: short, file: nil)?.offset == 100)
            // The same identity moves forward instead of adding a checkpoint.
            grown.checkpoints[0].offset = 9500
            try store.commitAndFlush(grown, now: t0 + 2)
            #expect(try store.sources().map(\.offset) == [100, 9500])
            #expect(try store.checkpoint(forPrefix: grownPrefix, file: nil)
                == SourceCheckpoint(fingerprint: Fingerprint.of(grownPrefix), fingerprintLength: 4096, path: "app.log",
                                    offset: 9500, lines: 300))
            // The full 64 bits survive.
            #expect(try store.sources().allSatisfy { $0.fingerprint == Fingerprint.of(content[0..<$0.fingerprintLength]) })
        }
    }

    @Test(arguments: Backend.all)
    func sourcesAreSortedByPathThenFingerprint(_ backend: Backend) throws {
        try withStore(backend) { store in
            func cp(_ path: String, _ fp: UInt64, _ length: Int) -> SourceCheckpoint {
                SourceCheckpoint(fingerprint: fp, fingerprintLength: length, path: path, offset: Int64(length), lines: 1)
            }
            var batch = IngestBatch()
            batch.checkpoints = [cp("b.log", 5, 2000), cp("a.log", 9, 4096), cp("a.log", 7, 4096), cp("a.log", 99, 1500)]
            try store.commitAndFlush(batch, now: t0)
            var later = IngestBatch()
            later.checkpoints = [cp("0.log", .max, 4096)]
            try store.commitAndFlush(later, now: t0 + 1)
            let sources = try store.sources()
            #expect(sources.map { "\($0.path)/\($0.fingerprintLength)/\($0.fingerprint)" }
                == ["0.log/4096/\(UInt64.max)", "a.log/1500/99", "a.log/4096/7", "a.log/4096/9", "b.log/2000/5"])
            #expect(try store.stats().sources == 5)
        }
    }

    @Test(arguments: Backend.all)
    func sampleCheckpointsLetEverySourceResume(_ backend: Backend) throws {
        let sample = SampleIngest.shared
        try withStore(backend) { store in
            for batch in sample.batches { try store.commitAndFlush(batch, now: t0) }
            let committed = sample.batches.flatMap(\.checkpoints)
            #expect(committed.count == 26)
            let sources = try store.sources()
            #expect(sources.count == committed.count)
            #expect(sources.map(\.path) == sources.map(\.path).sorted())
            #expect(Set(sources.map(\.path)) == Set(committed.map(\.path)))
        }
    }

    @Test(arguments: Backend.all)
    func ingestStateRoundTrips(_ backend: Backend) throws {
        try withStore(backend) { store in
            #expect(try store.ingestState() == nil)
            var batch = IngestBatch()
            batch.state = [1, 2, 3, 0, 255]
            try store.commitAndFlush(batch, now: t0)
            #expect(try store.ingestState() == [1, 2, 3, 0, 255])
            // A batch without state leaves it alone.
            var plain = IngestBatch()
            plain.rollups[key("fn.duration")] = [t0: rollup([1], at: t0)]
            try store.commitAndFlush(plain, now: t0 + 1)
            #expect(try store.ingestState() == [1, 2, 3, 0, 255])
            // The newest replaces it; a real ingestor state too.
            var ingestor = Ingestor(config: IngestConfig())
            ingestor.begin(SourceInfo(name: "x"))
            ingestor.feed(Array("START RequestId: r1 Version: $LATEST\n".utf8))
            let saved = ingestor.savedState()
            batch.state = saved
            try store.commitAndFlush(batch, now: t0 + 2)
            #expect(try store.ingestState() == saved)
        }
    }

    // MARK: Alerts

    private static let a0: Int64 = 1_800_000_000_000

    private func snapshot(_ version: String, _ state: AlertState, value: Double? = 7.5, keep: Int64? = nil) -> AlertSnapshot {
        let t = Self.a0
        return AlertSnapshot(
            group: "g", rule: "High", labels: [Tag("alertname", "High"), Tag("version", version)],
            annotations: [Tag("summary", "v\(version), at 7.5: bad")], state: state,
            activeSince: state == .inactive ? nil : t, firingSince: state == .firing ? t + 60_000 : nil, value: value,
            evaluatedAt: t + 120_000, keepFiringSince: keep)
    }

    private func transition(_ i: Int64, _ from: AlertState, _ to: AlertState) -> AlertTransition {
        AlertTransition(
            time: Self.a0 + i * 60_000, group: "g", rule: "High", labels: [Tag("alertname", "High"), Tag("version", "42")],
            from: from, to: to, value: Double(i))
    }

    @Test(arguments: Backend.all)
    func alertsSaveReplaceUpsertAndTransitions(_ backend: Backend) throws {
        try withStore(backend) { store in
            #expect(try store.alertSnapshots().isEmpty)
            #expect(try store.alertsEvaluatedThrough() == nil)
            #expect(try store.alertTransitions().isEmpty)
            let saved = [snapshot("42", .firing, keep: Self.a0 + 90_000), snapshot("41", .pending, value: nil),
                         snapshot("40", .inactive)]
            try store.saveAlerts(
                snapshots: saved, transitions: [transition(0, .inactive, .pending), transition(1, .pending, .firing)],
                replacing: true)
            #expect(try store.alertSnapshots() == [saved[2], saved[1], saved[0]])
            #expect(try store.alertsEvaluatedThrough() == Self.a0 + 120_000)
            // Newest first, limited, and from a time on.
            #expect(try store.alertTransitions().map(\.to) == [.firing, .pending])
            #expect(try store.alertTransitions(limit: 1, since: nil) == [transition(1, .pending, .firing)])
            #expect(try store.alertTransitions(limit: 100, since: Self.a0 + 60_000) == [transition(1, .pending, .firing)])
            // Replacing: the state is replaced, the history appended to.
            try store.saveAlerts(snapshots: [snapshot("42", .inactive)], transitions: [transition(2, .firing, .inactive)])
            #expect(try store.alertSnapshots() == [snapshot("42", .inactive)])
            #expect(try store.alertTransitions().map(\.time) == [Self.a0 + 120_000, Self.a0 + 60_000, Self.a0])
            #expect(try store.alertTransitions(limit: 2, since: Self.a0 + 1).map(\.time) == [Self.a0 + 120_000, Self.a0 + 60_000])
            // Upserting keeps the others and replaces the same instance.
            try store.saveAlerts(snapshots: [snapshot("41", .firing)], transitions: [], replacing: false)
            #expect(try store.alertSnapshots().map { $0.label("version") } == ["41", "42"])
            try store.saveAlerts(snapshots: [snapshot("41", .pending)], transitions: [], replacing: false)
            #expect(try store.alertSnapshots().map(\.state) == [.pending, .inactive])
            // Replacing with nothing empties the state, not the history.
            try store.saveAlerts(snapshots: [], transitions: [], replacing: true)
            #expect(try store.alertSnapshots().isEmpty)
            #expect(try store.alertTransitions().count == 3)
        }
    }

    // MARK: Administration

    @Test(arguments: Backend.all)
    func resetEmptiesEverything(_ backend: Backend) throws {
        let sample = SampleIngest.shared
        try withStore(backend) { store in
            for batch in sample.batches { try store.commitAndFlush(batch, now: t0) }
            var extra = IngestBatch()
            extra.state = [7]
            try store.commitAndFlush(extra, now: t0)
            try store.saveAlerts(snapshots: [snapshot("1", .firing)], transitions: [transition(0, .inactive, .firing)])
            #expect(try store.stats().invocations > 0)

            try store.reset()
            let stats = try store.stats()
            #expect([stats.series, stats.rollups, stats.invocations, stats.invocationsWithLines, stats.quarantine,
                     stats.sources] == [Int](repeating: 0, count: 6))
            #expect(try store.dataRange() == nil)
            #expect(try store.series(named: nil).isEmpty)
            #expect(try store.sources().isEmpty)
            #expect(try store.quarantineCounts().isEmpty)
            #expect(try store.quarantine(limit: 10, reason: nil).isEmpty)
            #expect(try store.alertSnapshots().isEmpty && store.alertTransitions().isEmpty)
            #expect(try store.ingestState() == nil)
            let someID = try #require(sample.invocations.first?.requestID)
            #expect(try store.invocation(requestID: someID).isEmpty)

            // Usable again.
            try store.commitAndFlush(sample.batches[0], now: t0)
            #expect(try store.stats().sources == sample.batches[0].checkpoints.count)
            #expect(try !store.series(named: nil).isEmpty)
        }
    }

    @Test(arguments: Backend.all)
    func retentionDropsLinesButKeepsInvocations(_ backend: Backend) throws {
        try withStore(backend) { store in
            var batch = IngestBatch()
            batch.invocations = [invocation("old", start: t0, correlation: ["c"], lines: Array("old line\n".utf8), lineCount: 1)]
            try store.commitAndFlush(batch, now: t0)
            batch.invocations = [
                invocation("new", start: t0 + 10 * minute, correlation: ["c"], lines: Array("new line\n".utf8), lineCount: 1),
            ]
            try store.commitAndFlush(batch, now: t0)
            let dropped = try store.applyRetention(linesOlderThan: t0 + minute)
            try store.flush()
            // The embedded store counts; ClickHouse may not be able to.
            if backend.name == Backend.embedded.name {
                #expect(dropped == 1)
            } else {
                #expect(dropped == nil || dropped == 1)
            }
            let both = try store.invocations(linkedTo: "c")
            #expect(both.map(\.requestID) == ["old", "new"])
            #expect(both.first?.lines.isEmpty == true && both.first?.lineCount == 1 && both.first?.durationMs == 11.5)
            #expect(both.last?.lines == Array("new line\n".utf8))
            #expect(try store.invocation(requestID: "old").first?.lines.isEmpty == true)
            let stats = try store.stats()
            #expect(stats.invocations == 2 && stats.invocationsWithLines == 1)
        }
    }

    @Test(arguments: Backend.all)
    func statsCountWhatWasCommitted(_ backend: Backend) throws {
        try withStore(backend) { store in
            let empty = try store.stats()
            #expect([empty.series, empty.rollups, empty.invocations, empty.quarantine, empty.sources] == [Int](repeating: 0, count: 5))
            var batch = IngestBatch()
            batch.rollups[key("fn.duration")] = [t0: rollup([1], at: t0), t0 + minute: rollup([2], at: t0 + minute)]
            batch.rollups[key("fn.invocations", .count)] = [t0: rollup([1, 1], at: t0)]
            batch.invocations = [invocation("r1", start: t0, lines: Array("l\n".utf8), lineCount: 1),
                                 invocation("r2", start: t0 + 1)]
            batch.quarantine = [QuarantineEntry(reason: .binary, source: "s", line: 3, offset: 9, detail: "", excerpt: "")]
            batch.checkpoints = [SourceCheckpoint(fingerprint: 5, fingerprintLength: 2048, path: "s", offset: 3, lines: 1)]
            try store.commitAndFlush(batch, now: t0)
            // The same rollups again merge: no new rows.
            var again = IngestBatch()
            again.rollups = batch.rollups
            try store.commitAndFlush(again, now: t0 + 1)
            let stats = try store.stats()
            #expect(stats.series == 2)
            #expect(stats.rollups == 3)
            #expect(stats.invocations == 2 && stats.invocationsWithLines == 1)
            #expect(stats.quarantine == 1 && stats.sources == 1)
            #expect(stats.bytes > 0)
            #expect(!store.location.isEmpty)
        }
    }
}

/// Times a log can carry but a `Date` partition column cannot (before 1970, after 2105).
struct ExtremeTimeConformanceTests {
    @Test(arguments: Backend.all)
    func invocationsAndRollupsAtExtremeTimesAreStoredAndFound(_ backend: Backend) throws {
        try withStore(backend) { store in
            let early: Int64 = -86_400_000 * 400  // 1968
            let late: Int64 = 32_503_680_000_000  // 3000-01-01
            var batch = IngestBatch()
            batch.invocations = [invocation("early", start: early), invocation("late", start: late)]
            let k = key("fn.duration")
            batch.rollups = [k: [early: rollup([1, 2], at: early), late: rollup([3], at: late)]]
            try store.commitAndFlush(batch, now: 0)
            #expect(try store.invocation(requestID: "early").map(\.start) == [early])
            #expect(try store.invocation(requestID: "late").map(\.start) == [late])
            let found = try store.rollups(of: [k], from: Int64.min / 2, to: Int64.max / 2)[k] ?? []
            #expect(found.map(\.minute) == [early, late])
            #expect(found.map(\.rollup.count) == [2, 1])
        }
    }
}
