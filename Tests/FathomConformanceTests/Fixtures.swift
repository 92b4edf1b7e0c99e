import FathomCore
import FathomIO
import FathomStore
import Foundation

/// The repository's root (this file is Tests/FathomConformanceTests/Fixtures.swift).
let repositoryRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The bundled `samples/` read by the core `Ingestor` the way `fathom ingest samples` does: one
/// batch per source (with its checkpoint), then the rest at the end.
struct SampleIngest {
    var batches: [IngestBatch] = []
    var stats = IngestStats()

    /// Every rollup of every batch merged in memory: what a store must hold afterwards.
    var expected: InMemoryMetricReader {
        var reader = InMemoryMetricReader()
        for b in batches { reader.add(batch: b.rollups) }
        return reader
    }

    var invocations: [Invocation] { batches.flatMap(\.invocations) }
    var quarantine: [QuarantineEntry] { batches.flatMap(\.quarantine) }

    /// Reads `samples/` (computed once; the batches are values).
    static let shared: SampleIngest = {
        do { return try read(repositoryRoot + "/samples") } catch { fatalError("samples/: \(error)") }
    }()

    static func read(_ root: String) throws -> SampleIngest {
        let (files, errors) = expandInputsCollectingErrors([root])
        precondition(errors.isEmpty, "\(errors.map(\.message))")
        var ingestor = Ingestor(config: IngestConfig())
        var out = SampleIngest()
        for file in files.sorted(by: { $0.path < $1.path }) {
            var source = try openInput(path: file.path).source
            var bytes: [UInt8] = []
            while try source.read(into: &bytes, max: 1 << 20) > 0 {}
            if bytes.isEmpty { continue }
            let prefix = bytes.prefix(SourceCheckpoint.maxFingerprintLength)
            ingestor.begin(SourceInfo.from(path: file.path), fingerprint: (Fingerprint.of(prefix), prefix.count))
            ingestor.feed(bytes)
            ingestor.end()
            out.batches.append(ingestor.takeBatch())
        }
        out.batches.append(ingestor.finish())
        out.stats = ingestor.stats
        return out
    }
}

/// A function series key.
func key(_ name: String, _ kind: MetricKind = .distribution, function: String = "api", version: String = "1",
         _ extra: [Tag] = []) -> SeriesKey {
    SeriesKey(name: name, kind: kind, tags: [Tag("function", function), Tag("version", version)] + extra)
}

/// A rollup of `values`, the i-th at `at + i`.
func rollup(_ values: [Double], at: Int64) -> Rollup {
    var r = Rollup()
    for (i, v) in values.enumerated() { r.add(v, at: at + Int64(i)) }
    return r
}

/// An invocation with sensible defaults.
func invocation(
    _ requestID: String, start: Int64, correlation: [String] = [], xray: String? = nil, lines: [UInt8] = [],
    lineCount: Int = 0, status: InvocationStatus = .ok
) -> Invocation {
    Invocation(
        requestID: requestID, function: "api", version: "$LATEST", stream: "2024/01/01/[$LATEST]abc", start: start,
        end: start + 12, durationMs: 11.5, billedDurationMs: 12, memorySizeMB: 128, maxMemoryUsedMB: 70,
        initDurationMs: nil, restoreDurationMs: nil, status: status, errorType: status == .ok ? nil : "Boom",
        xrayTraceID: xray, correlationIDs: correlation, lines: lines, lineCount: lineCount)
}

let minute: Int64 = 60_000
/// 2024-01-01T00:00:00Z in ms.
let t0: Int64 = 1_704_067_200_000

/// Two rollups are the same data: equal counts, extremes, last value and sketch, and sums equal up
/// to rounding (an engine may add in another order).
func sameData(_ a: Rollup, _ b: Rollup) -> Bool {
    guard a.count == b.count, a.min == b.min, a.max == b.max else { return false }
    guard abs(a.sum - b.sum) <= 1e-9 * max(1, abs(a.sum)) else { return false }
    for q in [0.5, 0.9, 0.99] where a.value(.quantile(q)) != b.value(.quantile(q)) { return false }
    return true
}

/// Two query results agree: the same series (metric, aggregation, tags) and times, values equal up
/// to rounding.
func sameResult(_ a: QueryResult, _ b: QueryResult) -> Bool {
    guard a.series.count == b.series.count else { return false }
    for (x, y) in zip(a.series, b.series) {
        guard x.metric == y.metric, x.aggregation == y.aggregation, x.tags == y.tags,
            x.points.map(\.time) == y.points.map(\.time)
        else { return false }
        for (p, q) in zip(x.values, y.values) {
            switch (p, q) {
            case (nil, nil): continue
            case let (p?, q?) where p == q || abs(p - q) <= 1e-9 * max(1, abs(p)): continue
            default: return false
            }
        }
    }
    return true
}
