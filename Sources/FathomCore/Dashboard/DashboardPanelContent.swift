/// The content lines of one panel (inside its box), for a given content width. The frame cuts
/// them to the height it has; lines may be longer than the width (the frame clips them).
struct DashboardPanelContent {
    let panel: DashboardPanel
    let context: DashboardContext
    /// The panel's window `[from, to)`, ms.
    let from: Int64
    let to: Int64
    /// Characters available per line.
    let width: Int
    let ascii: Bool

    var engine: QueryEngine { QueryEngine(reader: context.reader) }
    var window: Int64 { to - from }

    /// The lines, by kind, and a note for the panel's title (a timeseries' step).
    func render() -> (lines: [PanelLine], note: String) {
        if panel.kind == .timeseries {
            do { return try timeseries() } catch { return (failure(error), "") }
        }
        return (lines(), "")
    }

    /// `error` as lines.
    func failure(_ error: any Error) -> [PanelLine] {
        if let e = error as? QueryError {
            return [PanelLine("error: \(e.message) at column \(e.position + 1)", .red), PanelLine(e.query, .dim)]
        }
        return [PanelLine("error: \(error)", .red)]
    }

    /// The lines of every kind but timeseries.
    func lines() -> [PanelLine] {
        do {
            switch panel.kind {
            case .stat: return try stat()
            case .timeseries: return try timeseries().lines
            case .bar: return try bars(ranked: false)
            case .topn: return try bars(ranked: true)
            case .table: return try table()
            case .alerts: return try alerts()
            case .canary: return try canary()
            }
        } catch {
            return failure(error)
        }
    }

    /// The message of a panel with nothing to show.
    var noData: PanelLine { PanelLine(width < 22 ? "no data" : "no data in this window", .dim) }

    /// `query` evaluated as one value per series over `[from, to)`.
    func windowed(_ query: String, from: Int64, to: Int64) throws -> [ResultSeries] {
        try engine.evaluateWindow(try QueryParser.parse(query), from: from, to: to).series
    }

    /// The value of a windowed series (nil: no data).
    static func value(_ s: ResultSeries) -> Double? { s.points.first?.value ?? nil }

    // MARK: stat

    func stat() throws -> [PanelLine] {
        let now = try windowed(panel.query, from: from, to: to)
        let before = try windowed(panel.query, from: from - window, to: from)
        guard now.contains(where: { Self.value($0) != nil }) else { return [noData] }
        var previous: [[Tag]: Double] = [:]
        for s in before { if let v = Self.value(s) { previous[s.tags] = v } }
        let shown = now.filter { Self.value($0) != nil }
        let limited = panel.limit.map { Array(shown.prefix($0)) } ?? shown
        let vs = "vs prev " + DashboardText.window(window)
        if limited.count == 1 && limited[0].tags.isEmpty {
            let v = Self.value(limited[0])
            let change = DashboardText.change(v, previous[[]], ascii: ascii)
            return [PanelLine(DashboardText.value(v, panel.unit), .bold), PanelLine(change + " vs prev")]
        }
        let labels = limited.map { DashboardText.label($0.tags) }
        let values = limited.map { DashboardText.value(Self.value($0), panel.unit) }
        let valueW = values.map(\.count).max() ?? 0
        let changes = limited.map { DashboardText.change(Self.value($0), previous[$0.tags], ascii: ascii) }
        let changeW = changes.map(\.count).max() ?? 0
        let labelW = max(1, min(labels.map(\.count).max() ?? 0, width - valueW - changeW - 2))
        var out: [PanelLine] = []
        for i in limited.indices {
            out.append(PanelLine(
                DashboardText.fit(labels[i], labelW, ascii: ascii) + " " + DashboardText.right(values[i], valueW, ascii: ascii)
                    + " " + changes[i]))
        }
        out.append(PanelLine(vs, .dim))
        return out
    }

    // MARK: timeseries

    /// The stats shown after each sparkline for a content width.
    enum Stats { case none, last, all }

    func timeseries() throws -> (lines: [PanelLine], note: String) {
        let expr = try QueryParser.parse(panel.query)
        // A first look to learn the labels; the step then follows from the sparkline's width.
        let probe = try engine.evaluateWindow(expr, from: from, to: to).series
        guard probe.contains(where: { Self.value($0) != nil }) else { return ([noData], "") }
        let shown = panel.limit.map { Array(probe.prefix($0)) } ?? probe
        let labelled = !(shown.count == 1 && shown[0].tags.isEmpty)
        let labelW = labelled ? min(shown.map { DashboardText.label($0.tags).count }.max() ?? 0, max(6, width / 4)) : 0
        let valueW = panel.unit == .usd ? 9 : 7
        var stats = Stats.all
        var statsW = 15 + 3 * valueW
        if width - labelW - statsW < 24 { (stats, statsW) = (.last, 5 + valueW) }
        if width - labelW - statsW < 10 { (stats, statsW) = (.none, 0) }
        let sparkW = max(1, width - labelW - statsW - (labelW > 0 ? 1 : 0) - (statsW > 0 ? 1 : 0))
        let step = QueryEngine.roundUpToMinute(max(60_000, (window + Int64(sparkW) - 1) / Int64(sparkW)))
        let result = try engine.evaluate(expr, from: from, to: to, step: step).series
        var byTags: [[Tag]: ResultSeries] = [:]
        for s in result { byTags[s.tags] = s }
        let series = shown.map { byTags[$0.tags] ?? $0 }
        var out: [PanelLine] = []
        for s in series {
            let values = Array(s.points.suffix(sparkW).map(\.value))
            // Each series on its own scale from 0 (or its lowest value when negative) to its
            // highest; min and max are printed beside it. The latest bucket is at the right edge.
            let finite = values.compactMap { $0 }.filter(\.isFinite)
            let lo = min(0, finite.min() ?? 0), hi = finite.max() ?? 0
            var line = ""
            if labelW > 0 { line += DashboardText.fit(DashboardText.label(s.tags), labelW, ascii: ascii) + " " }
            line += DashboardText.right(DashboardText.sparkline(values, lo: lo, hi: hi, ascii: ascii), sparkW, ascii: ascii)
            let present = values.compactMap { $0 }
            func v(_ x: Double?) -> String { DashboardText.right(DashboardText.value(x, panel.unit), valueW, ascii: ascii) }
            switch stats {
            case .none: break
            case .last: line += " last " + v(present.last)
            case .all: line += " last " + v(present.last) + " min " + v(present.min()) + " max " + v(present.max())
            }
            out.append(PanelLine(line))
        }
        return (out, "step " + DashboardText.window(step))
    }

    // MARK: bar and topn

    func bars(ranked: Bool) throws -> [PanelLine] {
        var series = try windowed(panel.query, from: from, to: to).compactMap { s in Self.value(s).map { (s.tags, $0) } }
        guard !series.isEmpty else { return [noData] }
        if ranked {
            series.sort { a, b in a.1 != b.1 ? a.1 > b.1 : a.0.lexicographicallyPrecedes(b.0) }
            series = Array(series.prefix(panel.limit ?? 10))
        } else if let limit = panel.limit {
            series = Array(series.prefix(limit))
        }
        let labels = series.enumerated().map { i, s in (ranked ? "\(i + 1). " : "") + DashboardText.label(s.0) }
        let values = series.map { DashboardText.value($0.1, panel.unit) }
        let valueW = values.map(\.count).max() ?? 0
        let labelW = max(1, min(labels.map(\.count).max() ?? 0, max(6, width / 3)))
        let barW = max(1, width - labelW - valueW - 2)
        let top = series.map { $0.1 }.max() ?? 0
        return series.indices.map { i in
            let fraction = top > 0 ? series[i].1 / top : 0
            return PanelLine(
                DashboardText.fit(labels[i], labelW, ascii: ascii) + " "
                    + DashboardText.fit(DashboardText.bar(fraction, width: barW, ascii: ascii), barW, ascii: ascii) + " "
                    + DashboardText.right(values[i], valueW, ascii: ascii))
        }
    }

    // MARK: table

    func table() throws -> [PanelLine] {
        let columns = panel.columns.isEmpty ? [DashboardColumn(title: panel.title, query: panel.query, unit: panel.unit)] : panel.columns
        var cells: [[Tag]: [Int: Double]] = [:]
        var keys: [String] = []
        for (c, column) in columns.enumerated() {
            for s in try windowed(column.query, from: from, to: to) {
                guard let v = Self.value(s) else { continue }
                cells[s.tags, default: [:]][c] = v
                for t in s.tags where !keys.contains(t.key) { keys.append(t.key) }
            }
        }
        guard !cells.isEmpty else { return [noData] }
        var rows = cells.keys.sorted { $0.lexicographicallyPrecedes($1) }
        if let limit = panel.limit { rows = Array(rows.prefix(limit)) }
        let labels = rows.map { DashboardText.label($0) }
        let text = rows.map { r in columns.indices.map { DashboardText.value(cells[r]?[$0], columns[$0].unit) } }
        var widths = columns.indices.map { c in max(columns[c].title.count, text.map { $0[c].count }.max() ?? 0) }
        let head = keys.isEmpty ? "" : keys.joined(separator: " ")
        var labelW = max(head.count, labels.map(\.count).max() ?? 0)
        // Narrow: the label column gives way down to 8, then columns are left out from the right.
        var shown = columns.count
        func total() -> Int { labelW + widths.prefix(shown).reduce(0) { $0 + $1 + 2 } }
        if total() > width { labelW = max(8, labelW - (total() - width)) }
        while shown > 1 && total() > width { shown -= 1 }
        widths = Array(widths.prefix(shown))
        var out = [PanelLine(
            DashboardText.fit(head, labelW, ascii: ascii)
                + widths.indices.map { "  " + DashboardText.right(columns[$0].title, widths[$0], ascii: ascii) }.joined(),
            .bold)]
        for (i, _) in rows.enumerated() {
            out.append(PanelLine(
                DashboardText.fit(labels[i], labelW, ascii: ascii)
                    + widths.indices.map { "  " + DashboardText.right(text[i][$0], widths[$0], ascii: ascii) }.joined()))
        }
        return out
    }

    // MARK: alerts

    func alerts() throws -> [PanelLine] {
        let active = try context.alerts().filter { $0.state != .inactive }.sorted { a, b in
            if a.state != b.state { return a.state > b.state }
            if a.activeSince != b.activeSince { return (a.activeSince ?? 0) < (b.activeSince ?? 0) }
            if a.rule != b.rule { return a.rule < b.rule }
            return a.labels.lexicographicallyPrecedes(b.labels)
        }
        guard !active.isEmpty else { return [PanelLine("no alerts firing or pending", .green)] }
        let limited = panel.limit.map { Array(active.prefix($0)) } ?? active
        let ruleW = min(limited.map(\.rule.count).max() ?? 0, max(8, width / 3))
        return limited.map { a in
            let state = a.state == .firing ? "FIRING " : "PENDING"
            let labels = a.labels.filter { $0.key != "alertname" && $0.key != "severity" }.map(\.text).joined(separator: ",")
            let severity = a.labels.first { $0.key == "severity" }.map { " " + $0.value } ?? ""
            let since = (a.firingSince ?? a.activeSince).map { " since " + DashboardText.clock($0) } ?? ""
            let value = a.value.map { " = " + DashboardText.short($0) } ?? ""
            return PanelLine(
                state + " " + DashboardText.fit(a.rule, ruleW, ascii: ascii) + severity + since + value
                    + (labels.isEmpty ? "" : " " + labels),
                a.state == .firing ? .red : .yellow)
        }
    }

    // MARK: canary

    func canary() throws -> [PanelLine] {
        let function = panel.function
        guard !function.isEmpty, !function.contains("*"), !function.contains("$") else {
            return [PanelLine("set the function: --var function=NAME", .dim)]
        }
        let baseline = panel.baseline.isEmpty || panel.baseline.contains("$") ? nil : panel.baseline
        let canary = panel.canary.isEmpty || panel.canary.contains("$") ? nil : panel.canary
        guard let report = try context.canary(function, baseline, canary, from, to) else {
            return [PanelLine("fewer than two versions of \(function) served traffic in this window", .dim)]
        }
        let style: LineStyle
        switch report.verdict {
        case .pass: style = .green
        case .marginal: style = .yellow
        case .fail: style = .red
        case .inconclusive: style = .dim
        }
        let arrow = ascii ? "->" : "→"
        var out = [PanelLine(
            report.verdict.rawValue.uppercased() + "  \(report.function) \(report.baseline) \(arrow) \(report.canary)"
                + (report.score.map { "  score " + NumberFormat.fixed($0, 0) } ?? ""), style)]
        out.append(PanelLine(
            "invocations \(report.baselineInvocations) vs \(report.canaryInvocations) (at least \(report.minInvocations) each)"))
        for reason in report.reasons { out.append(PanelLine("- " + reason)) }
        guard !report.metrics.isEmpty else { return out }
        let names = report.metrics.map(\.name)
        let nameW = min(max(6, names.map(\.count).max() ?? 0), max(8, width / 3))
        func n(_ x: Double?) -> String { x.map { DashboardText.short($0) } ?? "-" }
        let head = ["baseline", "canary", "change", "result"]
        var rows: [[String]] = []
        for m in report.metrics {
            let change = m.change.map { ($0 >= 0 ? "+" : "-") + NumberFormat.fixed($0.magnitude * 100, 1) + "%" } ?? "-"
            rows.append([n(m.baseline), n(m.canary), change, m.classification.rawValue])
        }
        let widths = head.indices.map { c in max(head[c].count, rows.map { $0[c].count }.max() ?? 0) }
        func line(_ name: String, _ cells: [String]) -> String {
            DashboardText.fit(name, nameW, ascii: ascii)
                + cells.indices.map { "  " + DashboardText.right(cells[$0], widths[$0], ascii: ascii) }.joined()
        }
        out.append(PanelLine(line("metric", head), .bold))
        for (i, m) in report.metrics.enumerated() {
            let s: LineStyle = m.classification == .fail ? .red : (m.classification == .marginal ? .yellow : .plain)
            out.append(PanelLine(line(m.name, rows[i]), s))
        }
        return out
    }
}
