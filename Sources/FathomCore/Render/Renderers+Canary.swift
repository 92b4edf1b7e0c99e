extension Renderers {
    /// `fathom compare`: a canary version against its baseline.
    ///
    /// - table: a header (function, versions, window, invocations), then one row per metric —
    ///   METRIC BASELINE CANARY CHANGE TEST P EFFECT RESULT (durations in ms, rates in %, p to 3
    ///   decimals or as `1.2e-05`, effect = P(canary > baseline) for Mann-Whitney, the difference
    ///   in percentage points for rates) — then the verdict, score and reasons.
    /// - json: an object with `function`, `baseline`, `canary`, `from`, `to`,
    ///   `baseline_invocations`, `canary_invocations`, `min_invocations`, `verdict` (`pass`,
    ///   `marginal`, `fail`, `inconclusive`), `score` (null when inconclusive), `reasons` and
    ///   `metrics`: objects with `name`, `test`, `baseline`, `canary`, `change`, `statistic`,
    ///   `p_value`, `effect_size`, `baseline_count`, `canary_count`, `classification`, `reason`.
    /// - csv: one row per metric with the report's function, versions, verdict and score repeated.
    public static func canary(_ report: CanaryReport, format: OutputFormat) -> String {
        switch format {
        case .table: return canaryTable(report)
        case .json: return canaryJSON(report)
        case .csv: return canaryCSV(report)
        }
    }

    /// A metric's value for the table: ms for durations, % for rates, MB for memory, else compact.
    static func canaryValue(_ name: String, _ x: Double?) -> String {
        guard let x else { return "-" }
        if name.hasPrefix("duration.") || name == "init_duration" { return NumberFormat.millis(x) + " ms" }
        if name.hasSuffix("_rate") { return CanaryFormat.percent(x) }
        if name == "max_memory_used" { return NumberFormat.compact(x) + " MB" }
        return NumberFormat.compact(x)
    }

    static func canaryTable(_ r: CanaryReport) -> String {
        var out = "function \(r.function): canary \(r.canary) against baseline \(r.baseline)\n"
        out += "window:   \(TimeSpec.format(r.from)) to \(TimeSpec.format(r.to))\n"
        out += "invocations: baseline \(r.baselineInvocations), canary \(r.canaryInvocations)"
        out += " (at least \(r.minInvocations) each)\n\n"
        var t = TextTable([
            .init("METRIC"), .init("BASELINE", .right), .init("CANARY", .right), .init("CHANGE", .right), .init("TEST"),
            .init("P", .right), .init("EFFECT", .right), .init("RESULT"),
        ])
        for m in r.metrics {
            var effect = "-"
            if let e = m.effectSize {
                effect = m.test == "two-proportion" ? (e >= 0 ? "+" : "") + NumberFormat.fixed(e * 100, 2) + " pt" : NumberFormat.fixed(e, 3)
            }
            t.add([
                m.name, canaryValue(m.name, m.baseline), canaryValue(m.name, m.canary), CanaryFormat.change(m.change), m.test,
                CanaryFormat.p(m.pValue), effect, m.classification.rawValue.uppercased(),
            ])
        }
        out += t.text + "\n"
        out += "verdict: \(r.verdict.rawValue.uppercased())"
        if let s = r.score { out += " (score \(NumberFormat.fixed(s, 1)))" }
        out += "\n"
        for reason in r.reasons { out += "  - " + reason + "\n" }
        if r.verdict == .inconclusive && !r.metrics.isEmpty {
            out += "  (the rows above are for information: too little traffic to judge the canary on them)\n"
        }
        return out
    }

    static func canaryJSON(_ r: CanaryReport) -> String {
        var w = JSONWriter(pretty: true)
        w.beginObject()
        w.field("function", r.function)
        w.field("baseline", r.baseline)
        w.field("canary", r.canary)
        w.field("from", TimeSpec.format(r.from))
        w.field("to", TimeSpec.format(r.to))
        w.field("baseline_invocations", r.baselineInvocations)
        w.field("canary_invocations", r.canaryInvocations)
        w.field("min_invocations", r.minInvocations)
        w.field("verdict", r.verdict.rawValue)
        w.field("score", r.score)
        w.key("reasons")
        w.beginArray()
        for reason in r.reasons { w.string(reason) }
        w.endArray()
        w.key("metrics")
        w.beginArray()
        for m in r.metrics {
            w.beginObject()
            w.field("name", m.name)
            w.field("test", m.test)
            w.field("baseline", m.baseline)
            w.field("canary", m.canary)
            w.field("change", m.change)
            w.field("statistic", m.statistic)
            w.field("p_value", m.pValue)
            w.field("effect_size", m.effectSize)
            w.field("baseline_count", m.baselineCount)
            w.field("canary_count", m.canaryCount)
            w.field("classification", m.classification.rawValue)
            w.field("reason", m.reason)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return finish(w)
    }

    static func canaryCSV(_ r: CanaryReport) -> String {
        var c = CSVWriter()
        c.row([
            "function", "baseline_version", "canary_version", "verdict", "score", "metric", "test", "baseline", "canary",
            "change", "statistic", "p_value", "effect_size", "baseline_count", "canary_count", "classification",
        ])
        for m in r.metrics {
            c.row([
                r.function, r.baseline, r.canary, r.verdict.rawValue, csvNumber(r.score), m.name, m.test,
                csvNumber(m.baseline), csvNumber(m.canary), csvNumber(m.change), csvNumber(m.statistic),
                csvNumber(m.pValue), csvNumber(m.effectSize), String(m.baselineCount), String(m.canaryCount),
                m.classification.rawValue,
            ])
        }
        return c.text
    }
}
