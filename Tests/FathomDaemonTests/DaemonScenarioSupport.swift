#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FathomCore
@testable import FathomDaemon
import FathomIO
import FathomStore
import Foundation
import Synchronization
import Testing

// The harness of the daemon's scenario tests, after Vector's file-source correctness suite:
// a real directory, a real store, a `TailLoop` driven cycle by cycle on a clock the test moves,
// a writer that appends the generator's logs in random pieces, and a clean reference (the same
// bytes, whole, through a plain `Ingestor` into a second store) to compare with.

/// The writer's choices: the generator's own deterministic PRNG.
typealias ScenarioRNG = GenRandom

/// Milliseconds since the epoch, moved only by the test.
final class ManualClock: Sendable {
    private let ms = Atomic<Int64>(1_900_000_000_000)
    var now: Int64 { ms.load(ordering: .relaxed) }
    func advance(_ by: Int64) { ms.add(by, ordering: .relaxed) }
    var closure: @Sendable () -> Int64 { { [self] in self.now } }
}

/// The generator's text logs in the exported layout (`<function>/YYYY/MM/DD/[<version>]<stream>.log`).
enum Corpus {
    static func files(seed: Int, invocations: Int, functions: Int) -> [GeneratedFile] {
        var g = try! LogGenerator(GeneratorConfig(seed: seed, invocations: invocations, functions: functions,
                                                  seconds: 600, format: .text, outDir: "x"))
        return g.run().files
    }

    /// 400 invocations of 3 functions (stable and canary versions): a dozen or more files.
    static let standard = files(seed: 21, invocations: 400, functions: 3)
    /// Other request ids, for bytes that must not repeat the standard corpus.
    static let other = files(seed: 22, invocations: 300, functions: 3)

    /// The index just after the first newline at or after `fraction` of `bytes` (a line boundary).
    static func lineCut(_ bytes: [UInt8], at fraction: Double) -> Int {
        var i = Swift.min(bytes.count, Swift.max(0, Int(Double(bytes.count) * fraction)))
        while i < bytes.count && bytes[i] != 10 { i += 1 }
        return Swift.min(bytes.count, i + 1)
    }

    /// The end of the last REPORT line within the first `limit` bytes: a head of whole invocations.
    static func wholeInvocations(_ bytes: [UInt8], limit: Int) -> Int {
        var end = 0, lineStart = 0
        let report = Array("REPORT ".utf8)
        for i in 0..<Swift.min(limit, bytes.count) where bytes[i] == 10 {
            if bytes[lineStart...].starts(with: report) { end = i + 1 }
            lineStart = i + 1
        }
        return end
    }

    /// The largest files first (rotation cases want files well over the 4 KiB fingerprint).
    static var bySize: [GeneratedFile] { standard.sorted { $0.bytes.count > $1.bytes.count } }
}

/// File operations of the writer (the "application" and "logrotate" of the scenarios).
enum FS {
    static func mkdirs(_ dir: String) {
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    static func append<C: Collection<UInt8>>(_ path: String, _ bytes: C) {
        mkdirs((path as NSString).deletingLastPathComponent)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        precondition(fd >= 0, "open \(path): \(errno)")
        defer { close(fd) }
        let a = Array(bytes)
        var done = 0
        while done < a.count {
            let n = a.withUnsafeBytes { write(fd, $0.baseAddress! + done, a.count - done) }
            precondition(n > 0, "write \(path): \(errno)")
            done += n
        }
    }

    /// A new file at `path` (a new inode) holding `bytes`.
    static func put<C: Collection<UInt8>>(_ path: String, _ bytes: C) {
        mkdirs((path as NSString).deletingLastPathComponent)
        _ = unlink(path)
        append(path, bytes)
    }

    static func read(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }
    static func move(_ from: String, _ to: String) { precondition(rename(from, to) == 0, "rename \(from): \(errno)") }
    static func remove(_ path: String) { precondition(unlink(path) == 0, "unlink \(path): \(errno)") }
    static func truncateToZero(_ path: String) { precondition(truncate(path, 0) == 0, "truncate \(path): \(errno)") }
    /// `cp x.log x.log.1` (a new inode with the same bytes).
    static func copy(_ from: String, _ to: String) { put(to, read(from)) }
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}

/// One scenario: a temporary directory with `logs/` (watched) and `store.sqlite`, and the tail
/// loop running on `clock`.
final class Scenario {
    let dir: String
    let logs: String
    let storePath: String
    let store: EmbeddedStore
    let clock = ManualClock()
    var options: TailOptions
    var config = IngestConfig()
    private(set) var loop: TailLoop!
    /// How many loops were started (1 + restarts).
    private(set) var starts = 0

    init(_ configure: (inout TailOptions) -> Void = { _ in }) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-scen-\(UUID().uuidString)").path
        logs = dir + "/logs"
        storePath = dir + "/store.sqlite"
        FS.mkdirs(logs)
        store = try EmbeddedStore(path: storePath)
        var o = TailOptions(paths: [logs])
        o.pollMillis = 1
        o.scanMillis = 0  // walk every cycle unless a test says otherwise
        o.partialLineTimeoutMillis = 600_000  // no flush unless a test moves the clock that far
        o.rotateWaitMillis = 1_000
        o.gzipStableScans = 2
        configure(&o)
        options = o
    }

    func cleanUp() {
        if let loop { closeDescriptors(loop) }
        try? FileManager.default.removeItem(atPath: dir)
    }

    func path(_ relative: String) -> String { logs + "/" + relative }

    /// Starts a loop from what the store holds (a restart after `stop` or `crash`).
    func start() throws {
        precondition(loop == nil)
        loop = try TailLoop(store: store, config: config, options: options, state: try store.ingestState(),
                            clock: clock.closure)
        starts += 1
    }

    /// One cycle, `advance` ms after the last, and its commit.
    @discardableResult
    func cycle(advance: Int64 = 10) throws -> Int {
        clock.advance(advance)
        let n = try loop.cycle()
        try loop.committer.drain()
        return n
    }

    /// Cycles until nothing has been read for `idle` cycles in a row (the clock moving `step` ms
    /// each): rotated files time out, gzip files become stable, everything written is read.
    func settle(step: Int64 = 100, idle: Int = 25, max: Int = 2_000) throws {
        var quiet = 0
        for _ in 0..<max {
            quiet = try cycle(advance: step) == 0 ? quiet + 1 : 0
            if quiet >= idle { return }
        }
        Issue.record("the loop did not settle in \(max) cycles")
    }

    /// A clean stop: the last cycle committed, descriptors closed, the loop gone.
    func stop() throws {
        try cycle()
        closeDescriptors(loop)
        loop = nil
    }

    /// A crash: whatever was read since the last commit is lost with the process. `readFirst`
    /// reads what the files gained (scan and reads, no commit) before dying, so that the lost
    /// work includes parsed lines, finished invocations and moved cursors.
    func crash(readFirst: Bool) throws {
        if readFirst { try readWithoutCommit() }
        try loop.committer.drain()
        closeDescriptors(loop)
        loop = nil
    }

    /// The reading half of a cycle (walk, reads) without its commit.
    func readWithoutCommit() throws {
        try loop.committer.drain()
        clock.advance(10)
        loop.scan(now: clock.now)
        for id in loop.files.keys.sorted(by: { loop.files[$0]!.path < loop.files[$1]!.path }) {
            _ = loop.service(id, now: clock.now)
        }
    }

    private func closeDescriptors(_ loop: TailLoop) {
        for (_, t) in loop.files where t.fd >= 0 { close(t.fd) }
        loop.files.removeAll()
        loop.gzipSources.removeAll()
    }

    var status: DaemonStatus { loop.status.withLock { $0 } }
    var events: [String: Int] { status.fileEvents }
}

/// Appends several files at once in random pieces (partial lines included), with a daemon cycle
/// after most rounds.
struct Dribbler {
    var rng: ScenarioRNG
    var maxPiece = 900
    var cycleChance = 0.7

    init(seed: UInt64, maxPiece: Int = 900) {
        rng = ScenarioRNG(seed: seed)
        self.maxPiece = maxPiece
    }

    /// Writes every `(path, bytes)` to its end, interleaved.
    mutating func pour(_ s: Scenario, _ writes: [(path: String, bytes: ArraySlice<UInt8>)]) throws {
        var offsets = writes.map { $0.bytes.startIndex }
        while writes.indices.contains(where: { offsets[$0] < writes[$0].bytes.endIndex }) {
            for i in writes.indices where offsets[i] < writes[i].bytes.endIndex {
                let n = Swift.min(Int.random(in: 1...maxPiece, using: &rng), writes[i].bytes.endIndex - offsets[i])
                FS.append(writes[i].path, writes[i].bytes[offsets[i]..<(offsets[i] + n)])
                offsets[i] += n
            }
            if Double.random(in: 0..<1, using: &rng) < cycleChance { try s.cycle() }
        }
    }

    mutating func pour(_ s: Scenario, _ path: String, _ bytes: ArraySlice<UInt8>) throws {
        try pour(s, [(path, bytes)])
    }
}

/// The same bytes read whole, once each, by a plain `Ingestor` into a store of their own.
struct CleanRun {
    let store: EmbeddedStore
    var stats: IngestStats
    var requestIDs: [String]

    /// `sources`: what each source is named (the path the daemon names it by) and all its bytes.
    init(_ s: Scenario, _ sources: [(name: String, bytes: [UInt8])], config: IngestConfig = IngestConfig()) throws {
        let path = s.dir + "/clean-\(UUID().uuidString).sqlite"
        store = try EmbeddedStore(path: path)
        var ing = Ingestor(config: config)
        var ids: [String] = []
        for src in sources {
            ing.begin(SourceInfo.from(path: src.name))
            ing.feed(src.bytes)
            ing.end()
            let b = ing.takeBatch()
            ids += b.invocations.map(\.requestID)
            try store.commit(b, now: 0)
        }
        let last = ing.finish()
        ids += last.invocations.map(\.requestID)
        try store.commit(last, now: 0)
        stats = ing.stats
        requestIDs = Array(Set(ids)).sorted()
    }

    /// Every generated file under `s.logs`, as the daemon names it.
    init(_ s: Scenario, files: [GeneratedFile], config: IngestConfig = IngestConfig()) throws {
        try self.init(s, files.map { (s.path($0.path!), $0.bytes) }, config: config)
    }
}

/// How strictly the daemon's store must equal the clean one.
struct Compare: OptionSet {
    let rawValue: Int
    /// Each invocation's log lines (and their count) too, not only its numbers.
    static let lines = Compare(rawValue: 1)
    /// Quarantined lines by source and line number, not only by reason.
    static let quarantinePositions = Compare(rawValue: 2)
    static let all: Compare = [.lines, .quarantinePositions]
}

/// Checks that the daemon (its counters and its store) ended where the clean run did: nothing
/// lost, nothing counted twice.
func expectSameAsClean(_ s: Scenario, _ clean: CleanRun, _ label: String, compare: Compare = .all,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
    let st = s.status.stats
    // The daemon's own counters (lifetime: they survive restarts in the committed state).
    #expect(st.lines == clean.stats.lines, "lines: \(label)", sourceLocation: sourceLocation)
    #expect(st.invocations == clean.stats.invocations, "invocations: \(label)", sourceLocation: sourceLocation)
    #expect(st.incompleteInvocations == clean.stats.incompleteInvocations, "incomplete: \(label)",
            sourceLocation: sourceLocation)
    #expect(st.metricSamples == clean.stats.metricSamples, "metric samples: \(label)", sourceLocation: sourceLocation)
    #expect(st.quarantined == clean.stats.quarantined, "quarantined: \(label)", sourceLocation: sourceLocation)
    #expect(st.attributedLines + st.plainLines == clean.stats.attributedLines + clean.stats.plainLines,
            "attributed + plain lines: \(label)", sourceLocation: sourceLocation)
    #expect(s.loop.ingestor.inFlightCount == 0, "invocations left in flight: \(label)", sourceLocation: sourceLocation)

    // The store: invocation rows, one per request id, equal to the clean run's.
    let mine = try s.store.stats()
    let theirs = try clean.store.stats()
    #expect(mine.invocations == theirs.invocations, "stored invocations: \(label)", sourceLocation: sourceLocation)
    let own = try s.store.series(named: nil).filter { PipelineMetrics.isPipelineSeries($0.key.name) }.count
    #expect(mine.series - own == theirs.series, "stored series (without Fathom's own): \(label)", sourceLocation: sourceLocation)
    var problems: [String] = []
    for id in clean.requestIDs {
        let a = try s.store.invocation(requestID: id)
        let b = try clean.store.invocation(requestID: id)
        guard a.count == b.count else {
            problems.append("\(id): \(a.count) stored, clean has \(b.count)")
            continue
        }
        for (x, y) in zip(a, b) {
            var x = x, y = y
            if !compare.contains(.lines) {
                x.lines = []; y.lines = []
                x.lineCount = 0; y.lineCount = 0
            }
            x.correlationIDs.sort()
            y.correlationIDs.sort()
            if x != y { problems.append("\(id) differs: \(difference(x, y))") }
        }
    }
    if !problems.isEmpty {
        let first = problems.prefix(5).joined(separator: "\n")
        Issue.record("\(problems.count) invocations differ (\(label)):\n\(first)", sourceLocation: sourceLocation)
    }

    // Queries: the functions table, every rollup, and one query language expression.
    let range = try #require(try clean.store.dataRange(), sourceLocation: sourceLocation)
    let rows = try FunctionSummaries.compute(reader: s.store, from: range.from, to: range.to)
    let cleanRows = try FunctionSummaries.compute(reader: clean.store, from: range.from, to: range.to)
    #expect(rows.map { "\($0.function)/\($0.version)" } == cleanRows.map { "\($0.function)/\($0.version)" },
            "function rows: \(label)", sourceLocation: sourceLocation)
    for (r, c) in zip(rows, cleanRows) {
        let key = "\(c.function)/\(c.version)"
        #expect(r.invocations == c.invocations && r.errors == c.errors && r.timeouts == c.timeouts
                && r.coldStarts == c.coldStarts, "\(key) counts \(r.invocations) vs \(c.invocations): \(label)",
                sourceLocation: sourceLocation)
        #expect(r.duration?.count == c.duration?.count && r.duration?.p99 == c.duration?.p99
                && r.duration?.p50 == c.duration?.p50, "\(key) duration: \(label)", sourceLocation: sourceLocation)
        #expect(nearlyEqual(r.duration?.sum ?? 0, c.duration?.sum ?? 0)
                && nearlyEqual(r.billedDurationMs, c.billedDurationMs) && nearlyEqual(r.costUSD, c.costUSD), "\(key) sums: \(label)", sourceLocation: sourceLocation)
        #expect(r.maxMemoryUsedMB == c.maxMemoryUsedMB && r.initDuration?.count == c.initDuration?.count,
                "\(key) memory / init: \(label)", sourceLocation: sourceLocation)
    }
    // Fathom's own series (fathom.lines, …) are timed by the run's clock, not by the data.
    let series = try s.store.series(named: nil).map(\.key).filter { !PipelineMetrics.isPipelineSeries($0.name) }
    let cleanSeries = try clean.store.series(named: nil).map(\.key).filter { !PipelineMetrics.isPipelineSeries($0.name) }
    #expect(series == cleanSeries, "series keys: \(label)", sourceLocation: sourceLocation)
    let ra = try s.store.rollups(of: cleanSeries, from: range.from, to: range.to)
    let rb = try clean.store.rollups(of: cleanSeries, from: range.from, to: range.to)
    var rollupProblems: [String] = []
    for k in cleanSeries {
        let a = ra[k] ?? [], b = rb[k] ?? []
        guard a.map(\.minute) == b.map(\.minute) else {
            rollupProblems.append("\(k.text): minutes differ")
            continue
        }
        for (x, y) in zip(a, b) {
            let p = x.rollup, q = y.rollup
            if p.count != q.count || p.min != q.min || p.max != q.max || p.sketch != q.sketch || !nearlyEqual(p.sum, q.sum) {
                rollupProblems.append("\(k.text) @\(x.minute): count \(p.count) vs \(q.count), sum \(p.sum) vs \(q.sum)")
            }
        }
    }
    if !rollupProblems.isEmpty {
        let first = rollupProblems.prefix(5).joined(separator: "\n")
        Issue.record("\(rollupProblems.count) rollups differ (\(label)):\n\(first)", sourceLocation: sourceLocation)
    }
    let q = "sum:fn.invocations{*} by {function}"
    let step = range.to - range.from
    let qa = try QueryEngine(reader: s.store).evaluate(q, from: range.from, to: range.to, step: step)
    let qb = try QueryEngine(reader: clean.store).evaluate(q, from: range.from, to: range.to, step: step)
    #expect(qa == qb, "\(q): \(label)", sourceLocation: sourceLocation)
    #expect(qb.series.reduce(0) { $0 + ($1.points.compactMap(\.value).reduce(0, +)) } == Double(clean.stats.invocations),
            "the clean query counts every invocation: \(label)", sourceLocation: sourceLocation)

    // Quarantine.
    let qc = try s.store.quarantineCounts().map { "\($0.0.rawValue)=\($0.1)" }
    let qcClean = try clean.store.quarantineCounts().map { "\($0.0.rawValue)=\($0.1)" }
    #expect(qc == qcClean, "quarantine counts: \(label)", sourceLocation: sourceLocation)
    if compare.contains(.quarantinePositions) {
        let pa = try s.store.quarantine(limit: 100_000, reason: nil).map { "\($0.source):\($0.line):\($0.reason.rawValue)" }
        let pb = try clean.store.quarantine(limit: 100_000, reason: nil).map { "\($0.source):\($0.line):\($0.reason.rawValue)" }
        #expect(pa == pb, "quarantine positions: \(label)", sourceLocation: sourceLocation)
    }
}

private func nearlyEqual(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * Swift.max(1, abs(a), abs(b)) }

/// The fields in which `a` (the daemon's) differs from `b` (the clean run's).
private func difference(_ a: Invocation, _ b: Invocation) -> String {
    var out: [String] = []
    func field<T: Equatable>(_ name: String, _ x: T, _ y: T) { if x != y { out.append("\(name) \(x) vs clean \(y)") } }
    field("function", a.function, b.function)
    field("version", a.version, b.version)
    field("stream", a.stream, b.stream)
    field("start", a.start, b.start)
    field("end", a.end, b.end)
    field("duration", a.durationMs, b.durationMs)
    field("status", a.status, b.status)
    field("error", a.errorType, b.errorType)
    field("xray", a.xrayTraceID, b.xrayTraceID)
    field("correlation", a.correlationIDs, b.correlationIDs)
    field("init", a.initDurationMs, b.initDurationMs)
    field("line count", a.lineCount, b.lineCount)
    if a.lines != b.lines {
        out.append("lines:\n    \(String(decoding: a.lines, as: UTF8.self).replacingOccurrences(of: "\n", with: "\n    "))"
                   + "\n  clean lines:\n    \(String(decoding: b.lines, as: UTF8.self).replacingOccurrences(of: "\n", with: "\n    "))")
    }
    return out.joined(separator: "; ")
}
