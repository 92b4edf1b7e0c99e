@testable import FathomCore
@testable import FathomDaemon
import FathomStore
import Testing

/// The request ids of the invocations the loop's ingestor holds in flight.
func inFlightIDs(_ loop: TailLoop) -> Set<String> {
    var out = Set<String>()
    loop.ingestor.inflight.forEach { _, inv in out.insert(inv.requestID) }
    return out
}

/// The request ids of the invocations in flight whose REPORT was read (finalised at the next
/// START of their stream or the next batch).
func reportedIDs(_ loop: TailLoop) -> Set<String> {
    var out = Set<String>()
    loop.ingestor.inflight.forEach { _, inv in if inv.reported { out.insert(inv.requestID) } }
    return out
}

/// Crashes between commits: what was read but not committed dies with the process, and the
/// next loop starts from the store (checkpoints, and the ingestor state with the invocations in
/// flight). The end must be exactly one clean read.
@Suite struct CrashScenarioTests {
    /// An invocation whose START line begins after `fraction` of `bytes`: its id, where its
    /// START line ends and where its REPORT line ends.
    static func invocation(in bytes: [UInt8], after fraction: Double) -> (id: String, startEnd: Int, reportEnd: Int)? {
        let text = String(decoding: bytes, as: UTF8.self)
        var offset = 0
        var open: (id: String, startEnd: Int)? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let end = offset + line.utf8.count + 1
            defer { offset = end }
            if open == nil, offset >= Int(Double(bytes.count) * fraction), line.hasPrefix("START RequestId: ") {
                let id = line.dropFirst("START RequestId: ".count).prefix { $0 != " " }
                open = (String(id), end)
            } else if let o = open, line.hasPrefix("REPORT RequestId: \(o.id)") {
                return (o.id, o.startEnd, end)
            }
        }
        return nil
    }

    @Test(arguments: [UInt64(31), 32, 33])
    func crashBetweenCommits(seed: UInt64) throws {
        let s = try Scenario()
        defer { s.cleanUp() }
        try s.start()
        var rng = ScenarioRNG(seed: seed)
        var w = Dribbler(seed: seed)
        let files = Corpus.standard
        let f = Corpus.bySize[0]
        let fi = try #require(files.firstIndex(of: f))
        let inv = try #require(Self.invocation(in: f.bytes, after: 0.3))
        var offsets = files.map { Corpus.lineCut($0.bytes, at: 0.3) }
        offsets[fi] = inv.startEnd
        try w.pour(s, files.indices.map { (s.path(files[$0].path!), files[$0].bytes[..<offsets[$0]]) })
        try s.cycle()
        // Committed: the START of `inv`, in flight.
        #expect(s.status.inFlight > 0)
        #expect(inFlightIDs(s.loop).contains(inv.id))
        #expect(try s.store.invocation(requestID: inv.id).isEmpty)
        let committed = s.status.stats

        // Written past its REPORT, read (so completed in memory), then the crash.
        let past = inv.reportEnd + 5
        FS.append(s.path(f.path!), f.bytes[offsets[fi]..<past])
        offsets[fi] = past
        for i in files.indices where i != fi {
            let to = Swift.min(files[i].bytes.count, offsets[i] + Int.random(in: 1...2000, using: &rng))
            FS.append(s.path(files[i].path!), files[i].bytes[offsets[i]..<to])
            offsets[i] = to
        }
        try s.readWithoutCommit()
        #expect(reportedIDs(s.loop).contains(inv.id) || !inFlightIDs(s.loop).contains(inv.id), "its REPORT was read")
        #expect(s.loop.ingestor.stats.invocations > committed.invocations)
        try s.crash(readFirst: false)
        #expect(try s.store.invocation(requestID: inv.id).isEmpty, "never committed")

        try s.start()
        #expect(inFlightIDs(s.loop).contains(inv.id), "in flight again, from the committed state")
        #expect(s.status.stats == committed)

        // The rest, with crashes at random moments (some after reading, some not).
        var crashes = 1, round = 0
        while files.indices.contains(where: { offsets[$0] < files[$0].bytes.count }) {
            for i in files.indices where offsets[i] < files[i].bytes.count {
                let to = Swift.min(files[i].bytes.count, offsets[i] + Int.random(in: 1...1500, using: &rng))
                FS.append(s.path(files[i].path!), files[i].bytes[offsets[i]..<to])
                offsets[i] = to
            }
            round += 1
            let r = Double.random(in: 0..<1, using: &rng)
            if r < 0.1 || (crashes < 4 && round % 6 == 0) {
                try s.crash(readFirst: Bool.random(using: &rng))
                try s.start()
                crashes += 1
            } else if r < 0.8 {
                try s.cycle()
            }
        }
        try s.settle()
        #expect(crashes >= 4)
        let stored = try s.store.invocation(requestID: inv.id)
        #expect(stored.count == 1, "the invocation across the crash is stored once")
        #expect(stored.first?.durationMs != nil && stored.first?.status != .incomplete)
        try expectSameAsClean(s, try CleanRun(s, files: files), "seed \(seed), \(crashes) crashes")
    }

    /// Crashed with reads not committed, then rotated while down: `x.log` renamed (and a new one
    /// created), `y.log` copied and truncated. The rotated files go on from the committed offsets.
    @Test func crashThenRotatedWhileDown() throws {
        let s = try Scenario()
        defer { s.cleanUp() }
        try s.start()
        var w = Dribbler(seed: 34)
        let fx = Corpus.bySize[0], fy = Corpus.bySize[1]
        let x = s.path(fx.path!), y = s.path(fy.path!)
        let x1 = Corpus.lineCut(fx.bytes, at: 0.3), x2 = Corpus.lineCut(fx.bytes, at: 0.5)
        let y1 = Corpus.lineCut(fy.bytes, at: 0.3), y2 = Corpus.lineCut(fy.bytes, at: 0.5)
        try w.pour(s, [(x, fx.bytes[..<x1]), (y, fy.bytes[..<y1])])
        try s.cycle()
        FS.append(x, fx.bytes[x1..<x2])
        FS.append(y, fy.bytes[y1..<y2])
        try s.crash(readFirst: true)
        FS.move(x, x + ".1")
        FS.copy(y, y + ".1")
        FS.truncateToZero(y)
        try s.start()
        try s.cycle()  // the rotated tails first (see RotationOrderTests)
        try w.pour(s, [(x, fx.bytes[x2...]), (y, fy.bytes[y2...])])
        try w.pour(s, Corpus.bySize.dropFirst(2).map { (s.path($0.path!), $0.bytes[...]) })
        try s.settle()
        try expectSameAsClean(s, try CleanRun(s, files: Corpus.standard), "rotated while down")
    }
}
