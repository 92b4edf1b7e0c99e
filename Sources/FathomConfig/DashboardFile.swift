import FathomCore
import Foundation
import Yams

/// Reads a dashboard definition (YAML) into a `Dashboard`, reporting every mistake with its file,
/// line and column: unknown keys, unknown panel kinds and units, bad durations, queries that do
/// not parse (the column of the mistake mapped into the file) and undeclared `$variables`.
///
///     title: Overview
///     description: Every function and version.
///     range: 1h
///     variables:
///       function: "*"
///     rows:
///       - panels:
///           - title: Invocations
///             kind: stat
///             query: sum:fn.invocations{function:$function}
///             unit: count
public enum DashboardFile {
    static let topKeys = ["title", "description", "range", "variables", "rows"]
    static let rowKeys = ["title", "panels"]
    static let panelKeys = ["title", "kind", "query", "columns", "range", "unit", "limit", "function", "baseline", "canary"]
    static let columnKeys = ["title", "query", "unit"]

    /// A `ConfigReader` and the mistakes placed at a column inside a value (queries).
    struct Reader {
        var config: ConfigReader
        var placed: [ConfigError] = []
        var all: [ConfigError] { config.errors + placed }
    }

    /// Reads the file at `path`; the dashboard is named after the file (without `.yaml`).
    public static func load(path: String) throws(ConfigErrors) -> Dashboard {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigErrors([ConfigError(file: path, line: 1, column: 1, message: "cannot read the file")])
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path, name: name(ofFile: path))
    }

    /// The dashboard name of a file: its last path component without `.yaml` / `.yml`.
    public static func name(ofFile path: String) -> String {
        var base = String(path.split(separator: "/").last ?? Substring(path))
        for ext in [".yaml", ".yml"] where base.hasSuffix(ext) { base = String(base.dropLast(ext.count)) }
        return base
    }

    /// Parses `text` (named `file` in messages) as the dashboard `name`.
    public static func parse(_ text: String, file: String, name: String) throws(ConfigErrors) -> Dashboard {
        var r = Reader(config: ConfigReader(file: file))
        guard let root = r.config.parse(text) else {
            if r.config.errors.isEmpty { r.config.error("the file is empty; a dashboard needs a title and rows", at: nil) }
            throw ConfigErrors(r.all)
        }
        var dashboard = Dashboard(name: name, title: name, rows: [])
        guard let top = r.config.mapping(root, "the dashboard", allowed: topKeys, required: ["title", "rows"]) else {
            throw ConfigErrors(r.all)
        }
        if let n = top["title"], let s = r.config.name(n, "title") { dashboard.title = s }
        if let n = top["description"], let s = r.config.string(n, "description") { dashboard.description = s }
        if let n = top["range"], let ms = r.config.duration(n, "range", minimum: 60_000) { dashboard.range = ms }
        if let n = top["variables"] { dashboard.variables = variables(n, &r) }
        let declared = Set(dashboard.variables.map(\.name))
        if let n = top["rows"], let items = r.config.sequence(n, "rows") {
            for (i, item) in items.enumerated() {
                if let row = row(item, index: i + 1, declared: declared, &r) { dashboard.rows.append(row) }
            }
            if items.isEmpty { r.config.error("rows: a dashboard needs at least one row", at: n) }
        }
        guard r.all.isEmpty else { throw ConfigErrors(r.all) }
        return dashboard
    }

    static func variables(_ node: Node, _ r: inout Reader) -> [DashboardVariable] {
        guard let map = node.mapping else {
            r.config.error("variables must be a mapping of names to default values, found \(ConfigReader.kind(node))", at: node)
            return []
        }
        var out: [DashboardVariable] = []
        for (k, v) in map {
            guard let key = k.scalar?.string, isName(key) else {
                r.config.error("variables: a name holds letters, digits and _ (and does not start with a digit)", at: k)
                continue
            }
            if out.contains(where: { $0.name == key }) {
                r.config.error("variables: '\(key)' is given twice", at: k)
                continue
            }
            guard let s = v.scalar else {
                r.config.error("variables.\(key) must be a single default value (or ~ for none), found \(ConfigReader.kind(v))", at: v)
                continue
            }
            let plainNull = s.style == .plain && ["~", "null", "Null", "NULL", ""].contains(s.string)
            out.append(DashboardVariable(name: key, defaultValue: plainNull ? nil : s.string))
        }
        return out
    }

    static func isName(_ s: String) -> Bool {
        guard let f = s.first, f.isLetter || f == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    static func row(_ node: Node, index: Int, declared: Set<String>, _ r: inout Reader) -> DashboardRow? {
        guard let map = r.config.mapping(node, "row \(index)", allowed: rowKeys, required: ["panels"]) else { return nil }
        var row = DashboardRow(panels: [])
        if let n = map["title"], let s = r.config.string(n, "row \(index) title") { row.title = s }
        guard let n = map["panels"], let items = r.config.sequence(n, "row \(index) panels") else { return nil }
        if items.isEmpty { r.config.error("row \(index): panels must list at least one panel", at: n) }
        for (j, item) in items.enumerated() {
            if let p = panel(item, "row \(index) panel \(j + 1)", declared: declared, &r) { row.panels.append(p) }
        }
        return row
    }

    static func panel(_ node: Node, _ what: String, declared: Set<String>, _ r: inout Reader) -> DashboardPanel? {
        guard let map = r.config.mapping(node, what, allowed: panelKeys, required: ["title", "kind"]) else { return nil }
        var kind: PanelKind?
        if let n = map["kind"], let s = r.config.string(n, "\(what) kind") {
            kind = PanelKind(rawValue: s)
            if kind == nil {
                var message = "\(what): unknown panel kind '\(s)'"
                if let near = ConfigReader.nearest(s, in: PanelKind.allCases.map(\.rawValue)) { message += " (did you mean '\(near)'?)" }
                r.config.error(message + "; expected one of " + PanelKind.allCases.map(\.rawValue).joined(separator: ", "), at: n)
            }
        }
        let title = map["title"].flatMap { r.config.string($0, "\(what) title") } ?? ""
        var panel = DashboardPanel(title: title, kind: kind ?? .stat)
        if let n = map["query"], let q = query(n, "\(what) query", declared: declared, &r) { panel.query = q }
        if let n = map["range"], let ms = r.config.duration(n, "\(what) range", minimum: 60_000) { panel.range = ms }
        if let n = map["unit"], let u = unit(n, "\(what) unit", &r) { panel.unit = u }
        if let n = map["limit"], let l = r.config.integer(n, "\(what) limit", in: 1...100_000) { panel.limit = l }
        if let n = map["columns"], let items = r.config.sequence(n, "\(what) columns") {
            for (k, item) in items.enumerated() {
                let w = "\(what) column \(k + 1)"
                guard let c = r.config.mapping(item, w, allowed: columnKeys, required: ["title", "query"]) else { continue }
                var column = DashboardColumn(title: "", query: "")
                if let t = c["title"], let s = r.config.string(t, "\(w) title") { column.title = s }
                if let q = c["query"], let s = query(q, "\(w) query", declared: declared, &r) { column.query = s }
                if let u = c["unit"], let unit = unit(u, "\(w) unit", &r) { column.unit = unit }
                panel.columns.append(column)
            }
            if items.isEmpty { r.config.error("\(what): columns must list at least one column", at: n) }
        }
        for key in ["function", "baseline", "canary"] {
            guard let n = map[key], let s = r.config.string(n, "\(what) \(key)") else { continue }
            checkReferences(s, node: n, what: "\(what) \(key)", declared: declared, &r)
            switch key {
            case "function": panel.function = s
            case "baseline": panel.baseline = s
            default: panel.canary = s
            }
        }
        guard let kind else { return nil }
        let hasQuery = map["query"] != nil
        switch kind {
        case .stat, .timeseries, .bar, .topn:
            if !hasQuery { r.config.error("\(what): a \(kind.rawValue) panel needs a query", at: node) }
        case .table:
            if !hasQuery && map["columns"] == nil { r.config.error("\(what): a table panel needs a query or columns", at: node) }
            if hasQuery && map["columns"] != nil { r.config.error("\(what): a table panel takes a query or columns, not both", at: map["query"]) }
        case .alerts, .canary:
            if hasQuery { r.config.error("\(what): a \(kind.rawValue) panel takes no query", at: map["query"]) }
        }
        if kind != .table, let n = map["columns"] { r.config.error("\(what): only table panels have columns", at: n) }
        if kind != .canary {
            for key in ["function", "baseline", "canary"] {
                if let n = map[key] { r.config.error("\(what): only canary panels have '\(key)'", at: n) }
            }
        }
        return panel
    }

    static func unit(_ node: Node, _ what: String, _ r: inout Reader) -> PanelUnit? {
        guard let s = r.config.string(node, what) else { return nil }
        if let u = PanelUnit.allCases.first(where: { $0.rawValue.lowercased() == s.lowercased() && $0 != .none }) { return u }
        let units = PanelUnit.allCases.filter { $0 != .none }.map(\.rawValue)
        r.config.error("\(what) must be one of \(units.joined(separator: ", ")), found '\(s)'", at: node)
        return nil
    }

    /// The query text of `node`, parsed to check it; a mistake is reported at its own column.
    static func query(_ node: Node, _ what: String, declared: Set<String>, _ r: inout Reader) -> String? {
        guard let text = r.config.string(node, what) else { return nil }
        checkReferences(text, node: node, what: what, declared: declared, &r)
        do {
            // `${name}` is checked as `$namexx` (same length, so columns still match).
            var checked = text
            for ref in DashboardVariables.references(in: text) {
                checked = checked.replacingOccurrences(of: "${" + ref.name + "}", with: "$" + ref.name + "xx")
            }
            _ = try QueryParser.parse(checked)
        } catch {
            r.placed.append(
                ConfigError(
                    file: r.config.file, line: node.mark?.line ?? 1, column: column(of: node, offset: error.position),
                    message: "\(what): \(error.message)"))
            return nil
        }
        return text
    }

    /// The file column of the `offset`-th character of a scalar (one more when quoted).
    static func column(of node: Node, offset: Int) -> Int {
        let start = node.mark?.column ?? 1
        let quoted = node.scalar.map { $0.style == .singleQuoted || $0.style == .doubleQuoted } ?? false
        return start + offset + (quoted ? 1 : 0)
    }

    /// Every `$name` in `text` must be a declared variable.
    static func checkReferences(_ text: String, node: Node, what: String, declared: Set<String>, _ r: inout Reader) {
        for ref in DashboardVariables.references(in: text) where !declared.contains(ref.name) {
            let known = declared.sorted()
            var message = "\(what): unknown variable '$\(ref.name)'"
            if let near = ConfigReader.nearest(ref.name, in: known) { message += " (did you mean '$\(near)'?)" }
            message += known.isEmpty ? "; declare it under variables" : "; declared: " + known.map { "$" + $0 }.joined(separator: ", ")
            r.placed.append(
                ConfigError(file: r.config.file, line: node.mark?.line ?? 1, column: column(of: node, offset: ref.column), message: message))
        }
    }
}
