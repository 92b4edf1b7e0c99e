/// Fathom's own health as metric series in the store, so rules, queries and the `pipeline`
/// dashboard see them like any other metric:
///
/// | Series | Kind | Sample |
/// | --- | --- | --- |
/// | `fathom.lines`, `fathom.bytes`, `fathom.invocations` | count | lines, bytes, invocations read since the last sample |
/// | `fathom.quarantined{reason}` | count | lines quarantined since the last sample, per reason |
/// | `fathom.ingest_lag_seconds` | gauge | the worst lag of the batch (daemon only) |
/// | `fathom.series`, `fathom.in_flight`, `fathom.streams` | gauge | metric series, invocations in flight, streams held |
///
/// Samples carry no `function` tag, so they never appear in per-function summaries. The caller
/// chooses their time: `fathom ingest` uses the data's event time (the newest invocation end seen),
/// so a replay of old logs is deterministic; the daemon uses the commit's wall-clock time.
public struct PipelineMetrics: Sendable {
    /// The counters as of the last sample.
    var last: IngestStats

    /// Starts counting from `baseline` (a restored ingestor's lifetime counters), so the first
    /// sample holds only what is new.
    public init(baseline: IngestStats = IngestStats()) { last = baseline }

    /// The names of the series this type writes.
    public static let names = [
        "fathom.bytes", "fathom.in_flight", "fathom.ingest_lag_seconds", "fathom.invocations", "fathom.lines",
        "fathom.quarantined", "fathom.series", "fathom.streams",
    ]

    /// Whether `name` is one of Fathom's own series (`fathom.` prefix).
    public static func isPipelineSeries(_ name: String) -> Bool { name.hasPrefix("fathom.") }

    /// Adds what `stats` counted since the last call, and the `gauges` (series name → value), as
    /// samples at `time` (ms) into `batch`. Counts that did not change add nothing.
    public mutating func record(
        _ stats: IngestStats, gauges: [(name: String, value: Double)], at time: Int64, into batch: inout IngestBatch
    ) {
        let minute = CivilDate.floorDiv(time, 60_000) * 60_000
        func add(_ name: String, _ kind: MetricKind, _ tags: [Tag], _ value: Double) {
            let key = SeriesKey(name: name, kind: kind, tags: tags)
            var rollup = batch.rollups[key, default: [:]][minute] ?? Rollup()
            rollup.add(value, at: time)
            batch.rollups[key, default: [:]][minute] = rollup
        }
        let counts: [(String, Int64, Int64)] = [
            ("fathom.lines", Int64(stats.lines), Int64(last.lines)),
            ("fathom.bytes", stats.bytes, last.bytes),
            ("fathom.invocations", Int64(stats.invocations), Int64(last.invocations)),
        ]
        for (name, now, before) in counts where now > before { add(name, .count, [], Double(now - before)) }
        for reason in stats.quarantined.keys.sorted() {
            let delta = (stats.quarantined[reason] ?? 0) - (last.quarantined[reason] ?? 0)
            if delta > 0 { add("fathom.quarantined", .count, [Tag("reason", reason.rawValue)], Double(delta)) }
        }
        for g in gauges where g.value.isFinite { add(g.name, .gauge, [], g.value) }
        last = stats
    }
}
