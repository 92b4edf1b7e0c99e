@testable import FathomCore
@testable import FathomDaemon
import FathomIO
import FathomStore
import Foundation
import Testing

/// Vector's file-source correctness cases, on the daemon's tail loop: whatever the writer and
/// logrotate do, the store ends with exactly what one clean read of the same bytes gives.
@Suite struct TailScenarioTests {
    /// Files appended in random pieces (partial lines held across cycles), all at once.
    @Test(arguments: [UInt64(1), 2, 3])
    func randomPiecesAcrossManyCycles(seed: UInt64) throws {
        let s = try Scenario()
        defer { s.cleanUp() }
        try s.start()
        var w = Dribbler(seed: seed, maxPiece: 600)
        try w.pour(s, Corpus.standard.map { (s.path($0.path!), $0.bytes[...]) })
        try s.settle()
        #expect(s.status.commits > 20, "many cycles committed")
        #expect(s.status.stats.flushedPartialLines == 0)
        #expect(s.events["opened"] == Corpus.standard.count)
        try expectSameAsClean(s, try CleanRun(s, files: Corpus.standard), "seed \(seed)")
    }

    /// rename + create: `x.log` → `x.log.1` (twice, so `x.log.1` → `x.log.2` too), the writer
    /// finishing its lines in the renamed file before it writes the new one. With
    /// `oldTailReadFirst` the daemon has a cycle in between; without, the new file's first bytes
    /// and the renamed file's last ones are both unread at the next cycle.
    @Test(arguments: [UInt64(4), 5], [true, false])
    func renameAndCreate(seed: UInt64, oldTailReadFirst: Bool) throws {
        do {
            let s = try Scenario()
            defer { s.cleanUp() }
            try s.start()
            var w = Dribbler(seed: seed)
            let rotated = Array(Corpus.bySize.prefix(3))
            let others = Array(Corpus.bySize.dropFirst(3))
            try w.pour(s, others.map { (s.path($0.path!), $0.bytes[...]) })
            for f in rotated {
                let x = s.path(f.path!)
                let c1 = Corpus.lineCut(f.bytes, at: 0.3), c2 = Corpus.lineCut(f.bytes, at: 0.4)
                let c3 = Corpus.lineCut(f.bytes, at: 0.7), c4 = Corpus.lineCut(f.bytes, at: 0.75)
                try w.pour(s, x, f.bytes[..<c1])
                FS.move(x, x + ".1")
                try w.pour(s, x + ".1", f.bytes[c1..<c2])  // still writing to the old descriptor
                if oldTailReadFirst { try s.cycle() }
                FS.append(x, f.bytes[c2..<(c2 + 10)])      // reopened: the new file, a partial line
                try w.pour(s, x, f.bytes[(c2 + 10)..<c3])
                FS.move(x + ".1", x + ".2")
                FS.move(x, x + ".1")
                FS.append(x + ".1", f.bytes[c3..<c4])
                if oldTailReadFirst { try s.cycle() }
                try w.pour(s, x, f.bytes[c4...])
            }
            try s.settle()
            #expect((s.events["renamed"] ?? 0) >= 3 * rotated.count)
            #expect((s.events["closed_gone"] ?? 0) == 0, "rotated files stay watched (x.log.1 and x.log.2 match)")
            #expect(s.events["truncated"] == nil)
            try expectSameAsClean(s, try CleanRun(s, files: Corpus.standard), "seed \(seed)")
        }
    }

    /// copytruncate: `cp x.log x.log.1; : > x.log`, writes going on in `x.log` from 0. The copy
    /// resumes where the reading of the original stood: bytes unread when the copy was made
    /// (first file), or none (second). The third file gets new bytes before the daemon saw the
    /// truncation when `newBytesBeforeNextCycle`.
    @Test(arguments: [UInt64(6), 7], [false, true])
    func copyTruncate(seed: UInt64, newBytesBeforeNextCycle: Bool) throws {
        do {
            let s = try Scenario()
            defer { s.cleanUp() }
            try s.start()
            var w = Dribbler(seed: seed)
            let rotated = Array(Corpus.bySize.prefix(3))
            for (i, f) in rotated.enumerated() {
                let x = s.path(f.path!)
                let c1 = Corpus.lineCut(f.bytes, at: 0.35), c2 = Corpus.lineCut(f.bytes, at: 0.45)
                try w.pour(s, x, f.bytes[..<c1])
                FS.append(x, f.bytes[c1..<c2])  // not read yet when the copy is made…
                if i == 1 { try s.cycle() }     // …except for the second file
                FS.copy(x, x + ".1")
                FS.truncateToZero(x)
                let early = i == 2 && newBytesBeforeNextCycle
                if early { FS.append(x, f.bytes[c2..<(c2 + 100)]) } else { try s.cycle() }
                try w.pour(s, x, f.bytes[(early ? c2 + 100 : c2)...])
            }
            try w.pour(s, Corpus.bySize.dropFirst(3).map { (s.path($0.path!), $0.bytes[...]) })
            try s.settle()
            #expect((s.events["truncated"] ?? 0) >= rotated.count)
            #expect((s.events["resumed"] ?? 0) >= rotated.count, "each copy resumed where its original stood")
            #expect(s.events["checkpoint_beyond_eof"] == nil)
            try expectSameAsClean(s, try CleanRun(s, files: Corpus.standard), "seed \(seed)")
        }
    }

    /// Truncated in place and rewritten with other content: after a cycle saw it empty, with
    /// more bytes than were read before (only the first bytes tell), and with fewer.
    @Test func truncateInPlace() throws {
        let s = try Scenario()
        defer { s.cleanUp() }
        try s.start()
        var w = Dribbler(seed: 8)
        let big = Corpus.bySize
        // Three files, each rewritten once with the bytes of another generated file.
        let cases: [(first: GeneratedFile, second: GeneratedFile)] = [(big[3], big[0]), (big[4], big[1]), (big[2], big[big.count - 1])]
        #expect(big[1].bytes.count > big[4].bytes.count + 500)
        var sources: [(name: String, bytes: [UInt8])] = []
        for (i, c) in cases.enumerated() {
            let x = s.path("rewritten/2026/11/20/[\(i)]stream\(i).log")
            try w.pour(s, x, c.first.bytes[...])
            try s.cycle()
            FS.truncateToZero(x)
            switch i {
            case 0: try s.cycle()                                         // seen empty
            case 1: FS.append(x, c.second.bytes[..<(c.first.bytes.count + 500)])  // grew past the old size at once
            default: FS.append(x, c.second.bytes[..<200])                // shorter than before
            }
            let done = i == 1 ? c.first.bytes.count + 500 : i == 2 ? 200 : 0
            try w.pour(s, x, c.second.bytes[done...])
            sources += [(x, c.first.bytes), (x, c.second.bytes)]
        }
        try s.settle()
        #expect(s.events["truncated"] == 3)
        try expectSameAsClean(s, try CleanRun(s, sources), "truncate in place")
    }

    /// Deleted with bytes not yet read: read to its end through the open descriptor, then
    /// closed after the rotate wait; a new file at the same path is a new source.
    @Test func deletedWhileUnread() throws {
        let s = try Scenario()
        defer { s.cleanUp() }
        try s.start()
        var w = Dribbler(seed: 9)
        let f = Corpus.bySize[0], g = Corpus.bySize[1]
        let x = s.path(f.path!), y = s.path(g.path!)
        let cf = Corpus.lineCut(f.bytes, at: 0.5)
        try w.pour(s, [(x, f.bytes[..<cf]), (y, g.bytes[...])])
        FS.append(x, f.bytes[cf...])
        FS.remove(x)
        FS.remove(y)                           // read whole already: just forgotten
        try s.cycle()                          // (a new x.log before this cycle: RotationOrderTests)
        FS.append(x, Corpus.bySize[2].bytes)  // delete + create: a new file at the same path
        try s.cycle()
        #expect(s.status.filesWatched >= 3, "the deleted file is still read")
        try s.settle()
        #expect(s.events["left_watch"] == 2)
        #expect(s.events["closed_gone"] == 2)
        #expect(s.status.filesOpen == s.status.filesWatched)
        let sources = [(x, f.bytes), (y, g.bytes), (x, Corpus.bySize[2].bytes)]
            + Corpus.bySize.dropFirst(3).map { (s.path($0.path!), $0.bytes) }
        for extra in Corpus.bySize.dropFirst(3) { FS.put(s.path(extra.path!), extra.bytes) }
        try s.settle()
        try expectSameAsClean(s, try CleanRun(s, sources), "deleted while unread")
    }

    /// A file deleted, and another moved out of the watched directory, while the daemon is in
    /// the middle of reading them (1 MiB a cycle): both are read to their end.
    @Test func disappearsMidRead() throws {
        let s = try Scenario { $0.readBudgetBytes = 1 }
        defer { s.cleanUp() }
        try s.start()
        func merged(_ seed: Int) throws -> [UInt8] {
            var g = try LogGenerator(GeneratorConfig(seed: seed, invocations: 4000, functions: 1, seconds: 3600, format: .text))
            return g.run().files[0].bytes
        }
        let big = try merged(3), other = try merged(4)
        #expect(big.count > 2 << 20 && other.count > 2 << 20, "more than two 1 MiB reads each")
        let a = s.path("orders.log"), b = s.path("billing.log")
        FS.put(a, big)
        FS.put(b, other)
        try s.cycle()
        let read = s.status.stats.bytes
        #expect(read > 0 && read < Int64(big.count + other.count), "still reading")
        FS.remove(a)
        FS.move(b, s.dir + "/moved-away.log")
        try s.settle()
        #expect(s.events["left_watch"] == 2)
        #expect(s.events["closed_gone"] == 2)
        #expect(s.events["vanished"] == nil)
        try expectSameAsClean(s, try CleanRun(s, [(a, big), (b, other)]),
                              "disappears mid-read")
    }

    /// `x.log.1` compressed later into `x.log.1.gz` (then deleted): not read twice; a last
    /// append to `x.log.1` just before compression is read once, from whichever comes first.
    @Test func rotatedThenCompressed() throws {
        let s = try Scenario()
        defer { s.cleanUp() }
        try s.start()
        var w = Dribbler(seed: 10)
        let rotated = Array(Corpus.bySize.prefix(2))
        for (i, f) in rotated.enumerated() {
            let x = s.path(f.path!)
            let c1 = Corpus.lineCut(f.bytes, at: 0.5), c2 = Corpus.lineCut(f.bytes, at: 0.6)
            try w.pour(s, x, f.bytes[..<c1])
            FS.move(x, x + ".1")
            if i == 0 {
                try w.pour(s, x + ".1", f.bytes[c1..<c2])
                try s.settle()
            } else {
                FS.append(x + ".1", f.bytes[c1..<c2])  // unread when compressed
            }
            FS.put(x + ".1.gz", gzipCompress(FS.read(x + ".1")))
            FS.remove(x + ".1")
            if i == 1 { try s.cycle() }  // the tail, through the descriptor, before x.log (RotationOrderTests)
            try w.pour(s, x, f.bytes[c2...])
        }
        try w.pour(s, Corpus.bySize.dropFirst(2).map { (s.path($0.path!), $0.bytes[...]) })
        try s.settle()
        #expect(s.events["gzip_read"] == 2)
        #expect(s.events["gzip_resumed"] == 2, "the gzip files were recognised as x.log.1")
        try expectSameAsClean(s, try CleanRun(s, files: Corpus.standard), "compressed later")
    }

    /// Compressed while the daemon was down: the store's checkpoint of `x.log.1` says it was read.
    @Test func compressedWhileDown() throws {
        let s = try Scenario()
        defer { s.cleanUp() }
        try s.start()
        var w = Dribbler(seed: 11)
        let f = Corpus.bySize[0]
        let x = s.path(f.path!)
        let c1 = Corpus.lineCut(f.bytes, at: 0.5)
        try w.pour(s, Corpus.bySize.dropFirst().map { (s.path($0.path!), $0.bytes[...]) })
        try w.pour(s, x, f.bytes[..<c1])
        FS.move(x, x + ".1")
        try s.settle()
        try s.stop()
        FS.put(x + ".1.gz", gzipCompress(FS.read(x + ".1")))
        FS.remove(x + ".1")
        FS.append(x, f.bytes[c1...])
        try s.start()
        try s.settle()
        #expect(s.events["gzip_resumed"] == 1)
        try expectSameAsClean(s, try CleanRun(s, files: Corpus.standard), "compressed while down")
    }

    /// Appended (and one file rotated) while the daemon was down, partial lines left at the
    /// stop: each file goes on from its committed checkpoint.
    @Test func appendedWhileDown() throws {
        let s = try Scenario()
        defer { s.cleanUp() }
        try s.start()
        var w = Dribbler(seed: 12)
        let files = Corpus.standard
        var cuts = files.map { Corpus.lineCut($0.bytes, at: 0.4) - 7 }  // mid-line
        try w.pour(s, files.indices.map { (s.path(files[$0].path!), files[$0].bytes[..<cuts[$0]]) })
        try s.cycle()
        // The way the daemon stops on SIGTERM: the stop flag, then one last cycle and commit.
        s.loop.stop()
        try s.loop.run()
        let before = s.status.stats
        try s.stop()
        for i in files.indices {
            let more = Corpus.lineCut(files[i].bytes, at: 0.6) + 3
            FS.append(s.path(files[i].path!), files[i].bytes[cuts[i]..<more])
            cuts[i] = more
        }
        let f = Corpus.bySize[0]
        let ix = files.firstIndex(of: f)!
        FS.move(s.path(f.path!), s.path(f.path!) + ".1")  // rotated while down, unread bytes in it
        let c = Corpus.lineCut(f.bytes, at: 0.8)
        FS.append(s.path(f.path!) + ".1", f.bytes[cuts[ix]..<c])
        cuts[ix] = c
        try s.start()
        #expect(s.status.stats == before, "counters come back from the store")
        try s.cycle()  // x.log.1's tail before the new x.log (see RotationOrderTests for the other way)
        try w.pour(s, files.indices.map { (s.path(files[$0].path!), files[$0].bytes[cuts[$0]...]) })
        try s.settle()
        #expect((s.events["resumed"] ?? 0) >= files.count)
        #expect(s.starts == 2)
        try expectSameAsClean(s, try CleanRun(s, files: files), "appended while down")
    }

    /// A last line without its newline is held, then read after the idle timeout (not before);
    /// one completed before the timeout is read whole; a restart holding or after flushing one
    /// counts it once.
    @Test func partialLastLine() throws {
        let s = try Scenario { $0.partialLineTimeoutMillis = 5_000 }
        defer { s.cleanUp() }
        try s.start()
        let f = Corpus.bySize[0], g = Corpus.bySize[1], h = Corpus.bySize[2]
        let x = s.path(f.path!), y = s.path(g.path!), z = s.path(h.path!)
        let fx = Array(f.bytes.dropLast())   // ends without its newline
        let gCut = g.bytes.count - 20        // the last line, cut
        let hx = Array(h.bytes.dropLast())
        FS.put(x, fx)
        FS.put(y, g.bytes[..<gCut])
        try s.cycle()
        let clean = try CleanRun(s, [(x, fx), (y, g.bytes)])
        #expect(s.status.stats.lines == clean.stats.lines - 2, "two last lines held")
        try s.cycle(advance: 4_000)
        FS.append(y, g.bytes[gCut...])      // completed in time
        try s.cycle(advance: 900)
        #expect(s.status.stats.lines == clean.stats.lines - 1)
        #expect(s.status.stats.flushedPartialLines == 0)
        try s.cycle(advance: 200)           // 5.1 s without growth
        #expect(s.status.stats.flushedPartialLines == 1)
        #expect(s.status.stats.lines == clean.stats.lines)
        try expectSameAsClean(s, clean, "flushed")

        // Restarted after the flush: nothing read again.
        try s.stop()
        try s.start()
        try s.settle()
        try expectSameAsClean(s, clean, "restarted after the flush")

        // Restarted while a partial line is held: it is read once, by the new loop.
        FS.put(z, hx)
        try s.cycle()
        try s.stop()
        try s.start()
        try s.cycle()
        try s.cycle(advance: 5_001)
        #expect(s.status.stats.flushedPartialLines == 2)
        try expectSameAsClean(s, try CleanRun(s, [(x, fx), (y, g.bytes), (z, hx)]), "restarted while held")
    }

    /// A directory created later (a new function, a new day) is found at the next walk, not
    /// before: the walk runs every `scanMillis`.
    @Test func newSubdirectory() throws {
        let s = try Scenario { $0.scanMillis = 500 }
        defer { s.cleanUp() }
        try s.start()
        var w = Dribbler(seed: 13)
        let first = Corpus.standard.filter { $0.path!.hasPrefix(Corpus.standard[0].path!.split(separator: "/")[0] + "/") }
        let later = Corpus.standard.filter { !first.contains($0) }
        #expect(!first.isEmpty && !later.isEmpty)
        try w.pour(s, first.map { (s.path($0.path!), $0.bytes[...]) })
        try s.settle()
        try s.cycle(advance: 600)  // a walk just now
        let found = s.events["discovered"] ?? 0
        let newDay = s.path("zeta/2026/11/21/[7]0123456789abcdef.log")
        for f in later { FS.put(s.path(f.path!), f.bytes) }
        FS.put(newDay, Corpus.other[0].bytes)
        try s.cycle(advance: 100)
        #expect(s.events["discovered"] ?? 0 == found, "not before the next walk")
        try s.cycle(advance: 450)
        #expect(s.events["discovered"] ?? 0 == found + later.count + 1)
        try s.settle()
        let range = try #require(try s.store.dataRange())
        let rows = try FunctionSummaries.compute(reader: s.store, from: range.from, to: range.to)
        #expect(rows.contains { $0.function == "zeta" }, "the function named by the new directory")
        try expectSameAsClean(s, try CleanRun(s, Corpus.standard.map { (s.path($0.path!), $0.bytes) }
                                               + [(newDay, Corpus.other[0].bytes)]), "new subdirectory")
    }

    /// Include and exclude globs (name globs and path globs), hidden files, and a reload that
    /// changes them (what SIGHUP does).
    @Test func includeExcludeAndReload() throws {
        let s = try Scenario {
            $0.include = ["*.log", "*.log.[0-9]"]
            $0.exclude = ["*-debug.log", "*/archive/*"]
        }
        defer { s.cleanUp() }
        try s.start()
        var w = Dribbler(seed: 14)
        let big = Corpus.bySize
        let wanted = Array(big.dropFirst(4))
        let rotatedName = s.path("alpha/2026/11/20/[1]aaaa.log.1")
        let debug = s.path("beta/2026/11/20/[2]bbbb-debug.log")
        let archived = s.path("archive/gamma/2026/11/20/[3]cccc.log")
        let hidden = s.path("delta/2026/11/20/.[4]dddd.log")
        FS.put(s.path("README.txt"), Array("not a log\n".utf8))
        FS.put(s.path("alpha/2026/11/20/[1]aaaa.log.tmp"), Array("START RequestId: nope\n".utf8))
        try w.pour(s, wanted.map { (s.path($0.path!), $0.bytes[...]) }
                   + [(rotatedName, big[0].bytes[...]), (debug, big[1].bytes[...]), (archived, big[2].bytes[...]),
                      (hidden, big[3].bytes[...])])
        try s.settle()
        let included = wanted.map { (s.path($0.path!), $0.bytes) } + [(rotatedName, big[0].bytes)]
        try expectSameAsClean(s, try CleanRun(s, included), "globs")
        #expect(s.status.filesWatched == included.count)

        var o = s.options
        o.exclude = ["*-debug.log"]
        s.loop.reload(o)
        try s.settle()
        #expect(s.events["reloaded"] == 1)
        try expectSameAsClean(s, try CleanRun(s, included + [(archived, big[2].bytes)]), "after reload")
    }

    /// More files than descriptors: idle, fully read files are closed to open others; every
    /// byte is still read, and the cap is counted.
    @Test func openFileCap() throws {
        let s = try Scenario { $0.maxOpenFiles = 3 }
        defer { s.cleanUp() }
        try s.start()
        var w = Dribbler(seed: 15, maxPiece: 3000)
        w.cycleChance = 1
        let files = Corpus.standard
        #expect(files.count > 6)
        // A few files at a time, so that some are idle while others grow.
        var maxOpen = 0
        for group in stride(from: 0, to: files.count, by: 4) {
            let part = files[group..<Swift.min(files.count, group + 4)]
            try w.pour(s, part.map { (s.path($0.path!), $0.bytes[...]) })
            maxOpen = Swift.max(maxOpen, s.status.filesOpen)
        }
        // Then every file gains a little more: each must be opened again.
        var extra: [(name: String, bytes: [UInt8])] = []
        for (i, f) in files.enumerated() {
            let more = i < Corpus.other.count ? Corpus.other[i].bytes : []
            FS.append(s.path(f.path!), more)
            extra.append((s.path(f.path!), f.bytes + more))
            try s.cycle()
            maxOpen = Swift.max(maxOpen, s.status.filesOpen)
        }
        try s.settle()
        #expect(maxOpen <= 3)
        #expect((s.status.caps["open_files"] ?? 0) > 0, "the cap acted")
        #expect((s.events["closed_idle"] ?? 0) >= files.count - 3)
        try expectSameAsClean(s, try CleanRun(s, extra), "open-file cap")
    }
}

/// Rotation of files shorter than the 1 KiB a content fingerprint needs to name a source alone
/// (smaller ones are confirmed by device and inode, which a copy does not share).
@Suite struct SmallFileRotationTests {
    static let file = Corpus.bySize[0]
    static let head = Corpus.wholeInvocations(file.bytes, limit: 900)

    @Test func smallFileCopyTruncate() throws {
        try smallCopyTruncate()
    }

    func smallCopyTruncate() throws {
        let s = try Scenario()
        defer { s.cleanUp() }
        try s.start()
        let x = s.path(Self.file.path!)
        #expect(Self.head > 200 && Self.head < SourceCheckpoint.strongFingerprintLength)
        FS.put(x, Self.file.bytes[..<Self.head])
        try s.cycle()
        FS.copy(x, x + ".1")
        FS.truncateToZero(x)
        try s.cycle()
        var w = Dribbler(seed: 40)
        try w.pour(s, x, Self.file.bytes[Self.head...])
        try s.settle()
        try expectSameAsClean(s, try CleanRun(s, [(x, Self.file.bytes)]), "small copytruncate")
    }

    @Test func smallFileCompressedLater() throws {
        try smallCompressedLater()
    }

    func smallCompressedLater() throws {
        let s = try Scenario()
        defer { s.cleanUp() }
        try s.start()
        let x = s.path(Self.file.path!)
        FS.put(x, Self.file.bytes[..<Self.head])
        try s.cycle()
        FS.move(x, x + ".1")
        var w = Dribbler(seed: 41)
        try w.pour(s, x, Self.file.bytes[Self.head...])
        try s.settle()
        FS.put(x + ".1.gz", gzipCompress(FS.read(x + ".1")))
        FS.remove(x + ".1")
        try s.settle()
        try expectSameAsClean(s, try CleanRun(s, [(x, Self.file.bytes)]), "small file compressed later")
    }
}

/// The rotated file's unread tail and its successor's first bytes read in the same cycle: the
/// tail must go first (it shares the successor's stream).
@Suite struct RotationOrderTests {
    /// The file, the end of the line before an invocation's START, and a line boundary between
    /// its START and its REPORT.
    static func straddle() -> (GeneratedFile, before: Int, middle: Int, id: String) {
        let f = Corpus.bySize[0]
        let inv = CrashScenarioTests.invocation(in: f.bytes, after: 0.5)!
        var before = inv.startEnd - 1
        while before > 0 && f.bytes[before - 1] != 10 { before -= 1 }
        return (f, before, inv.startEnd, inv.id)
    }

    enum Rotation: CaseIterable { case rename, copyTruncate, renamedWhileDown, deletedAndCreated }

    @Test(arguments: Rotation.allCases)
    func tailOfRotatedFileBeforeSuccessor(_ rotation: Rotation) throws {
        // Files are read in discovery order (a deleted file keeps its place), so the tail of the
        // old content comes first whatever the paths.
        do {
            let s = try Scenario()
            defer { s.cleanUp() }
            try s.start()
            let (f, before, middle, id) = Self.straddle()
            let x = s.path(f.path!)
            FS.put(x, f.bytes[..<before])
            try s.cycle()
            if rotation == .renamedWhileDown { try s.stop() }
            FS.append(x, f.bytes[before..<middle])  // the START, unread…
            switch rotation {
            case .rename, .renamedWhileDown:
                FS.move(x, x + ".1")
            case .copyTruncate:
                FS.copy(x, x + ".1")
                FS.truncateToZero(x)
            case .deletedAndCreated:
                FS.remove(x)
            }
            FS.append(x, f.bytes[middle...])       // …when its REPORT is written to the new x.log
            if s.loop == nil { try s.start() }
            try s.settle()
            let stored = try s.store.invocation(requestID: id)
            #expect(stored.count == 1)
            #expect(stored.first.map { String(decoding: $0.lines, as: UTF8.self).hasPrefix("START") } == true,
                    "its START line is its first")
            #expect(s.loop.ingestor.inFlightCount == 0, "no START left waiting for a REPORT that came first")
            try expectSameAsClean(s, try CleanRun(s, [(x, f.bytes)]), "\(rotation)")
        }
    }
}
