import Testing

@testable import FathomCore

@Suite struct PipelineMetricsTests {
    @Test func recordsDeltasAndGaugesAtTheGivenMinute() throws {
        var p = PipelineMetrics()
        var stats = IngestStats()
        stats.lines = 100
        stats.bytes = 5000
        stats.invocations = 7
        stats.quarantined = [.badMetricValue: 3]
        var batch = IngestBatch()
        let t: Int64 = 1_795_168_812_345
        p.record(stats, gauges: [("fathom.series", 12)], at: t, into: &batch)
        let minute: Int64 = 1_795_168_800_000
        func value(_ name: String, _ tags: [FathomCore.Tag] = [], kind: MetricKind = .count) -> Double? {
            batch.rollups[SeriesKey(name: name, kind: kind, tags: tags)]?[minute]?.sum
        }
        #expect(value("fathom.lines") == 100 && value("fathom.bytes") == 5000 && value("fathom.invocations") == 7)
        #expect(value("fathom.quarantined", [FathomCore.Tag("reason", QuarantineReason.badMetricValue.rawValue)]) == 3)
        #expect(value("fathom.series", kind: .gauge) == 12)

        // Only what changed since: 50 more lines, nothing else; unchanged counts add no series.
        stats.lines = 150
        var next = IngestBatch()
        p.record(stats, gauges: [], at: t + 60_000, into: &next)
        #expect(next.rollups.count == 1)
        #expect(next.rollups[SeriesKey(name: "fathom.lines", kind: .count, tags: [])]?[minute + 60_000]?.sum == 50)
    }

    @Test func aRestoredBaselineIsNotCountedAgain() {
        var restored = IngestStats()
        restored.lines = 1_000_000
        var p = PipelineMetrics(baseline: restored)
        restored.lines += 10
        var batch = IngestBatch()
        p.record(restored, gauges: [], at: 0, into: &batch)
        #expect(batch.rollups[SeriesKey(name: "fathom.lines", kind: .count, tags: [])]?[0]?.sum == 10)
        #expect(PipelineMetrics.isPipelineSeries("fathom.lines") && !PipelineMetrics.isPipelineSeries("fn.duration"))
    }
}
