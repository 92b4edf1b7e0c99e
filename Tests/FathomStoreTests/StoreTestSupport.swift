import FathomCore
import Foundation

@testable import FathomStore

/// A unique temporary folder, removed when the test is done with it.
final class TempDir {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("fathom-store-tests-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A path inside the folder.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// A new store in the folder.
    func store(_ name: String = "fathom.sqlite") throws -> EmbeddedStore { try EmbeddedStore(path: path(name)) }
}

/// A function series key.
func key(_ name: String, _ kind: MetricKind = .distribution, function: String = "api", _ extra: [Tag] = []) -> SeriesKey {
    SeriesKey(name: name, kind: kind, tags: [Tag("function", function), Tag("version", "$LATEST")] + extra)
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
