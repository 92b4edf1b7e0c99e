/// Builds the per-function-version summaries of `fathom functions` from a `MetricReader`.
public enum FunctionSummaries {
    /// A function and one of its versions.
    struct Key: Hashable {
        var function: String
        var version: String
    }

    /// The built-in series a summary reads.
    static let names = [
        "fn.invocations", "fn.errors", "fn.timeouts", "fn.cold_starts", "fn.duration", "fn.init_duration",
        "fn.billed_duration", "fn.memory_size", "fn.max_memory_used", "fn.cost",
    ]

    /// One summary per (function, version) with data in `[from, to)` (ms since the epoch),
    /// merging the per-minute rollups of its `fn.*` series; sorted by function, then version
    /// (see `versionPrecedes`). Series without a `function` tag are ignored; a missing `version`
    /// tag counts as the empty version.
    public static func compute(reader: any MetricReader, from: Int64, to: Int64) throws -> [FunctionSummary] {
        var keys: [SeriesKey] = []
        for name in names {
            keys += try reader.series(named: name).map(\.key).filter { $0.tag("function") != nil }
        }
        let minutes = try reader.rollups(of: keys, from: from, to: to)

        struct Group {
            var merged: [String: Rollup] = [:]
            var firstMinute = Int64.max
            var lastTime = Int64.min
        }
        var groups: [Key: Group] = [:]
        for key in keys {
            guard let list = minutes[key], !list.isEmpty, let function = key.tag("function") else { continue }
            let id = Key(function: function, version: key.tag("version") ?? "")
            var group = groups[id] ?? Group()
            var rollup = group.merged[key.name] ?? Rollup()
            for m in list {
                rollup.merge(m.rollup)
                group.firstMinute = Swift.min(group.firstMinute, m.minute)
                if m.rollup.count > 0 { group.lastTime = Swift.max(group.lastTime, m.rollup.lastTime) }
            }
            group.merged[key.name] = rollup
            groups[id] = group
        }

        var out: [FunctionSummary] = []
        for (id, g) in groups {
            func rollup(_ name: String) -> Rollup { g.merged[name] ?? Rollup() }
            func events(_ name: String) -> Int { Int(rollup(name).sum.rounded()) }
            out.append(
                FunctionSummary(
                    function: id.function, version: id.version,
                    invocations: Int(rollup("fn.invocations").count),
                    errors: events("fn.errors"), timeouts: events("fn.timeouts"), coldStarts: events("fn.cold_starts"),
                    duration: DistributionStats(rollup("fn.duration")),
                    initDuration: DistributionStats(rollup("fn.init_duration")),
                    billedDurationMs: rollup("fn.billed_duration").sum,
                    memoryMB: rollup("fn.memory_size").value(.last),
                    maxMemoryUsedMB: rollup("fn.max_memory_used").value(.max),
                    costUSD: rollup("fn.cost").sum,
                    firstSeen: g.firstMinute,
                    lastSeen: g.lastTime == .min ? g.firstMinute : g.lastTime))
        }
        return out.sorted {
            $0.function != $1.function ? $0.function < $1.function : versionPrecedes($0.version, $1.version)
        }
    }

    /// The order of versions: numbers numerically (`2` before `10`), then other names
    /// alphabetically, then `$LATEST`.
    public static func versionPrecedes(_ a: String, _ b: String) -> Bool {
        func rank(_ v: String) -> Int {
            if v == "$LATEST" { return 2 }
            return !v.isEmpty && v.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) ? 0 : 1
        }
        let (ra, rb) = (rank(a), rank(b))
        if ra != rb { return ra < rb }
        if ra == 0 {
            // Compare digit strings of any length without overflow: strip leading zeros, then by
            // length, then lexicographically; equal numbers fall back to the text.
            let da = a.drop { $0 == "0" }, db = b.drop { $0 == "0" }
            if da.count != db.count { return da.count < db.count }
            if da != db { return da < db }
        }
        return a < b
    }
}
