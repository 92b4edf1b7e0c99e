extension Renderers {
    /// `fathom functions`: one row per function version.
    ///
    /// - table: FUNCTION VERSION INVOCATIONS ERR% TIMEOUTS COLD% P50 P90 P99 (duration, ms)
    ///   INIT P50 (ms) MEM (max used/size MB) COST; a sentence when there are no rows.
    /// - json: a top-level array of objects with `function`, `version`, `invocations`, `errors`,
    ///   `timeouts`, `cold_starts`, `error_rate`, `cold_start_rate`, `duration_ms` and
    ///   `init_duration_ms` (objects with `count`, `sum`, `min`, `max`, `avg`, `p50`, `p90`, `p95`,
    ///   `p99`, or null), `billed_duration_ms`, `memory_mb`, `max_memory_used_mb`, `cost_usd`,
    ///   `first_seen`, `last_seen`.
    /// - csv: the same, flattened (`duration_ms_p50` …).
    public static func functions(_ rows: [FunctionSummary], format: OutputFormat) -> String {
        let rows = rows.sorted {
            $0.function != $1.function
                ? $0.function < $1.function : FunctionSummaries.versionPrecedes($0.version, $1.version)
        }
        switch format {
        case .table: return functionsTable(rows)
        case .json: return functionsJSON(rows)
        case .csv: return functionsCSV(rows)
        }
    }

    static func functionsTable(_ rows: [FunctionSummary]) -> String {
        guard !rows.isEmpty else { return "no function invocations in this time range\n" }
        var t = TextTable([
            .init("FUNCTION"), .init("VERSION"), .init("INVOCATIONS", .right), .init("ERR%", .right),
            .init("TIMEOUTS", .right), .init("COLD%", .right), .init("P50", .right), .init("P90", .right),
            .init("P99", .right), .init("INIT P50", .right), .init("MEM", .right), .init("COST", .right),
        ])
        for r in rows {
            t.add([
                r.function, r.version, String(r.invocations), NumberFormat.percent(r.errors, of: r.invocations),
                String(r.timeouts), NumberFormat.percent(r.coldStarts, of: r.invocations),
                NumberFormat.millis(r.duration?.p50), NumberFormat.millis(r.duration?.p90),
                NumberFormat.millis(r.duration?.p99), NumberFormat.millis(r.initDuration?.p50),
                memory(r), NumberFormat.usd(r.costUSD),
            ])
        }
        return t.text
    }

    /// `123/512 MB`, with `-` for an unknown part, `-` alone when both are unknown.
    static func memory(_ r: FunctionSummary) -> String {
        guard r.maxMemoryUsedMB != nil || r.memoryMB != nil else { return "-" }
        func mb(_ x: Double?) -> String { x.map { NumberFormat.fixed($0, 0) } ?? "-" }
        return mb(r.maxMemoryUsedMB) + "/" + mb(r.memoryMB) + " MB"
    }

    static func functionsJSON(_ rows: [FunctionSummary]) -> String {
        var w = JSONWriter(pretty: true)
        w.beginArray()
        for r in rows {
            w.beginObject()
            w.field("function", r.function)
            w.field("version", r.version)
            w.field("invocations", r.invocations)
            w.field("errors", r.errors)
            w.field("timeouts", r.timeouts)
            w.field("cold_starts", r.coldStarts)
            w.field("error_rate", r.errorRate)
            w.field("cold_start_rate", r.coldStartRate)
            w.key("duration_ms")
            writeStats(r.duration, to: &w)
            w.key("init_duration_ms")
            writeStats(r.initDuration, to: &w)
            w.field("billed_duration_ms", r.billedDurationMs)
            w.field("memory_mb", r.memoryMB)
            w.field("max_memory_used_mb", r.maxMemoryUsedMB)
            w.field("cost_usd", r.costUSD)
            w.field("first_seen", TimeSpec.format(r.firstSeen))
            w.field("last_seen", TimeSpec.format(r.lastSeen))
            w.endObject()
        }
        w.endArray()
        return finish(w)
    }

    /// `{"count", "sum", "min", "max", "avg", "p50", "p90", "p95", "p99"}` or `null`.
    static func writeStats(_ s: DistributionStats?, to w: inout JSONWriter) {
        guard let s else {
            w.null()
            return
        }
        w.beginObject()
        w.field("count", s.count)
        for (k, v) in statFields(s) { w.field(k, v) }
        w.endObject()
    }

    static let statNames = ["sum", "min", "max", "avg", "p50", "p90", "p95", "p99"]

    static func statFields(_ s: DistributionStats) -> [(String, Double)] {
        [("sum", s.sum), ("min", s.min), ("max", s.max), ("avg", s.avg),
         ("p50", s.p50), ("p90", s.p90), ("p95", s.p95), ("p99", s.p99)]
    }

    static func functionsCSV(_ rows: [FunctionSummary]) -> String {
        var c = CSVWriter()
        var header = ["function", "version", "invocations", "errors", "timeouts", "cold_starts"]
        for prefix in ["duration_ms", "init_duration_ms"] {
            header += (["count"] + statNames).map { prefix + "_" + $0 }
        }
        header += ["billed_duration_ms", "memory_mb", "max_memory_used_mb", "cost_usd", "first_seen", "last_seen"]
        c.row(header)
        for r in rows {
            var f = [r.function, r.version, String(r.invocations), String(r.errors), String(r.timeouts), String(r.coldStarts)]
            for s in [r.duration, r.initDuration] {
                if let s {
                    f += [String(s.count)] + statFields(s).map { csvNumber($0.1) }
                } else {
                    f += Array(repeating: "", count: statNames.count + 1)
                }
            }
            f += [
                csvNumber(r.billedDurationMs), csvNumber(r.memoryMB), csvNumber(r.maxMemoryUsedMB), csvNumber(r.costUSD),
                TimeSpec.format(r.firstSeen), TimeSpec.format(r.lastSeen),
            ]
            c.row(f)
        }
        return c.text
    }
}
