import Testing
@testable import FathomCore

@Suite struct SeriesCapTests {
    /// `n` MONITORING samples of `orders` with a distinct `customer` tag each.
    static func lines(_ n: Int, from: Int = 0) -> [UInt8] {
        var s = "START RequestId: 11111111-1111-4111-8111-111111111111 Version: 3\n"
        for i in from..<(from + n) {
            s += "2026-11-20T10:00:00.000Z\t11111111-1111-4111-8111-111111111111\tINFO\tMONITORING|1795168800|1|count|orders|#customer:c\(i)\n"
        }
        s += "REPORT RequestId: 11111111-1111-4111-8111-111111111111\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\n"
        return Array(s.utf8)
    }

    @Test func newSeriesBeyondTheCapGoToOtherAndTotalsStayExact() {
        var config = IngestConfig()
        config.maxCustomSeries = 10
        var ing = Ingestor(config: config)
        ing.begin(SourceInfo(name: "a.log", function: "a"))
        ing.feed(Self.lines(25))
        ing.end()
        let batch = ing.finish()
        let orders = batch.rollups.filter { $0.key.name == "orders" }
        #expect(orders.count == 11)  // 10 own series + the overflow one
        let other = orders.first { $0.key.tag("customer") == "__other__" }
        #expect(other?.value.values.reduce(0) { $0 + $1.sum } == 15)
        #expect(orders.values.flatMap(\.values).reduce(0) { $0 + $1.sum } == 25)
        #expect(ing.overflowSamples == 15)
        // A series known before the cap was reached keeps its own samples.
        #expect(orders.first { $0.key.tag("customer") == "c3" } != nil)
    }

    @Test func idleSeriesAreForgottenAndComeBackWhenUsed() {
        var ing = Ingestor(config: IngestConfig())
        ing.begin(SourceInfo(name: "a.log", function: "a"))
        ing.feed(Self.lines(5))
        _ = ing.takeBatch()
        let before = ing.seriesCount
        #expect(before >= 5)
        // Nothing used in the last take: everything goes.
        _ = ing.takeBatch()
        #expect(ing.expireIdleSeries(olderThanTakes: 0) == before)
        #expect(ing.seriesCount == 0)
        // New samples recreate what they need, with correct numbers.
        ing.feed(Self.lines(2, from: 3))
        ing.end()
        let batch = ing.finish()
        #expect(batch.rollups.filter { $0.key.name == "orders" }.count == 2)
        // Both invocations (the first was still open for late lines) are counted after the expiry.
        #expect(batch.rollups.first { $0.key.name == "fn.invocations" }?.value.values.first?.count == 2)
    }

    @Test func recentlyUsedSeriesSurviveExpiry() {
        var ing = Ingestor(config: IngestConfig())
        ing.begin(SourceInfo(name: "a.log", function: "a"))
        ing.feed(Self.lines(3))
        _ = ing.takeBatch()
        #expect(ing.expireIdleSeries(olderThanTakes: 1) == 0)
        #expect(ing.seriesCount > 0)
    }
}
