extension AlertEvaluator {
    /// The instances a rule's query yields at tick `t`, with their values.
    static func observe(_ rule: AlertRule, at t: Int64, reader: any MetricReader) throws -> [AlertObservation] {
        switch rule.kind {
        case .threshold: return try observeThreshold(rule, at: t, reader: reader)
        case .canary: return try observeCanary(rule, at: t, reader: reader)
        }
    }

    /// `alertname`, then the series' tags, overridden by the rule's labels.
    static func instanceLabels(_ rule: AlertRule, series: [Tag]) -> [Tag] {
        var byKey: [String: String] = [:]
        for tag in series { byKey[tag.key] = tag.value }
        for tag in rule.labels { byKey[tag.key] = tag.value }
        byKey["alertname"] = rule.name
        return byKey.map { Tag($0.key, $0.value) }.sorted()
    }

    static func observeThreshold(_ rule: AlertRule, at t: Int64, reader: any MetricReader) throws -> [AlertObservation] {
        guard let query = rule.query else { return [] }
        let result = try QueryEngine(reader: reader).evaluateWindow(query, from: t - rule.window, to: t)
        var out: [AlertObservation] = []
        for series in result.series {
            out.append(
                AlertObservation(
                    labels: instanceLabels(rule, series: series.tags), value: series.points.first?.value ?? nil,
                    verdictFails: nil))
        }
        let grouped = query.metricQueries.contains { !$0.groupBy.isEmpty }
        if out.isEmpty && !grouped {
            out.append(AlertObservation(labels: instanceLabels(rule, series: []), value: nil, verdictFails: nil))
        }
        return out
    }

    static func observeCanary(_ rule: AlertRule, at t: Int64, reader: any MetricReader) throws -> [AlertObservation] {
        let from = t - rule.window
        var functions: [String]
        if rule.function == "*" {
            var names = Set<String>()
            for info in try reader.series(named: "fn.invocations") where info.firstSeen < t && info.lastSeen >= from {
                if let f = info.key.tags.first(where: { $0.key == "function" })?.value { names.insert(f) }
            }
            functions = names.sorted()
        } else {
            functions = [rule.function]
        }
        var out: [AlertObservation] = []
        var config = CanaryJudge.Config()
        config.minInvocations = rule.minInvocations
        for function in functions {
            guard let pair = try CanaryJudge.versions(reader: reader, function: function, from: from, to: t) else { continue }
            let report = try CanaryJudge.compare(
                reader: reader, function: function, baseline: pair.baseline, canary: pair.canary, from: from, to: t,
                config: config)
            let labels = instanceLabels(
                rule, series: [Tag("function", function), Tag("baseline", pair.baseline), Tag("canary", pair.canary)])
            var extra = [
                Tag("verdict", report.verdict.rawValue),
                Tag("score", report.score.map { NumberFormat.fixed($0, 1) } ?? "-"),
                Tag("reasons", report.reasons.joined(separator: "; ")),
            ]
            if report.verdict == .fail { extra.append(Tag("action", "roll back \(pair.canary) to \(pair.baseline)")) }
            let inconclusive = report.verdict == .inconclusive
            out.append(
                AlertObservation(
                    labels: labels, value: inconclusive ? nil : (report.score ?? 0),
                    verdictFails: inconclusive ? nil : report.verdict == .fail, extraAnnotations: extra))
        }
        return out
    }
}
