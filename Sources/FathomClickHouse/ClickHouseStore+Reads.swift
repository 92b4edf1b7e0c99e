import FathomCore
import FathomStore

extension ClickHouseStore: MetricReader {
    /// The series named `name` (all when nil), sorted by key, with their first and last minute:
    /// from the `series` table (fed by a materialized view), not from the rollups.
    public func series(named name: String?) throws -> [SeriesInfo] {
        let filter = name.map { " WHERE name = \(TSV.literal($0))" } ?? ""
        let rows = try client.query(
            "SELECT name, kind, tags, minMerge(first_minute), maxMerge(last_minute) FROM \(schema.qualified("series"))"
                + "\(filter) GROUP BY name, kind, tags")
        var result: [SeriesInfo] = []
        for row in rows {
            let kindName = row.string(1)
            guard let kind = MetricKind(rawValue: kindName) else {
                throw ClickHouseError.badResponse("series with unknown kind \(kindName)")
            }
            let key = SeriesKey(name: row.string(0), kind: kind, tags: CanonicalTags.decode(row.string(2)))
            result.append(SeriesInfo(key: key, firstSeen: try row.int(3), lastSeen: try row.int(4)))
        }
        return result.sorted { $0.key < $1.key }
    }

    /// The per-minute rollups of each of `series` in `[from, to)`, sorted by minute; every
    /// requested key is in the result. Rows of different flights for the same minute are merged.
    public func rollups(of series: [SeriesKey], from: Int64, to: Int64) throws -> [SeriesKey: [MinuteRollup]] {
        var result: [SeriesKey: [MinuteRollup]] = [:]
        for key in series { result[key] = [] }
        guard !series.isEmpty, from < to else { return result }
        var byText: [String: SeriesKey] = [:]
        var tuples: [String] = []
        for key in Set(series) {
            let tags = CanonicalTags.encode(key.tags)
            byText[key.name + "\u{0}" + key.kind.rawValue + "\u{0}" + tags] = key
            tuples.append("(\(TSV.literal(key.name)), \(TSV.literal(key.kind.rawValue)), \(TSV.literal(tags)))")
        }
        // The names alone, on the first column of the sorting key, let 18.16's index skip what a
        // tuple IN does not (measured: a third of the time for an hour of 200 functions).
        let names = Set(series.map(\.name)).sorted().map(TSV.literal).joined(separator: ", ")
        var merged: [SeriesKey: [Int64: Rollup]] = [:]
        // A few hundred keys per query keeps the SQL text small. The day bounds prune partitions
        // (FINAL reads every part it is given); the sorting key starts with (name, kind, tags,
        // minute), so the index narrows to the series and minutes asked for.
        let chunk = 500
        for start in stride(from: 0, to: tuples.count, by: chunk) {
            let part = tuples[start..<min(start + chunk, tuples.count)]
            let rows = try client.query(
                """
                SELECT name, kind, tags, minute, rollup FROM \(schema.qualified("rollups")) FINAL
                WHERE day >= \(TSV.literal(TSV.dayText(ms: min(max(from, 0), Self.lastDay))))
                  AND day <= \(TSV.literal(TSV.dayText(ms: min(max(to - 1, 0), Self.lastDay))))
                  AND name IN (\(names))
                  AND (name, kind, tags) IN (\(part.joined(separator: ", ")))
                  AND minute >= \(from) AND minute < \(to)
                """)
            try mergeRows(rows, byText: byText, into: &merged)
        }
        for (key, minutes) in merged {
            result[key] = minutes.sorted { $0.key < $1.key }.map { MinuteRollup(minute: $0.key, rollup: $0.value) }
        }
        return result
    }

    /// The last day a `Date` column holds (2105-12-31 on ClickHouse 18.16): open-ended spans are
    /// clamped to it.
    static let lastDay: Int64 = 4_291_660_800_000

    /// Merges rows of (name, kind, tags, minute, rollup) into per-series minutes.
    private func mergeRows(
        _ rows: TSVRows, byText: [String: SeriesKey]?, into merged: inout [SeriesKey: [Int64: Rollup]]
    ) throws {
        for row in rows {
            let name = row.string(0), kindName = row.string(1), tags = row.string(2)
            let key: SeriesKey
            if let byText {
                guard let k = byText[name + "\u{0}" + kindName + "\u{0}" + tags] else { continue }
                key = k
            } else {
                guard let kind = MetricKind(rawValue: kindName) else {
                    throw ClickHouseError.badResponse("rollup with unknown kind \(kindName)")
                }
                key = SeriesKey(name: name, kind: kind, tags: CanonicalTags.decode(tags))
            }
            let minute = try row.int(3)
            let rollup: Rollup
            do {
                rollup = try Rollup(serialized: row.bytes(4))
            } catch {
                throw ClickHouseError.badResponse("rollup of \(key.text) at minute \(minute): \(error)")
            }
            merged[key, default: [:]][minute, default: Rollup()].merge(rollup)
        }
    }
}

extension ClickHouseStore {
    /// Calls `body` with every series and all its minute rollups, sorted by key; one query per
    /// function, so memory holds one function's rollups at a time.
    public func forEachSeriesRollups(_ body: (SeriesKey, [Int64: Rollup]) throws -> Void) throws {
        // Keys are handed out in SeriesKey order across functions: group per function, then visit all in order.
        var byFunction: [String: [SeriesKey]] = [:]
        for info in try series(named: nil) { byFunction[info.key.tag("function") ?? "", default: []].append(info.key) }
        var keysInOrder: [(SeriesKey, String)] = []
        for (f, keys) in byFunction { for k in keys { keysInOrder.append((k, f)) } }
        keysInOrder.sort { $0.0 < $1.0 }
        // Read function by function, but hand out in key order: cache per function lazily.
        var cache: [String: [SeriesKey: [Int64: Rollup]]] = [:]
        var remaining: [String: Int] = [:]
        for (_, f) in keysInOrder { remaining[f, default: 0] += 1 }
        for (key, f) in keysInOrder {
            if cache[f] == nil {
                var merged: [SeriesKey: [Int64: Rollup]] = [:]
                try mergeRows(
                    try client.query(
                        "SELECT name, kind, tags, minute, rollup FROM \(schema.qualified("rollups")) FINAL "
                            + "WHERE function = \(TSV.literal(f))"), byText: nil, into: &merged)
                cache[f] = merged
            }
            let minutes = cache[f]?[key] ?? [:]
            remaining[f]! -= 1
            if remaining[f] == 0 { cache[f] = nil }
            if minutes.isEmpty { continue }
            try body(key, minutes)
        }
    }

    /// The span with metric data, `[first minute, last minute + 60 000)`; Fathom's own `fathom.*`
    /// series count only when there is nothing else. Nil when empty.
    public func dataRange() throws -> (from: Int64, to: Int64)? {
        let own = "name LIKE 'fathom.%'"
        let rows = Array(
            try client.query(
                """
                SELECT minIf(f, NOT \(own)), maxIf(l, NOT \(own)), countIf(NOT \(own)), min(f), max(l), count()
                FROM (SELECT name, minMerge(first_minute) AS f, maxMerge(last_minute) AS l
                      FROM \(schema.qualified("series")) GROUP BY name, kind, tags)
                """))
        guard let row = rows.first, try row.int(5) > 0 else { return nil }
        if try row.int(2) > 0 { return (try row.int(0), try row.int(1) + 60_000) }
        return (try row.int(3), try row.int(4) + 60_000)
    }

    /// The invocations `id` leads to, with the embedded store's one-hop semantics: `id` as a
    /// request id (and then every invocation sharing those invocations' correlation ids or X-Ray
    /// trace id), and `id` as a correlation or X-Ray id. Sorted by start, then request id, then
    /// insertion order; through the `links` table, without scanning invocations.
    public func invocations(linkedTo id: String) throws -> [Invocation] {
        let direct = try fetchInvocations(rowKeys: try linkTargets([(id, LinkKind.request)]))
        var keys: Set<LinkPair> = [LinkPair(id: id, kind: LinkKind.correlation), LinkPair(id: id, kind: LinkKind.xray)]
        for (_, inv) in direct {
            for c in inv.correlationIDs where !c.isEmpty { keys.insert(LinkPair(id: c, kind: LinkKind.correlation)) }
            if let x = inv.xrayTraceID, !x.isEmpty { keys.insert(LinkPair(id: x, kind: LinkKind.xray)) }
        }
        let seen = Set(direct.map(\.0))
        let linked = try linkTargets(keys.map { ($0.id, $0.kind) }).filter { !seen.contains($0) }
        var all = direct + (try fetchInvocations(rowKeys: linked))
        all.sort { a, b in
            if a.1.start != b.1.start { return a.1.start < b.1.start }
            if a.1.requestID != b.1.requestID { return a.1.requestID < b.1.requestID }
            return a.0 < b.0
        }
        return all.map(\.1)
    }

    /// The invocations with request id `requestID`, sorted by start, then insertion order.
    public func invocation(requestID: String) throws -> [Invocation] {
        let found = try fetchInvocations(rowKeys: try linkTargets([(requestID, LinkKind.request)]))
        return found.sorted { a, b in a.1.start != b.1.start ? a.1.start < b.1.start : a.0 < b.0 }.map(\.1)
    }

    /// The invocation rows the links `(id, kind)` point at.
    private func linkTargets(_ pairs: [(String, UInt8)]) throws -> Set<RowKey> {
        guard !pairs.isEmpty else { return [] }
        let list = pairs.map { "(\(TSV.literal($0.0)), \($0.1))" }.joined(separator: ", ")
        var result = Set<RowKey>()
        for row in try client.query(
            """
            SELECT function, start_ms, request_id, writer, batch, ordinal FROM \(schema.qualified("links")) FINAL
            WHERE (link_id, kind) IN (\(list))
            """)
        {
            result.insert(
                RowKey(
                    function: row.string(0), start: try row.int(1), requestID: row.string(2), writer: row.string(3),
                    batch: try row.int(4), ordinal: try row.int(5)))
        }
        return result
    }

    static let invocationColumns = """
        function, start_ms, request_id, writer, batch, ordinal, version, stream, end_ms, duration_ms, billed_ms,
        memory_mb, max_memory_mb, init_ms, restore_ms, status, error_type, xray, correlation_ids, line_count, lines
        """

    private func fetchInvocations(rowKeys: Set<RowKey>) throws -> [(RowKey, Invocation)] {
        guard !rowKeys.isEmpty else { return [] }
        var result: [(RowKey, Invocation)] = []
        let keys = Array(rowKeys)
        for start in stride(from: 0, to: keys.count, by: 500) {
            let part = keys[start..<min(start + 500, keys.count)]
            let functions = Set(part.map(\.function)).sorted().map(TSV.literal).joined(separator: ", ")
            let tuples = part.map {
                "(\(TSV.literal($0.function)), \($0.start), \(TSV.literal($0.requestID)), \(TSV.literal($0.writer)), \($0.batch), \($0.ordinal))"
            }.joined(separator: ", ")
            let rows = try client.query(
                """
                SELECT \(Self.invocationColumns) FROM \(schema.qualified("invocations")) FINAL
                WHERE function IN (\(functions)) AND (function, start_ms, request_id, writer, batch, ordinal) IN (\(tuples))
                """)
            for row in rows {
                let key = RowKey(
                    function: row.string(0), start: try row.int(1), requestID: row.string(2), writer: row.string(3),
                    batch: try row.int(4), ordinal: try row.int(5))
                let invocation = Invocation(
                    requestID: key.requestID, function: key.function, version: row.string(6), stream: row.string(7),
                    start: key.start, end: try row.int(8), durationMs: try row.optionalDouble(9),
                    billedDurationMs: try row.optionalDouble(10), memorySizeMB: try row.optionalDouble(11),
                    maxMemoryUsedMB: try row.optionalDouble(12), initDurationMs: try row.optionalDouble(13),
                    restoreDurationMs: try row.optionalDouble(14),
                    status: InvocationStatus(rawValue: row.string(15)) ?? .incomplete, errorType: row.optionalString(16),
                    xrayTraceID: row.optionalString(17), correlationIDs: try row.stringArray(18), lines: row.bytes(20),
                    lineCount: Int(try row.int(19)))
                result.append((key, invocation))
            }
        }
        return result
    }

    /// Quarantined lines, at most `limit`, of one reason or all, by source, then line, then
    /// insertion order. Rows with a reason this version does not know are skipped.
    public func quarantine(limit: Int, reason: QuarantineReason?) throws -> [QuarantineEntry] {
        let filter = reason.map { " WHERE reason = \(TSV.literal($0.rawValue))" } ?? ""
        let rows = try client.query(
            """
            SELECT reason, source, line, byte_offset, detail, excerpt FROM \(schema.qualified("quarantine")) FINAL\(filter)
            ORDER BY source, line, writer, batch, ordinal LIMIT \(max(limit, 0))
            """)
        var result: [QuarantineEntry] = []
        for row in rows {
            guard let reason = QuarantineReason(rawValue: row.string(0)) else { continue }
            result.append(
                QuarantineEntry(
                    reason: reason, source: row.string(1), line: Int(try row.int(2)), offset: try row.int(3),
                    detail: row.string(4), excerpt: row.string(5)))
        }
        return result
    }

    /// How many lines were quarantined for each reason, sorted by reason, zeros left out.
    public func quarantineCounts() throws -> [(QuarantineReason, Int)] {
        var result: [(QuarantineReason, Int)] = []
        for row in try client.query("SELECT reason, count() FROM \(schema.qualified("quarantine")) FINAL GROUP BY reason") {
            guard let reason = QuarantineReason(rawValue: row.string(0)) else { continue }
            result.append((reason, Int(try row.int(1))))
        }
        return result.sorted { $0.0 < $1.0 }
    }

    /// Rollups stored: distinct (series, minute), counted one day at a time. A minute lies in one
    /// day, and the GROUP BY of a whole 30-day store over all days at once ran out of the server's
    /// memory (4 GiB for 78 M rollups on 18.16).
    private func rollupCount() throws -> Int {
        var days = Set<String>()
        for row in try client.query("SELECT DISTINCT day FROM \(schema.qualified("rollups"))") { days.insert(row.string(0)) }
        var total = 0
        for day in days.sorted() {
            total += Int(try client.scalar(
                """
                SELECT count() FROM (SELECT 1 FROM \(schema.qualified("rollups")) WHERE day = \(TSV.literal(day))
                GROUP BY name, kind, tags, minute)
                """) ?? "0") ?? 0
        }
        return total
    }

    /// Row counts (duplicates not merged yet counted once) and the bytes on disk of the database's
    /// parts (over every shard in cluster mode).
    public func stats() throws -> StoreStats {
        func count(_ sql: String) throws -> Int { Int(try client.scalar(sql) ?? "0") ?? 0 }
        var bytes: Int64 = 0
        for c in try ddlClients() {
            bytes += Int64(
                try c.scalar("SELECT sum(bytes) FROM system.parts WHERE database = \(TSV.literal(url.database)) AND active")
                    ?? "0") ?? 0
        }
        let inv = try client.query(
            "SELECT count(), countIf(lines != '') FROM \(schema.qualified("invocations")) FINAL"
        ).first { _ in true }
        return StoreStats(
            series: try count("SELECT count() FROM (SELECT name FROM \(schema.qualified("series")) GROUP BY name, kind, tags)"),
            rollups: try rollupCount(),
            invocations: Int(try inv?.int(0) ?? 0), invocationsWithLines: Int(try inv?.int(1) ?? 0),
            quarantine: try count("SELECT count() FROM \(schema.qualified("quarantine")) FINAL"),
            sources: try count("SELECT count() FROM \(schema.qualified("sources")) FINAL"),
            bytes: bytes)
    }
}

/// The key of one invocation row.
struct RowKey: Hashable, Comparable {
    var function: String
    var start: Int64
    var requestID: String
    var writer: String
    var batch: Int64
    var ordinal: Int64

    /// Insertion order: by writer, flight, then row within the flight.
    static func < (a: RowKey, b: RowKey) -> Bool { (a.writer, a.batch, a.ordinal) < (b.writer, b.batch, b.ordinal) }
}

private struct LinkPair: Hashable {
    var id: String
    var kind: UInt8
}
