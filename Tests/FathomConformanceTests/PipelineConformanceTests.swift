import FathomCore
import FathomStore
import Foundation
import Testing

/// The whole pipeline on every engine: `samples/` through the core `Ingestor`, committed, then the
/// `QueryEngine` (the code behind `fathom query`, dashboards and alerts) gives the same answers as
/// on the embedded store and as on the batches merged in memory.
@Suite struct PipelineConformanceTests {
    static let queries = [
        "p99:fn.duration{function:checkout} by {version}",
        "p50:fn.duration{*} by {function,version}",
        "sum:fn.invocations{*} by {function}",
        "sum:fn.errors{*} / sum:fn.invocations{*} * 100",
        "avg:fn.cold_starts{*} by {function}",
        "max:fn.max_memory_used{function:thumbnailer} by {version}",
        "sum:fn.cost{*}.rollup(sum, 300)",
    ]

    /// The reference: the embedded store, filled with the same batches.
    static func reference(_ sample: SampleIngest) throws -> (store: any Store, cleanup: @Sendable () -> Void) {
        let (store, cleanup) = try Backend.embedded.make()
        for batch in sample.batches { try store.commitAndFlush(batch, now: t0) }
        return (store, cleanup)
    }

    @Test(arguments: Backend.all)
    func queriesOnSamplesGiveTheSameAnswers(_ backend: Backend) throws {
        let sample = SampleIngest.shared
        let (reference, cleanupReference) = try Self.reference(sample)
        defer { cleanupReference() }
        try withStore(backend) { store in
            for batch in sample.batches { try store.commitAndFlush(batch, now: t0) }
            let range = try #require(try store.dataRange())
            let refRange = try #require(try reference.dataRange())
            #expect(range == refRange)
            let memory = sample.expected
            for text in Self.queries {
                for step: Int64? in [nil, 60_000, 3_600_000] {
                    let got = try QueryEngine(reader: store).evaluate(text, from: range.from, to: range.to, step: step)
                    let want = try QueryEngine(reader: reference).evaluate(text, from: range.from, to: range.to, step: step)
                    let inMemory = try QueryEngine(reader: memory).evaluate(text, from: range.from, to: range.to, step: step)
                    #expect(!got.series.isEmpty, "\(text): no series")
                    #expect(got.series.contains { $0.values.contains { $0 != nil } }, "\(text): no values")
                    #expect(sameResult(got, want), "\(text) step \(step.map(String.init) ?? "default"): differs from the embedded store")
                    #expect(sameResult(got, inMemory), "\(text) step \(step.map(String.init) ?? "default"): differs from memory")
                }
            }
            // The window form (one number per series) used by `functions`, alerts and compare.
            let window = try QueryEngine(reader: store).evaluateWindow(
                QueryParser.parse("sum:fn.invocations{*} by {function}"), from: range.from, to: range.to)
            let total = window.series.compactMap { $0.values.first ?? nil }.reduce(0, +)
            #expect(total == 608)
        }
    }

    @Test(arguments: Backend.all)
    func traceOfASampleRequestIsTheSame(_ backend: Backend) throws {
        let sample = SampleIngest.shared
        let (reference, cleanupReference) = try Self.reference(sample)
        defer { cleanupReference() }
        try withStore(backend) { store in
            for batch in sample.batches { try store.commitAndFlush(batch, now: t0) }
            let linked = sample.invocations.filter { !$0.correlationIDs.isEmpty || $0.xrayTraceID != nil }.prefix(20)
            for inv in linked {
                for id in [inv.requestID] + inv.correlationIDs + [inv.xrayTraceID].compactMap({ $0 }) {
                    let got = try store.invocations(linkedTo: id)
                    #expect(!got.isEmpty, "\(id)")
                    #expect(got == (try reference.invocations(linkedTo: id)), "\(id)")
                }
            }
            #expect(try store.quarantine(limit: 100, reason: nil) == reference.quarantine(limit: 100, reason: nil))
            #expect(try store.sources() == reference.sources())
        }
    }

    /// Shows the ClickHouse backend as skipped, with the reason, when it is not in `Backend.all`.
    @Test(.enabled(if: Backend.clickHouseSkipReason == nil, Comment(rawValue: Backend.clickHouseSkipReason ?? "")))
    func clickHouseBackendRuns() throws {
        #expect(Backend.all.map(\.name).contains("clickhouse"))
    }
}
