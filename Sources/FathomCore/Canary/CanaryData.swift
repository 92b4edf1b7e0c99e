/// The merged rollups of one function's two versions over a window: the built-in `fn.*` metrics
/// the judge compares, and every custom metric (merged across its other tags).
struct CanaryData {
    /// The built-in series the judge reads.
    static let builtins = [
        "fn.duration", "fn.errors", "fn.timeouts", "fn.cold_starts", "fn.invocations", "fn.init_duration",
        "fn.max_memory_used",
    ]

    /// Metric name → merged rollup, per side.
    var baseline: [String: Rollup] = [:]
    var canary: [String: Rollup] = [:]

    /// Whether a series name is a custom metric (not a built-in `fn.*` or Fathom's own `fathom.*`).
    static func isCustom(_ name: String) -> Bool { !name.hasPrefix("fn.") && !name.hasPrefix("fathom.") }

    /// Reads and merges the minutes of `[from, to)`.
    static func load(
        reader: any MetricReader, function: String, baseline: String, canary: String, from: Int64, to: Int64
    ) throws -> CanaryData {
        var keys: [SeriesKey] = []
        for info in try reader.series(named: nil) where info.key.tag("function") == function {
            let v = info.key.tag("version") ?? ""
            guard v == baseline || v == canary else { continue }
            if builtins.contains(info.key.name) || isCustom(info.key.name) { keys.append(info.key) }
        }
        let minutes = try reader.rollups(of: keys, from: from, to: to)
        var data = CanaryData()
        for key in keys {
            guard let list = minutes[key] else { continue }
            let v = key.tag("version") ?? ""
            var merged = Rollup()
            for m in list { merged.merge(m.rollup) }
            guard merged.count > 0 else { continue }
            // With baseline == canary (an A/A comparison of one version) both sides get the data.
            if v == baseline { data.baseline[key.name, default: Rollup()].merge(merged) }
            if v == canary { data.canary[key.name, default: Rollup()].merge(merged) }
        }
        return data
    }

    /// The custom metrics both versions emitted, sorted by name.
    var sharedCustomNames: [String] {
        baseline.keys.filter { Self.isCustom($0) && canary[$0] != nil }.sorted()
    }
}
