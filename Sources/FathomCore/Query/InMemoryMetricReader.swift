/// A `MetricReader` over per-minute rollups held in memory: for tests, and for querying data
/// that was just ingested without a store.
public struct InMemoryMetricReader: MetricReader, Sendable {
    /// Series → minute start (ms) → rollup.
    public private(set) var data: [SeriesKey: [Int64: Rollup]] = [:]

    /// An empty reader.
    public init() {}

    /// Merges `rollup` into the minute containing `minute` (ms; floored to a multiple of 60 000).
    public mutating func add(_ key: SeriesKey, minute: Int64, _ rollup: Rollup) {
        let start = CivilDate.floorDiv(minute, 60_000) * 60_000
        if var existing = data[key]?[start] {
            existing.merge(rollup)
            data[key]![start] = existing
        } else {
            data[key, default: [:]][start] = rollup
        }
    }

    /// Merges every rollup of `batch` (series → minute → rollup), as an `IngestBatch` holds them.
    public mutating func add(batch: [SeriesKey: [Int64: Rollup]]) {
        for (key, minutes) in batch {
            for (minute, rollup) in minutes { add(key, minute: minute, rollup) }
        }
    }

    /// The series named `name` (all when nil), sorted by key, with their first and last minutes.
    public func series(named name: String?) throws -> [SeriesInfo] {
        var out: [SeriesInfo] = []
        for (key, minutes) in data where name == nil || key.name == name {
            guard let first = minutes.keys.min(), let last = minutes.keys.max() else { continue }
            out.append(SeriesInfo(key: key, firstSeen: first, lastSeen: last))
        }
        return out.sorted { $0.key < $1.key }
    }

    /// The minutes of each of `series` starting in `[from, to)`, sorted; series without any are left out.
    public func rollups(of series: [SeriesKey], from: Int64, to: Int64) throws -> [SeriesKey: [MinuteRollup]] {
        var out: [SeriesKey: [MinuteRollup]] = [:]
        for key in series {
            guard let minutes = data[key] else { continue }
            let list = minutes.filter { $0.key >= from && $0.key < to }
                .map { MinuteRollup(minute: $0.key, rollup: $0.value) }
                .sorted { $0.minute < $1.minute }
            if !list.isEmpty { out[key] = list }
        }
        return out
    }
}
