import FathomCore
import Foundation
import GRDB

extension EmbeddedStore {
    /// Calls `body` with every series and all its minute rollups, one series at a time (memory
    /// stays one series deep): how the daemon starts its `/metrics` totals from the whole history.
    public func forEachSeriesRollups(_ body: (SeriesKey, [Int64: Rollup]) throws -> Void) throws {
        let all = try series(named: nil)
        try guarded {
            try dbQueue.read { db in
                let lookup = try db.cachedStatement(sql: "SELECT id FROM series WHERE name = ? AND kind = ? AND tags = ?")
                let read = try db.cachedStatement(sql: "SELECT minute, blob FROM rollups WHERE series_id = ?")
                for info in all {
                    let key = info.key
                    guard let id = try Int64.fetchOne(
                        lookup, arguments: [key.name, key.kind.rawValue, CanonicalTags.encode(key.tags)]) else { continue }
                    var minutes: [Int64: Rollup] = [:]
                    let rows = try Row.fetchCursor(read, arguments: [id])
                    while let row = try rows.next() {
                        let minute: Int64 = row[0]
                        let data: Data = row[1]
                        do {
                            minutes[minute] = try Rollup(serialized: [UInt8](data))
                        } catch {
                            throw StoreError.corrupt(path: path, detail: "rollup of \(key.text) at minute \(minute): \(error)")
                        }
                    }
                    try body(key, minutes)
                }
            }
        }
    }
}
