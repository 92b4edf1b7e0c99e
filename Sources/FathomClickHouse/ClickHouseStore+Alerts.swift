import FathomCore
import FathomStore

extension ClickHouseStore {
    /// The most transitions kept, as in the embedded store: reads see only the newest this many.
    public static let alertHistoryLimit = 10_000

    /// Saves the alert instances and appends transitions, with the embedded store's semantics.
    ///
    /// ClickHouse has no transactional upsert, so each save writes a new **generation** of
    /// `alert_state`: the full set of instances now (with `replacing`, `snapshots`; else the
    /// newest generation upserted by group and fingerprint), plus a marker row so that an empty
    /// generation is still the newest. Reads take the newest generation. Transitions get a `seq`
    /// of generation × 1 000 000 + position, so newer saves sort first at equal times. Generations
    /// older than the previous one are deleted now and then (every 100 saves).
    public func saveAlerts(snapshots: [AlertSnapshot], transitions: [AlertTransition], replacing: Bool) throws {
        let current = try newestGeneration()
        let generation = (current ?? 0) + 1
        var instances: [AlertSnapshot]
        if replacing {
            instances = snapshots
        } else {
            var byKey: [String: AlertSnapshot] = [:]
            var order: [String] = []
            for s in try alertSnapshots() + snapshots {
                let k = s.group + "\u{0}" + s.fingerprint
                if byKey[k] == nil { order.append(k) }
                byKey[k] = s
            }
            instances = order.map { byKey[$0]! }
        }
        var rows = TSVWriter()
        func row(marker: Bool, _ s: AlertSnapshot?) {
            rows.int(generation)
            rows.uint(marker ? 1 : 0)
            rows.string(s?.group ?? "")
            rows.string(s?.fingerprint ?? "")
            rows.string(s?.rule ?? "")
            rows.string(CanonicalTags.encode(s?.labels ?? []))
            rows.string(CanonicalTags.encode(s?.annotations ?? []))
            rows.string(s?.state.rawValue ?? "")
            rows.optionalInt(s?.activeSince)
            rows.optionalInt(s?.firingSince)
            rows.optionalInt(s?.keepFiringSince)
            rows.optionalDouble(Self.storable(s?.value))
            rows.int(s?.evaluatedAt ?? 0)
            rows.endRow()
        }
        row(marker: true, nil)
        for s in instances { row(marker: false, s) }
        var history = TSVWriter()
        for (i, t) in transitions.enumerated() {
            history.int(t.time)
            history.int(generation * 1_000_000 + Int64(i))
            history.string(t.group)
            history.string(t.rule)
            history.string(CanonicalTags.encode(t.labels))
            history.string(t.from.rawValue)
            history.string(t.to.rawValue)
            history.optionalDouble(Self.storable(t.value))
            history.endRow()
        }
        // Transitions first: a crash in between leaves the old generation, with the new history.
        try client.insert(into: schema.qualified("alert_transitions"), rows: history, settings: insertSettings)
        try client.insert(into: schema.qualified("alert_state"), rows: rows, settings: insertSettings)
        if generation % 100 == 0 {
            try onEveryServer(["ALTER TABLE \(schema.local("alert_state")) DELETE WHERE generation < \(generation - 1)"])
        }
    }

    private func newestGeneration() throws -> Int64? {
        let row = try client.query(
            "SELECT max(generation), count() FROM \(schema.qualified("alert_state")) WHERE marker = 1"
        ).first { _ in true }
        guard let row, try row.int(1) > 0 else { return nil }
        return try row.int(0)
    }

    /// The instances of the newest generation, sorted by group, rule, then labels.
    public func alertSnapshots() throws -> [AlertSnapshot] {
        guard let generation = try newestGeneration() else { return [] }
        let rows = try client.query(
            """
            SELECT group_name, rule, labels, annotations, state, active_since, firing_since, keep_firing_since, value,
                evaluated_at FROM \(schema.qualified("alert_state")) FINAL WHERE generation = \(generation) AND marker = 0
            """)
        var result: [AlertSnapshot] = []
        for row in rows {
            guard let state = AlertState(rawValue: row.string(4)) else {
                throw ClickHouseError.badResponse("alert_state.state '\(row.string(4))'")
            }
            result.append(
                AlertSnapshot(
                    group: row.string(0), rule: row.string(1), labels: CanonicalTags.decode(row.string(2)),
                    annotations: CanonicalTags.decode(row.string(3)), state: state, activeSince: try row.optionalInt(5),
                    firingSince: try row.optionalInt(6), value: try row.optionalDouble(8), evaluatedAt: try row.int(9),
                    keepFiringSince: try row.optionalInt(7)))
        }
        return result.sorted { a, b in
            if a.group != b.group { return a.group < b.group }
            if a.rule != b.rule { return a.rule < b.rule }
            return a.labels.lexicographicallyPrecedes(b.labels)
        }
    }

    /// The latest evaluation time among the saved instances.
    public func alertsEvaluatedThrough() throws -> Int64? {
        guard let generation = try newestGeneration() else { return nil }
        let row = try client.query(
            """
            SELECT max(evaluated_at), count() FROM \(schema.qualified("alert_state"))
            WHERE generation = \(generation) AND marker = 0
            """
        ).first { _ in true }
        guard let row, try row.int(1) > 0 else { return nil }
        return try row.int(0)
    }

    /// Saved transitions, newest first (at equal times, the last saved first), at most `limit`,
    /// at or after `since`, among the newest ``alertHistoryLimit``.
    public func alertTransitions(limit: Int, since: Int64?) throws -> [AlertTransition] {
        let rows = try client.query(
            """
            SELECT time, group_name, rule, labels, from_state, to_state, value FROM \(schema.qualified("alert_transitions")) FINAL
            WHERE time >= \(since ?? Int64.min) ORDER BY time DESC, seq DESC LIMIT \(min(max(0, limit), Self.alertHistoryLimit))
            """)
        var result: [AlertTransition] = []
        for row in rows {
            guard let f = AlertState(rawValue: row.string(4)), let t = AlertState(rawValue: row.string(5)) else {
                throw ClickHouseError.badResponse("alert_transitions state '\(row.string(4))' → '\(row.string(5))'")
            }
            result.append(
                AlertTransition(
                    time: try row.int(0), group: row.string(1), rule: row.string(2), labels: CanonicalTags.decode(row.string(3)),
                    from: f, to: t, value: try row.optionalDouble(6)))
        }
        return result
    }

    /// NaN and infinities are stored as NULL, as in the embedded store.
    static func storable(_ x: Double?) -> Double? {
        guard let x, x.isFinite else { return nil }
        return x
    }
}
