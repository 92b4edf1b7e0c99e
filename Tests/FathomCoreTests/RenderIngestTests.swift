import Testing
@testable import FathomCore

enum RenderIngestFixture {
    static var stats: IngestStats {
        var s = IngestStats()
        s.sources = 3
        s.skippedSources = 1
        s.bytes = 2_500_000
        s.lines = 12000
        s.invocations = 100
        s.incompleteInvocations = 2
        s.reportsWithoutStart = 1
        s.functions = ["worker", "api"]
        s.metricSamples = 1500
        s.plainLines = 7
        return s
    }
}

@Test func renderIngestSummaryClean() {
    #expect(
        Renderers.ingestSummary(RenderIngestFixture.stats, seconds: 0.5) == """
            sources:         3 read, 1 skipped (already ingested)
            lines:           12000 (2.50 MB)
            time:            0.50 s, 5.00 MB/s
            invocations:     100 (2 incomplete, 1 REPORT without START)
            functions:       2 (api, worker)
            metric samples:  1500
            plain lines:     7
            quarantined:     none

            """)
}

@Test func renderIngestSummaryWithQuarantine() {
    var s = RenderIngestFixture.stats
    s.quarantined = [.brokenJSON: 4, .badMetricValue: 2, .binary: 0]
    s.blankLines = 3
    s.envelopeEvents = 40
    s.controlMessages = 1
    #expect(
        Renderers.ingestSummary(s, seconds: 0) == """
            sources:          3 read, 1 skipped (already ingested)
            lines:            12000 (2.50 MB, 3 blank)
            envelope events:  40 (1 control message skipped)
            time:             0.00 s
            invocations:      100 (2 incomplete, 1 REPORT without START)
            functions:        2 (api, worker)
            metric samples:   1500
            plain lines:      7
            quarantined:      6
              REASON            COUNT  EXPLANATION
              bad_metric_value      2  the metric value is not a number
              broken_json           4  a line that began as a JSON record is not valid JSON
              (see them with: fathom quarantine)

            """)
}

@Test func renderIngestSummaryMinimal() {
    var s = IngestStats()
    s.sources = 1
    s.functions = Set((1...6).map { "f\($0)" })
    #expect(
        Renderers.ingestSummary(s, seconds: 2) == """
            sources:         1 read
            lines:           0 (0.00 MB)
            time:            2.00 s, 0.00 MB/s
            invocations:     0
            functions:       6
            metric samples:  0
            plain lines:     0
            quarantined:     none

            """)
}
