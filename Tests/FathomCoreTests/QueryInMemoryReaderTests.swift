import Testing

@testable import FathomCore

@Suite struct QueryInMemoryReaderTests {
    let a = SeriesKey(name: "a", kind: .count, tags: [FathomCore.Tag("x", "1")])
    let b = SeriesKey(name: "b", kind: .gauge, tags: [])
    let a2 = SeriesKey(name: "a", kind: .count, tags: [FathomCore.Tag("x", "2")])

    @Test func addMergesAndFloorsToTheMinute() throws {
        var reader = InMemoryMetricReader()
        reader.add(a, minute: 120_000, Rollup(value: 1, at: 120_000))
        reader.add(a, minute: 150_000, Rollup(value: 2, at: 150_000))  // same minute
        reader.add(a, minute: 240_000, Rollup(value: 5, at: 240_000))
        let rollups = try reader.rollups(of: [a], from: 0, to: 1_000_000)
        #expect(rollups[a]?.map(\.minute) == [120_000, 240_000])
        #expect(rollups[a]?.first?.rollup.count == 2)
        #expect(rollups[a]?.first?.rollup.sum == 3)
        #expect(try reader.series(named: "a") == [SeriesInfo(key: a, firstSeen: 120_000, lastSeen: 240_000)])
    }

    @Test func seriesAreSortedAndRangesHalfOpen() throws {
        var reader = InMemoryMetricReader()
        reader.add(batch: [
            b: [0: Rollup(value: 1, at: 0)],
            a2: [60_000: Rollup(value: 1, at: 60_000)],
            a: [0: Rollup(value: 1, at: 0), 60_000: Rollup(value: 2, at: 60_000), 120_000: Rollup(value: 3, at: 120_000)],
        ])
        #expect(try reader.series(named: nil).map(\.key) == [a, a2, b])
        #expect(try reader.series(named: "a").map(\.key) == [a, a2])
        #expect(try reader.series(named: "c").isEmpty)
        let r = try reader.rollups(of: [a, a2, b], from: 60_000, to: 120_000)
        #expect(r[a]?.map(\.minute) == [60_000])
        #expect(r[a2]?.map(\.minute) == [60_000])
        #expect(r[b] == nil)
    }
}
