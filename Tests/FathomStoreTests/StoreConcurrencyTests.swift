import FathomCore
import Foundation
import Testing

@testable import FathomStore

@Suite struct StoreConcurrencyTests {
    @Test func commitsAndReadsFromManyThreadsAreSerialized() throws {
        let dir = TempDir()
        let store = try dir.store()
        let k = key("invocations", .count)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            var batch = IngestBatch()
            batch.invocations = (0..<50).map { invocation("w\(worker)-\($0)", start: t0 + Int64($0), correlation: ["shared"]) }
            batch.rollups[k] = [t0: rollup([1], at: t0)]
            do {
                try store.commit(batch, now: t0)
                _ = try store.series(named: nil)
                _ = try store.rollups(of: [k], from: t0, to: t0 + minute)
            } catch {
                Issue.record("worker \(worker): \(error)")
            }
        }
        #expect(try store.stats().invocations == 400)
        #expect(try store.invocations(linkedTo: "shared").count == 400)
        // Every commit merged into the same minute: no update was lost.
        #expect(try store.rollups(of: [k], from: t0, to: t0 + minute)[k]!.first!.rollup.count == 8)
    }

    @Test func twoStoresOnOneFileSeeEachOthersCommits() throws {
        let dir = TempDir()
        let writer = try dir.store()
        let reader = try dir.store()
        var batch = IngestBatch()
        batch.invocations = [invocation("r1", start: t0)]
        try writer.commit(batch, now: t0)
        #expect(try reader.invocation(requestID: "r1").count == 1)
    }
}
