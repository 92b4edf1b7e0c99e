extension Renderers {
    /// Alert instances (`fathom alerts`, `fathom alerts eval`), in the order given.
    ///
    /// - table: STATE ALERT LABELS VALUE SINCE SUMMARY, where LABELS are the labels other than
    ///   `alertname` (`k=v` joined by `,`), SINCE is when it started firing (firing) or pending
    ///   (pending), SUMMARY the `summary` annotation (else `description`) cut to 80 characters;
    ///   `alerts: none` when there are none.
    /// - json: an array of `{"group", "alert", "state", "labels", "annotations", "value",
    ///   "active_since", "firing_since", "evaluated_at", "fingerprint"}` (times RFC 3339 or null).
    /// - csv: `group,alert,state,labels,value,active_since,firing_since,evaluated_at`.
    public static func alerts(_ snapshots: [AlertSnapshot], format: OutputFormat) -> String {
        switch format {
        case .table:
            guard !snapshots.isEmpty else { return "alerts: none\n" }
            var t = TextTable([
                .init("STATE"), .init("ALERT"), .init("LABELS"), .init("VALUE", .right), .init("SINCE"), .init("SUMMARY"),
            ])
            for s in snapshots {
                let since = s.state == .firing ? s.firingSince : s.state == .pending ? s.activeSince : nil
                let summary = s.annotations.first { $0.key == "summary" }?.value
                    ?? s.annotations.first { $0.key == "description" }?.value ?? ""
                t.add([
                    s.state.rawValue, s.rule, labelText(s.labels), s.value.map(NumberFormat.compact) ?? "-",
                    since.map(TimeSpec.format) ?? "-", summary.isEmpty ? "-" : shorten(TextTable.clean(summary), to: 80),
                ])
            }
            return t.text
        case .json:
            var w = JSONWriter(pretty: true)
            w.beginArray()
            for s in snapshots { writeSnapshot(s, &w) }
            w.endArray()
            return finish(w)
        case .csv:
            var c = CSVWriter()
            c.row(["group", "alert", "state", "labels", "value", "active_since", "firing_since", "evaluated_at"])
            for s in snapshots {
                c.row([
                    s.group, s.rule, s.state.rawValue, labelText(s.labels), NumberFormat.exact(s.value) ?? "",
                    s.activeSince.map(TimeSpec.format) ?? "", s.firingSince.map(TimeSpec.format) ?? "",
                    TimeSpec.format(s.evaluatedAt),
                ])
            }
            return c.text
        }
    }

    /// Alert state changes (`fathom alerts --history`, `fathom alerts eval --from`), in the
    /// order given.
    ///
    /// - table: TIME ALERT LABELS FROM TO VALUE; `transitions: none` when there are none.
    /// - json: an array of `{"time", "group", "alert", "labels", "from", "to", "value"}`.
    /// - csv: `time,group,alert,labels,from,to,value`.
    public static func alertTransitions(_ transitions: [AlertTransition], format: OutputFormat) -> String {
        switch format {
        case .table:
            guard !transitions.isEmpty else { return "transitions: none\n" }
            var t = TextTable([
                .init("TIME"), .init("ALERT"), .init("LABELS"), .init("FROM"), .init("TO"), .init("VALUE", .right),
            ])
            for x in transitions {
                t.add([
                    TimeSpec.format(x.time), x.rule, labelText(x.labels), x.from.rawValue,
                    x.isResolution ? "resolved" : x.to.rawValue, x.value.map(NumberFormat.compact) ?? "-",
                ])
            }
            return t.text
        case .json:
            var w = JSONWriter(pretty: true)
            w.beginArray()
            for x in transitions { writeTransition(x, &w) }
            w.endArray()
            return finish(w)
        case .csv:
            var c = CSVWriter()
            c.row(["time", "group", "alert", "labels", "from", "to", "value"])
            for x in transitions {
                c.row([
                    TimeSpec.format(x.time), x.group, x.rule, labelText(x.labels), x.from.rawValue, x.to.rawValue,
                    NumberFormat.exact(x.value) ?? "",
                ])
            }
            return c.text
        }
    }

    static func writeSnapshot(_ s: AlertSnapshot, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("group", s.group)
        w.field("alert", s.rule)
        w.field("state", s.state.rawValue)
        w.key("labels")
        writeTags(s.labels, to: &w)
        w.key("annotations")
        writeTags(s.annotations, to: &w)
        w.field("value", s.value)
        timeField("active_since", s.activeSince, &w)
        timeField("firing_since", s.firingSince, &w)
        timeField("evaluated_at", s.evaluatedAt, &w)
        w.field("fingerprint", s.fingerprint)
        w.endObject()
    }

    static func writeTransition(_ x: AlertTransition, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("time", TimeSpec.format(x.time))
        w.field("group", x.group)
        w.field("alert", x.rule)
        w.key("labels")
        writeTags(x.labels, to: &w)
        w.field("from", x.from.rawValue)
        w.field("to", x.to.rawValue)
        w.field("value", x.value)
        w.endObject()
    }

    /// The labels other than `alertname`, `k=v` joined by `,` (`-` when none).
    static func labelText(_ labels: [Tag]) -> String {
        let shown = labels.filter { $0.key != "alertname" }.map { $0.key + "=" + $0.value }
        return shown.isEmpty ? "-" : TextTable.clean(shown.joined(separator: ","))
    }

    static func timeField(_ key: String, _ ms: Int64?, _ w: inout JSONWriter) {
        if let ms { w.field(key, TimeSpec.format(ms)) } else {
            w.key(key)
            w.null()
        }
    }
}

extension Renderers {
    /// `fathom alerts eval`: the active instances at `at` and, when given, the transitions.
    ///
    /// - table: `at TIME: N rules, F firing, P pending`, the instances (``alerts(_:format:)``
    ///   without the `alerts: none` line when none), then, with transitions, a blank line and
    ///   ``alertTransitions(_:format:)``.
    /// - json: `{"at", "rules", "firing", "pending", "alerts": [...], "transitions": [...]}`
    ///   (`transitions` only when given), objects as in the other two renderers.
    public static func alertEvaluation(
        at: Int64, rules: Int, active: [AlertSnapshot], transitions: [AlertTransition]?, format: OutputFormat
    ) -> String {
        let firing = active.filter { $0.state == .firing }.count
        let pending = active.filter { $0.state == .pending }.count
        switch format {
        case .table, .csv:
            var s = "at \(TimeSpec.format(at)): \(rules) rule\(rules == 1 ? "" : "s"), \(firing) firing, \(pending) pending\n"
            if !active.isEmpty { s += alerts(active, format: .table) }
            if let transitions { s += "\n" + alertTransitions(transitions, format: .table) }
            return s
        case .json:
            var w = JSONWriter(pretty: true)
            w.beginObject()
            w.field("at", TimeSpec.format(at))
            w.field("rules", rules)
            w.field("firing", firing)
            w.field("pending", pending)
            w.key("alerts")
            w.beginArray()
            for s in active { writeSnapshot(s, &w) }
            w.endArray()
            if let transitions {
                w.key("transitions")
                w.beginArray()
                for t in transitions { writeTransition(t, &w) }
                w.endArray()
            }
            w.endObject()
            return finish(w)
        }
    }
}
