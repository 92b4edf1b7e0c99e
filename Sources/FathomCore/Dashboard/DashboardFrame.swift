/// Draws a dashboard as one frame of text that fits a terminal: a header line (title, range,
/// variables), then the rows of panels, each panel a box with its title, window and unit.
///
/// - **Width.** Every line is at most `options.width` characters (every glyph used is one
///   terminal cell). The panels of a row share the width; a row whose panels would be narrower
///   than 20 cells is split over several lines of boxes.
/// - **Height.** At most `options.height` lines. When the panels want more, each row keeps at
///   least one line of content and the rest is shared out row by row; a panel cut short ends in
///   `… N more`; rows that do not fit at all are left out with a last line `… N more panels`.
/// - **Colour** (ANSI) only with `options.color`: firing red, pending yellow, canary verdicts
///   green / yellow / red. **ASCII** mode uses only ASCII (sparkline levels `_.:-=+*#`, boxes of
///   `+ - |`, bars of `#`); anything else in titles or tags becomes `?`.
/// - **Data.** Every panel's window ends at `context.at`. When the dashboard's range holds no
///   data, the second line says where the store's data is.
public enum DashboardFrame {
    /// The narrowest a panel box is drawn before its row is split.
    public static let minimumPanelWidth = 20

    /// The frame for `dashboard` with `variables` (overriding the defaults) from `context`.
    public static func render(
        _ dashboard: Dashboard, variables: [String: String] = [:], context: DashboardContext,
        options: DashboardOptions = DashboardOptions()
    ) -> String {
        let width = max(1, options.width)
        let height = max(1, options.height)
        let ascii = options.ascii
        let at = context.at
        let values = DashboardVariables.resolve(
            dashboard, given: variables, reader: context.reader, from: at - dashboard.range, to: at)

        // Header.
        var header: [PanelLine] = []
        let arrow = ascii ? "->" : "→"
        let head = "\(DashboardVariables.substitute(dashboard.title, values)) · \(DashboardText.time(at - dashboard.range)) \(arrow) \(DashboardText.time(at)) UTC (\(DashboardText.window(dashboard.range)))"
        let vars = values.map { "\($0.name)=\($0.value.isEmpty ? "-" : $0.value)" }.joined(separator: " ")
        header.append(PanelLine(vars.isEmpty ? head : head + "  " + vars, .bold))
        let longest = dashboard.rows.flatMap(\.panels).map { $0.range ?? dashboard.range }.max() ?? dashboard.range
        if let data = context.dataRange {
            if data.to <= at - longest || data.from >= at {
                header.append(PanelLine(
                    "no data in this range; the data is from \(DashboardText.time(data.from)) to \(DashboardText.time(data.to)) UTC (use --at)",
                    .yellow))
            }
        } else {
            header.append(PanelLine("the store has no data yet", .yellow))
        }

        // Boxes, split into lines of boxes that fit the width.
        var lines: [[Box]] = []
        for row in dashboard.rows where !row.panels.isEmpty {
            let perLine = max(1, min(row.panels.count, width / minimumPanelWidth))
            var i = 0
            while i < row.panels.count {
                let chunk = Array(row.panels[i..<min(i + perLine, row.panels.count)])
                let widths = chunk.indices.map { width / chunk.count + ($0 < width % chunk.count ? 1 : 0) }
                lines.append(chunk.indices.map { j in
                    box(chunk[j], width: widths[j], dashboard: dashboard, values: values, context: context, ascii: ascii)
                })
                i += perLine
            }
        }

        // Heights: at least one content line per line of boxes (two when there is room), the
        // rest shared out in turn.
        let budget = height - header.count
        var keep = lines.count
        while keep > 0 && 3 * keep + (keep < lines.count ? 1 : 0) > budget { keep -= 1 }
        let wanted = lines.prefix(keep).map { row in 2 + max(1, row.map(\.content.count).max() ?? 1) }
        var given = Array(repeating: 3, count: keep)
        var spare = budget - given.reduce(0, +) - (keep < lines.count ? 1 : 0)
        var progress = true
        while spare > 0 && progress {
            progress = false
            for i in 0..<keep where spare > 0 && given[i] < wanted[i] {
                given[i] += 1
                spare -= 1
                progress = true
            }
        }

        var out: [String] = []
        func emit(_ line: PanelLine) {
            let text = DashboardText.clip(DashboardText.clean(line.text, ascii: ascii), width, ascii: ascii)
            out.append(options.color && line.style != .plain ? line.style.code + text + "\u{1B}[0m" : text)
        }
        for line in header { emit(line) }
        for (i, row) in lines.prefix(keep).enumerated() {
            let rendered = row.map { $0.lines(contentHeight: given[i] - 2, ascii: ascii, color: options.color) }
            for k in 0..<given[i] { out.append(rendered.map { $0[k] }.joined()) }
        }
        if keep < lines.count {
            let left = lines[keep...].reduce(0) { $0 + $1.count }
            emit(PanelLine("… \(left) more panel\(left == 1 ? "" : "s") (a taller terminal or --height shows them)", .dim))
        }
        return out.prefix(height).joined(separator: "\n") + "\n"
    }

    /// One panel's box before its height is known.
    struct Box {
        /// The panel's title, then ` · window · unit · step`.
        var title: String
        var suffix: String
        var width: Int
        var content: [PanelLine]

        /// The box as `2 + contentHeight` lines of exactly `width` characters.
        func lines(contentHeight: Int, ascii: Bool, color: Bool) -> [String] {
            let inner = max(0, width - 4)
            let (h, v, tl, tr, bl, br) = ascii ? ("-", "|", "+", "+", "+", "+") : ("─", "│", "┌", "┐", "└", "┘")
            var shown = content
            if shown.count > contentHeight {
                let cut = shown.count - max(0, contentHeight - 1)
                shown = Array(shown.prefix(max(0, contentHeight - 1))) + [PanelLine("… \(cut) more", .dim)]
            }
            while shown.count < contentHeight { shown.append(PanelLine("")) }
            guard width >= 4 else {
                return Array(repeating: String(repeating: " ", count: max(0, width)), count: contentHeight + 2)
            }
            // The name gives way before the window and unit do.
            let room = max(0, width - 5)
            var t = DashboardText.clean(title + suffix, ascii: ascii)
            if t.count > room {
                let tail = DashboardText.clean(suffix, ascii: ascii)
                let name = DashboardText.clean(title, ascii: ascii)
                t = room - tail.count >= 3 ? DashboardText.clip(name, room - tail.count, ascii: ascii) + tail : DashboardText.clip(t, room, ascii: ascii)
            }
            let titleText = t.isEmpty ? "" : " " + t + " "
            let top = tl + h + titleText + String(repeating: h, count: max(0, width - 3 - titleText.count)) + tr
            var out = [DashboardText.clip(top, width, ascii: ascii)]
            for line in shown {
                var text = DashboardText.fit(DashboardText.clean(line.text, ascii: ascii), inner, ascii: ascii)
                if color && line.style != .plain { text = line.style.code + text + "\u{1B}[0m" }
                out.append(v + " " + text + " " + v)
            }
            out.append(bl + String(repeating: h, count: width - 2) + br)
            return out
        }
    }

    /// The box of `panel`: its content drawn at its width, its title with window and unit.
    static func box(
        _ panel: DashboardPanel, width: Int, dashboard: Dashboard, values: [(name: String, value: String)],
        context: DashboardContext, ascii: Bool
    ) -> Box {
        var p = panel
        p.query = DashboardVariables.substitute(panel.query, values)
        p.columns = panel.columns.map {
            DashboardColumn(title: $0.title, query: DashboardVariables.substitute($0.query, values), unit: $0.unit)
        }
        p.function = DashboardVariables.substitute(panel.function, values)
        p.baseline = DashboardVariables.substitute(panel.baseline, values)
        p.canary = DashboardVariables.substitute(panel.canary, values)
        let window = panel.range ?? dashboard.range
        let content = DashboardPanelContent(
            panel: p, context: context, from: context.at - window, to: context.at, width: max(1, width - 4), ascii: ascii)
        let (lines, note) = content.render()
        var suffix = " · " + DashboardText.window(window)
        if panel.kind != .table, panel.unit != .none { suffix += " · " + panel.unit.rawValue }
        if !note.isEmpty { suffix += " · " + note }
        return Box(title: DashboardVariables.substitute(panel.title, values), suffix: suffix, width: width, content: lines)
    }
}
