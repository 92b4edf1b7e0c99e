import FathomCore
import GRDB

extension EmbeddedStore {
    /// The most transitions `alert_transitions` keeps; older ones are deleted when newer ones
    /// are saved.
    public static let alertHistoryLimit = 10_000

    /// Saves the current alert state and new transitions in one transaction.
    ///
    /// - Parameters:
    ///   - snapshots: the instances now; with `replacing` (the default) they replace the whole
    ///     table (an instance not among them is gone), else they are upserted by group and
    ///     fingerprint.
    ///   - transitions: appended to the history, which is then cut to the newest
    ///     ``alertHistoryLimit``.
    public func saveAlerts(snapshots: [AlertSnapshot], transitions: [AlertTransition], replacing: Bool = true) throws {
        try guarded {
            try dbQueue.write { db in
                if replacing { try db.execute(sql: "DELETE FROM alert_state") }
                let upsert = try db.cachedStatement(
                    sql: """
                        INSERT OR REPLACE INTO alert_state (group_name, fingerprint, rule, labels, annotations, state,
                            active_since, firing_since, keep_firing_since, value, evaluated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                for s in snapshots {
                    try upsert.execute(arguments: [
                        s.group, s.fingerprint, s.rule, CanonicalTags.encode(s.labels), CanonicalTags.encode(s.annotations),
                        s.state.rawValue, s.activeSince, s.firingSince, s.keepFiringSince, Self.storable(s.value),
                        s.evaluatedAt,
                    ])
                }
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO alert_transitions (time, group_name, rule, labels, from_state, to_state, value)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """)
                for t in transitions {
                    try insert.execute(arguments: [
                        t.time, t.group, t.rule, CanonicalTags.encode(t.labels), t.from.rawValue, t.to.rawValue,
                        Self.storable(t.value),
                    ])
                }
                if !transitions.isEmpty {
                    try db.execute(
                        sql: """
                            DELETE FROM alert_transitions WHERE id NOT IN
                                (SELECT id FROM alert_transitions ORDER BY time DESC, id DESC LIMIT ?)
                            """, arguments: [Self.alertHistoryLimit])
                }
            }
        }
    }

    /// The saved alert instances, sorted by group, rule, then labels.
    public func alertSnapshots() throws -> [AlertSnapshot] {
        try guarded {
            try dbQueue.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT group_name, rule, labels, annotations, state, active_since, firing_since,
                            keep_firing_since, value, evaluated_at FROM alert_state
                        """)
                return try rows.map { row in
                    let stateText: String = row[4]
                    guard let state = AlertState(rawValue: stateText) else {
                        throw StoreError.corrupt(path: path, detail: "alert_state.state '\(stateText)'")
                    }
                    return AlertSnapshot(
                        group: row[0], rule: row[1], labels: CanonicalTags.decode(row[2]),
                        annotations: CanonicalTags.decode(row[3]), state: state, activeSince: row[5], firingSince: row[6],
                        value: row[8], evaluatedAt: row[9], keepFiringSince: row[7])
                }.sorted { a, b in
                    if a.group != b.group { return a.group < b.group }
                    if a.rule != b.rule { return a.rule < b.rule }
                    return a.labels.lexicographicallyPrecedes(b.labels)
                }
            }
        }
    }

    /// The latest evaluation time among the saved instances (nil: none saved): where a restored
    /// evaluator goes on from.
    public func alertsEvaluatedThrough() throws -> Int64? {
        try guarded {
            try dbQueue.read { db in try Int64.fetchOne(db, sql: "SELECT max(evaluated_at) FROM alert_state") }
        }
    }

    /// Saved transitions, newest first (at equal times, the last saved first): at most `limit`,
    /// and only those at or after `since` when given.
    public func alertTransitions(limit: Int = 100, since: Int64? = nil) throws -> [AlertTransition] {
        try guarded {
            try dbQueue.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT time, group_name, rule, labels, from_state, to_state, value FROM alert_transitions
                        WHERE time >= ? ORDER BY time DESC, id DESC LIMIT ?
                        """, arguments: [since ?? Int64.min, max(0, limit)])
                return try rows.map { row in
                    let from: String = row[4]
                    let to: String = row[5]
                    guard let f = AlertState(rawValue: from), let t = AlertState(rawValue: to) else {
                        throw StoreError.corrupt(path: path, detail: "alert_transitions state '\(from)' → '\(to)'")
                    }
                    return AlertTransition(
                        time: row[0], group: row[1], rule: row[2], labels: CanonicalTags.decode(row[3]), from: f, to: t,
                        value: row[6])
                }
            }
        }
    }

    /// NaN and infinities are stored as NULL (SQLite has no NaN).
    static func storable(_ x: Double?) -> Double? {
        guard let x, x.isFinite else { return nil }
        return x
    }
}
