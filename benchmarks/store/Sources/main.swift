// fathom-store-bench: fills a store with days × functions × versions of per-minute rollups of the
// built-in series, committed through the `Store` protocol in day-sized batches, then times queries
// through the `QueryEngine` (the code behind `fathom query`). See benchmarks/store/run.sh.
import FathomCore
import FathomStore
import Foundation

// ┌─────────────────────────────────────────────────────────────────────────────────────────────┐
// │ CLICKHOUSE: compiled in once this target depends on "FathomClickHouse" and                  │
// │ .product(name: "Logging", package: "swift-log") in Package.swift.                           │
// └─────────────────────────────────────────────────────────────────────────────────────────────┘
#if canImport(FathomClickHouse)
import FathomClickHouse
import Logging
#endif

struct Options {
    var store = ""
    var days = 30
    var functions = 200
    var versions = 3
    var spool: String?
    var runs = 20
    var reset = false
    var queriesOnly = false
    var tsv = false

    static let usage = """
        usage: fathom-store-bench --store PATH|clickhouse://HOST:PORT/DB [--days 30] [--functions 200] [--versions 3]
                                  [--spool PATH] [--runs 20] [--reset] [--queries-only] [--tsv]
          --store   an embedded store file (must not exist unless --reset) or a ClickHouse URL
          --spool   the ClickHouse store's spool file (default: a temporary file)
          --runs    how many times each query is timed
          --reset   empty the store first (otherwise it must be empty)
          --queries-only  time the queries (and stats) of a store an earlier run filled
          --tsv     print `metric<TAB>value` lines (for run.sh) instead of a markdown table
        """

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var i = 0
        func value() -> String {
            i += 1
            guard i < args.count else { fail("\(args[i - 1]) needs a value\n\(usage)") }
            return args[i]
        }
        func int() -> Int {
            let v = value()
            guard let n = Int(v), n > 0 else { fail("\(args[i - 1]): not a positive integer: \(v)") }
            return n
        }
        while i < args.count {
            switch args[i] {
            case "--store": o.store = value()
            case "--days": o.days = int()
            case "--functions": o.functions = int()
            case "--versions": o.versions = int()
            case "--spool": o.spool = value()
            case "--runs": o.runs = int()
            case "--reset": o.reset = true
            case "--queries-only": o.queriesOnly = true
            case "--tsv": o.tsv = true
            case "-h", "--help":
                print(usage)
                exit(0)
            default: fail("unknown argument \(args[i])\n\(usage)")
            }
            i += 1
        }
        if o.store.isEmpty { fail("--store is required\n\(usage)") }
        return o
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fathom-store-bench: \(message)\n".utf8))
    exit(2)
}

func note(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

// MARK: Opening the store

func openStore(_ o: Options) throws -> (store: any Store, engine: String) {
    if o.store.hasPrefix("clickhouse://") {
        #if canImport(FathomClickHouse)
        let spool = o.spool
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("fathom-store-bench-\(UUID().uuidString).spool").path
        let store = try ClickHouseStore(
            url: ClickHouseURL(parsing: o.store), spoolPath: spool, spoolMaxBytes: 64 << 20,
            logger: Logger(label: "fathom.store-bench"))
        return (store, "clickhouse")
        #else
        fail("this build has no ClickHouse engine (FathomClickHouse is not a dependency of fathom-store-bench)")
        #endif
    }
    if !o.reset && FileManager.default.fileExists(atPath: o.store) {
        fail("\(o.store) exists: remove it or pass --reset")
    }
    return (try EmbeddedStore(path: o.store), "embedded")
}

// MARK: Data

/// SplitMix64: fast, deterministic.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    mutating func unit() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }
    /// Standard normal (Box–Muller).
    mutating func normal() -> Double { (-2 * log(unit())).squareRoot() * cos(2 * .pi * unit()) }
}

/// One function version: its series keys, traffic and latency.
struct Workload {
    var invocations: SeriesKey
    var errors: SeriesKey
    var duration: SeriesKey
    /// Mean invocations per minute, median duration (ms), error probability.
    var rate: Double
    var median: Double
    var errorRate: Double
}

func functionName(_ i: Int) -> String { "fn-" + String(repeating: "0", count: max(0, 3 - String(i).count)) + String(i) }

func workloads(functions: Int, versions: Int) -> [Workload] {
    // Traffic from 1 to 100 invocations a minute per function; most of it on the newest version
    // but one (a stable version), a canary share on the newest, a trickle on the older ones.
    let rates: [Double] = [1, 2, 5, 10, 20, 50, 100]
    var out: [Workload] = []
    for f in 0..<functions {
        let total = rates[f % rates.count]
        let median = 20 + Double((f * 37) % 480)
        for v in 0..<versions {
            let share: Double
            if versions == 1 { share = 1 } else if v == versions - 2 { share = 0.7 } else if v == versions - 1 { share = 0.25 }
            else { share = 0.05 / Double(max(1, versions - 2)) }
            let tags = [Tag("function", functionName(f)), Tag("version", String(40 + v))]
            out.append(Workload(
                invocations: SeriesKey(name: "fn.invocations", kind: .count, tags: tags),
                errors: SeriesKey(name: "fn.errors", kind: .count, tags: tags),
                duration: SeriesKey(name: "fn.duration", kind: .distribution, tags: tags),
                rate: max(1, total * share), median: median * (v == versions - 1 ? 1.2 : 1), errorRate: 0.01))
        }
    }
    return out
}

/// One day of minute rollups for every workload: at least one invocation every minute, the
/// traffic following the time of day.
func day(_ d: Int, start: Int64, workloads: [Workload], random: inout Random) -> (IngestBatch, rollups: Int, bytes: Int) {
    var batch = IngestBatch()
    var count = 0, bytes = 0
    for w in workloads {
        var inv: [Int64: Rollup] = [:], err: [Int64: Rollup] = [:], dur: [Int64: Rollup] = [:]
        inv.reserveCapacity(1440)
        err.reserveCapacity(1440)
        dur.reserveCapacity(1440)
        for m in 0..<1440 {
            let minute = start + Int64(d) * 86_400_000 + Int64(m) * 60_000
            let diurnal = 0.6 + 0.4 * sin(Double(m) / 1440 * 2 * .pi)
            let n = max(1, Int((w.rate * diurnal * (0.8 + 0.4 * random.unit())).rounded()))
            var i = Rollup(), e = Rollup(), t = Rollup()
            for k in 0..<n {
                let at = minute + Int64(k * 60_000 / n)
                i.add(1, at: at)
                e.add(random.unit() < w.errorRate ? 1 : 0, at: at)
                t.add((w.median * exp(0.5 * random.normal()) * 100).rounded() / 100, at: at)
            }
            inv[minute] = i
            err[minute] = e
            dur[minute] = t
            bytes += i.serialized().count + e.serialized().count + t.serialized().count
        }
        batch.rollups[w.invocations] = inv
        batch.rollups[w.errors] = err
        batch.rollups[w.duration] = dur
        count += 3 * 1440
    }
    return (batch, count, bytes)
}

// MARK: Timing

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// Runs `body` `runs` times after one warm-up; p50 and p99 in milliseconds, and the last result.
func measure<T>(_ runs: Int, _ body: () throws -> T) rethrows -> (p50: Double, p99: Double, result: T) {
    let clock = ContinuousClock()
    var result = try body()
    var ms: [Double] = []
    for _ in 0..<runs {
        let elapsed = try clock.measure { result = try body() }
        ms.append(seconds(elapsed) * 1000)
    }
    ms.sort()
    return (percentile(ms, 0.5), percentile(ms, 0.99), result)
}

func fmt(_ x: Double, _ decimals: Int = 1) -> String { String(format: "%.\(decimals)f", x) }

// MARK: Main

/// Fills the store and times the queries; the results as (metric, value) rows.
func run(_ o: Options) throws -> [(String, String)] {
    var rows: [(String, String)] = []
    func row(_ name: String, _ value: String) {
        rows.append((name, value))
        note("  \(name): \(value)")
    }
    let (store, engine) = try openStore(o)
    if o.reset { try store.reset() }
    if !o.queriesOnly {
        guard try store.series(named: nil).isEmpty else { fail("\(store.location) is not empty: pass --reset") }
    }
    let all = workloads(functions: o.functions, versions: o.versions)
    // Day 0 starts on 2026-10-01T00:00Z.
    let start: Int64 = 1_790_812_800_000
    var random = Random(state: 42)
    note("fathom-store-bench: \(engine) store \(store.location): \(o.days) days × \(o.functions) functions × \(o.versions) versions × 3 series")
    row("engine", engine)
    row("size", "\(o.days) d × \(o.functions) fn × \(o.versions) v")

    // Insert.
    let clock = ContinuousClock()
    var committing = Duration.zero, generating = Duration.zero
    var totalRollups = 0, totalBytes = 0
    for d in 0..<(o.queriesOnly ? 0 : o.days) {
        var made: (IngestBatch, rollups: Int, bytes: Int)? = nil
        generating += clock.measure { made = day(d, start: start, workloads: all, random: &random) }
        let (batch, n, bytes) = made!
        let took = try clock.measure {
            try store.commit(batch, now: start + Int64(d + 1) * 86_400_000)
            try store.flush()
        }
        committing += took
        totalRollups += n
        totalBytes += bytes
        note("  day \(d + 1)/\(o.days): \(n) rollups (\(fmt(Double(bytes) / 1e6)) MB) in \(fmt(seconds(took), 2)) s")
    }
    let secs = seconds(committing)
    if !o.queriesOnly {
    row("rollups", "\(totalRollups)")
    row("rollup bytes (serialized)", "\(fmt(Double(totalBytes) / 1e6)) MB")
    row("insert time", "\(fmt(secs, 1)) s (generating: \(fmt(seconds(generating), 1)) s, not counted)")
    row("insert rollups/s", "\(Int(Double(totalRollups) / secs))")
    row("insert MB/s", fmt(Double(totalBytes) / 1e6 / secs, 2))
    }
    let stats = try store.stats()
    row("store size", "\(fmt(Double(stats.bytes) / 1e6)) MB")
    row("series / rollups stored", "\(stats.series) / \(stats.rollups)")

    // Queries, through the QueryEngine over the last day / hour / everything.
    let range = try store.dataRange() ?? (from: start, to: start)
    let engineQ = QueryEngine(reader: store)
    let target = functionName(min(5, o.functions - 1))
    let queries: [(String, String, Int64)] = [
        ("p99 duration, 1 fn, 1 day, by version", "p99:fn.duration{function:\(target)} by {version}", 86_400_000),
        ("invocations, all fns, 1 hour, by function", "sum:fn.invocations{*} by {function}", 3_600_000),
        ("p99 duration, 1 fn, all days, by version", "p99:fn.duration{function:\(target)} by {version}", range.to - range.from),
    ]
    for (label, text, span) in queries {
        let from = max(range.from, range.to - span)
        let (p50, p99, result) = try measure(o.runs) { try engineQ.evaluate(text, from: from, to: range.to) }
        let points = result.series.reduce(0) { $0 + $1.points.count }
        row("\(label): p50 / p99 ms", "\(fmt(p50, 2)) / \(fmt(p99, 2)) (\(result.series.count) series, \(points) points)")
    }
    let (sp50, sp99, listed) = try measure(o.runs) { try store.series(named: "fn.duration") }
    row("series(named: fn.duration): p50 / p99 ms", "\(fmt(sp50, 2)) / \(fmt(sp99, 2)) (\(listed.count) series)")
    let (dp50, dp99, _) = try measure(o.runs) { try store.dataRange() }
    row("dataRange: p50 / p99 ms", "\(fmt(dp50, 2)) / \(fmt(dp99, 2))")
    #if canImport(FathomClickHouse)
    (store as? ClickHouseStore)?.close()
    #endif
    return rows
}

let o = Options.parse(Array(CommandLine.arguments.dropFirst()))
let rows: [(String, String)]
do {
    rows = try run(o)
} catch {
    fail("\(error)")
}
if o.tsv {
    for (k, v) in rows { print("\(k)\t\(v)") }
} else {
    print("| metric | value |\n|---|---|")
    for (k, v) in rows { print("| \(k) | \(v) |") }
}
