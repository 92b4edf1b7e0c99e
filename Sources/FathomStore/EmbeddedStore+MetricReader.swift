import FathomCore
import Foundation
import GRDB

extension EmbeddedStore {
    /// The series named `name` (all series when nil), sorted by key, with the first and last
    /// minute they have data for.
    public func series(named name: String?) throws -> [SeriesInfo] {
        let found: [(SeriesInfo, Int64)] = try guarded {
            try dbQueue.read { db in
                let columns = "id, name, kind, tags, first_minute, last_minute"
                let rows: [Row]
                if let name {
                    rows = try Row.fetchAll(db, sql: "SELECT \(columns) FROM series WHERE name = ?", arguments: [name])
                } else {
                    rows = try Row.fetchAll(db, sql: "SELECT \(columns) FROM series")
                }
                return try rows.map { row in
                    let kindName: String = row[2]
                    guard let kind = MetricKind(rawValue: kindName) else {
                        throw StoreError.corrupt(path: path, detail: "series with unknown kind \(kindName)")
                    }
                    let tags: String = row[3]
                    let key = SeriesKey(name: row[1], kind: kind, tags: CanonicalTags.decode(tags))
                    return (SeriesInfo(key: key, firstSeen: row[4], lastSeen: row[5]), row[0])
                }
            }
        }
        seriesIDs.withLock { map in
            for (info, id) in found { map[info.key] = id }
        }
        return found.map(\.0).sorted { $0.key < $1.key }
    }

    /// The per-minute rollups of each of `series` whose minute starts in `[from, to)` (ms), sorted
    /// by minute. Every requested key is in the result, with an empty list when the store has no
    /// data for it in that span (or does not know it).
    public func rollups(of series: [SeriesKey], from: Int64, to: Int64) throws -> [SeriesKey: [MinuteRollup]] {
        let known = seriesIDs.withLock { map in series.map { map[$0] } }
        let (result, learned): ([SeriesKey: [MinuteRollup]], [SeriesKey: Int64]) = try guarded {
            try dbQueue.read { db in
                let lookup = try db.cachedStatement(sql: "SELECT id FROM series WHERE name = ? AND kind = ? AND tags = ?")
                let read = try db.cachedStatement(
                    sql: "SELECT minute, blob FROM rollups WHERE series_id = ? AND minute >= ? AND minute < ? ORDER BY minute")
                var result: [SeriesKey: [MinuteRollup]] = [:]
                var learned: [SeriesKey: Int64] = [:]
                for (key, cached) in zip(series, known) {
                    if result[key] != nil { continue }
                    var id = cached
                    if id == nil {
                        id = try Int64.fetchOne(
                            lookup, arguments: [key.name, key.kind.rawValue, CanonicalTags.encode(key.tags)])
                        if let id { learned[key] = id }
                    }
                    var minutes: [MinuteRollup] = []
                    if let id, from < to {
                        let rows = try Row.fetchCursor(read, arguments: [id, from, to])
                        while let row = try rows.next() {
                            let minute: Int64 = row[0]
                            let data: Data = row[1]
                            do {
                                minutes.append(MinuteRollup(minute: minute, rollup: try Rollup(serialized: [UInt8](data))))
                            } catch {
                                throw StoreError.corrupt(
                                    path: path, detail: "rollup of \(key.text) at minute \(minute): \(error)")
                            }
                        }
                    }
                    result[key] = minutes
                }
                return (result, learned)
            }
        }
        if !learned.isEmpty {
            seriesIDs.withLock { map in map.merge(learned) { _, new in new } }
        }
        return result
    }
}
