import FathomCore
import Foundation
import Yams

/// Alert rule files: YAML in the spirit of Prometheus rules, read into a ``RuleSet`` with every
/// mistake reported at its file, line and column.
///
/// ```yaml
/// groups:
///   - name: checkout
///     interval: 1m
///     rules:
///       - alert: CheckoutErrors
///         query: sum:fn.errors{function:checkout} by {version} / sum:fn.invocations{function:checkout} by {version} * 100
///         above: 5
///         clear_above: 3
///         window: 5m
///         for: 2m
///         keep_firing_for: 5m
///         labels: {severity: page}
///         annotations:
///           summary: "{{ $labels.version }} fails {{ $value | humanize }}% of calls"
///       - alert: CheckoutCanary
///         kind: canary
///         function: checkout
///         window: 1h
///         min_invocations: 100
/// ```
///
/// See docs/alerts.md for every key.
public enum RuleFile {
    static let groupKeys = ["name", "interval", "rules"]
    static let commonKeys = ["alert", "kind", "window", "for", "keep_firing_for", "labels", "annotations", "no_data"]
    static let thresholdKeys = ["query", "above", "below", "clear_above", "clear_below"]
    static let canaryKeys = ["function", "min_invocations"]

    /// Reads and checks the rule file at `path`.
    public static func load(path: String) throws(ConfigErrors) -> RuleSet {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            var isFolder: ObjCBool = false
            let why =
                !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
                ? "no such file" : isFolder.boolValue ? "it is a folder" : "it is not readable UTF-8 text"
            throw ConfigErrors([ConfigError(file: path, line: 1, column: 1, message: "cannot read the file: \(why)")])
        }
        return try parse(text: text, file: path)
    }

    /// Reads and checks several files into one rule set; mistakes of every file are reported.
    public static func load(paths: [String]) throws(ConfigErrors) -> RuleSet {
        var groups: [AlertRuleGroup] = []
        var errors: [ConfigError] = []
        for path in paths {
            do {
                groups += try load(path: path).groups
            } catch {
                errors += error.errors
            }
        }
        if !errors.isEmpty { throw ConfigErrors(errors) }
        return RuleSet(groups: groups)
    }

    /// Checks `text`, naming it `file` in messages.
    public static func parse(text: String, file: String) throws(ConfigErrors) -> RuleSet {
        var reader = ConfigReader(file: file)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var groups: [AlertRuleGroup] = []
        var extra: [ConfigError] = []
        if let root = reader.parse(text), let top = reader.mapping(root, "the rule file", allowed: ["groups"], required: ["groups"]),
            let groupsNode = top["groups"], let items = reader.sequence(groupsNode, "groups")
        {
            var groupPlaces: [String: Node] = [:]
            for item in items {
                guard let group = readGroup(item, &reader, &extra, lines: lines) else { continue }
                if let first = groupPlaces[group.name] {
                    reader.error("group '\(group.name)' is already defined at \(reader.place(first))", at: item)
                    continue
                }
                groupPlaces[group.name] = item
                groups.append(group)
            }
        } else if reader.errors.isEmpty {
            reader.error("the rule file is empty: expected 'groups:'", at: nil)
        }
        if !reader.errors.isEmpty || !extra.isEmpty { throw ConfigErrors(reader.errors + extra) }
        return RuleSet(groups: groups)
    }

    static func readGroup(_ node: Node, _ r: inout ConfigReader, _ extra: inout [ConfigError], lines: [String]) -> AlertRuleGroup? {
        guard let m = r.mapping(node, "group", allowed: groupKeys, required: ["name", "rules"]) else { return nil }
        let name = m["name"].flatMap { r.name($0, "group name") }
        let what = "group '\(name ?? "?")'"
        var interval: Int64 = 60_000
        if let n = m["interval"] {
            interval = r.duration(n, "\(what): interval", minimum: 1000) ?? interval
        }
        var rules: [AlertRule] = []
        var names: [String: Node] = [:]
        if let n = m["rules"], let items = r.sequence(n, "\(what): rules") {
            for item in items {
                // Names first, so that a repeated name is reported even when the rule has other mistakes.
                if let alertNode = valueNode(item, "alert"), let alert = alertNode.scalar?.string {
                    if let first = names[alert] {
                        r.error("\(what): alert '\(alert)' is already defined at \(r.place(first))", at: alertNode)
                        _ = readRule(item, &r, &extra, lines: lines)
                        continue
                    }
                    names[alert] = alertNode
                }
                if let (rule, _) = readRule(item, &r, &extra, lines: lines) { rules.append(rule) }
            }
        }
        guard let name else { return nil }
        return AlertRuleGroup(name: name, interval: interval, rules: rules)
    }

    static func readRule(_ node: Node, _ r: inout ConfigReader, _ extra: inout [ConfigError], lines: [String]) -> (AlertRule, Node)? {
        let allowed = commonKeys + thresholdKeys + canaryKeys
        guard let m = r.mapping(node, "rule", allowed: allowed, required: ["alert"]) else { return nil }
        guard let alertNode = m["alert"], let name = r.name(alertNode, "alert") else { return nil }
        let what = "alert '\(name)'"
        var ok = true
        var kind = AlertRule.Kind.threshold
        if let n = m["kind"], let s = r.string(n, "\(what): kind") {
            if let k = AlertRule.Kind(rawValue: s) { kind = k } else {
                r.error("\(what): kind must be threshold or canary, found '\(s)'", at: n)
                ok = false
            }
        }
        let foreign = kind == .canary ? thresholdKeys : canaryKeys
        for key in foreign {
            if let n = m[key] {
                r.error("\(what): '\(key)' is not a key of kind \(kind.rawValue) rules", at: keyNode(node, key) ?? n)
                ok = false
            }
        }
        func duration(_ key: String, _ fallback: Int64, minimum: Int64 = 0) -> Int64 {
            guard let n = m[key] else { return fallback }
            guard let d = r.duration(n, "\(what): \(key)", minimum: minimum) else {
                ok = false
                return fallback
            }
            return d
        }
        let window = duration("window", kind == .canary ? 3_600_000 : 300_000, minimum: 60_000)
        if let n = m["window"], window % 60_000 != 0 {
            r.error("\(what): window must be whole minutes (the store keeps minutes), found '\(n.scalar?.string ?? "")'", at: n)
            ok = false
        }
        let forDuration = duration("for", 0)
        let keep = duration("keep_firing_for", 0)
        var labels: [FathomCore.Tag] = []
        if let n = m["labels"] {
            if let pairs = r.stringMap(n, "\(what): labels") {
                for (k, v) in pairs {
                    if k == "alertname" {
                        r.error("\(what): labels: 'alertname' is set from 'alert'", at: keyNode(n, k) ?? n)
                        ok = false
                    } else if !isLabelName(k) {
                        r.error("\(what): labels: '\(k)' is not a label name (letters, digits and _, not starting with a digit)", at: keyNode(n, k) ?? n)
                        ok = false
                    }
                    labels.append(FathomCore.Tag(k, v))
                }
            } else {
                ok = false
            }
        }
        var annotations: [(key: String, template: AlertTemplate)] = []
        if let n = m["annotations"] {
            if let pairs = r.stringMap(n, "\(what): annotations") {
                for (k, v) in pairs {
                    do {
                        annotations.append((k, try AlertTemplate(v)))
                    } catch {
                        let valueNode = valueNode(n, k) ?? n
                        let (line, column) = place(of: valueNode, offset: error.position, lines: lines)
                        extra.append(ConfigError(file: r.file, line: line, column: column, message: "\(what): annotations.\(k): \(error.message)"))
                        ok = false
                    }
                }
            } else {
                ok = false
            }
        }
        var noData = AlertRule.NoData.ok
        if let n = m["no_data"], let s = r.string(n, "\(what): no_data") {
            if let p = AlertRule.NoData(rawValue: s) { noData = p } else {
                r.error("\(what): no_data must be ok, alerting or keep_state, found '\(s)'", at: n)
                ok = false
            }
        }

        if kind == .canary {
            var minInvocations = 100
            if let n = m["min_invocations"] {
                if let i = r.integer(n, "\(what): min_invocations", in: 1...1_000_000_000) { minInvocations = i } else { ok = false }
            }
            guard let fn = m["function"] else {
                r.error("\(what): 'function' is required for kind canary (a function name, or * for every function)", at: node)
                return nil
            }
            let function = r.name(fn, "\(what): function")
            guard ok, let function else { return nil }
            let rule = AlertRule(
                canary: name, function: function, window: window, minInvocations: minInvocations, forDuration: forDuration,
                keepFiringFor: keep, labels: labels, annotations: annotations, noData: noData)
            return (rule, alertNode)
        }

        var query: QueryExpression?
        var queryText = ""
        if let qn = m["query"] {
            if let text = r.string(qn, "\(what): query") {
                queryText = text
                do {
                    query = try QueryParser.parse(text)
                } catch {
                    let (line, column) = place(of: qn, offset: error.position, lines: lines)
                    extra.append(ConfigError(file: r.file, line: line, column: column, message: "\(what): query: \(error.message)"))
                }
            }
        } else {
            r.error("\(what): 'query' is required", at: node)
        }
        var comparison: AlertRule.Comparison?
        var threshold = 0.0
        switch (m["above"], m["below"]) {
        case (let a?, nil):
            comparison = .above
            threshold = r.number(a, "\(what): above") ?? 0
        case (nil, let b?):
            comparison = .below
            threshold = r.number(b, "\(what): below") ?? 0
        case (_?, let b?):
            r.error("\(what): give either above or below, not both", at: keyNode(node, "below") ?? b)
        case (nil, nil):
            r.error("\(what): a condition is required: above: NUMBER or below: NUMBER", at: node)
        }
        var clear: Double?
        if let n = m["clear_above"] {
            if comparison == .below {
                r.error("\(what): clear_above goes with above; with below use clear_below", at: keyNode(node, "clear_above") ?? n)
            } else if let c = r.number(n, "\(what): clear_above") {
                if comparison == .above, c > threshold {
                    r.error("\(what): clear_above (\(NumberFormat.compact(c))) must be at most above (\(NumberFormat.compact(threshold)))", at: n)
                }
                clear = c
            }
        }
        if let n = m["clear_below"] {
            if comparison == .above {
                r.error("\(what): clear_below goes with below; with above use clear_above", at: keyNode(node, "clear_below") ?? n)
            } else if let c = r.number(n, "\(what): clear_below") {
                if comparison == .below, c < threshold {
                    r.error("\(what): clear_below (\(NumberFormat.compact(c))) must be at least below (\(NumberFormat.compact(threshold)))", at: n)
                }
                clear = c
            }
        }
        guard ok, let query, let comparison else { return nil }
        let rule = AlertRule(
            name: name, query: query, queryText: queryText, comparison: comparison, threshold: threshold,
            clearThreshold: clear, window: window, forDuration: forDuration, keepFiringFor: keep, labels: labels,
            annotations: annotations, noData: noData)
        return (rule, alertNode)
    }

    // MARK: Places

    /// The key node of `key` in mapping `node`.
    static func keyNode(_ node: Node, _ key: String) -> Node? {
        node.mapping?.first { $0.key.scalar?.string == key }?.key
    }

    /// The value node of `key` in mapping `node`.
    static func valueNode(_ node: Node, _ key: String) -> Node? {
        node.mapping?.first { $0.key.scalar?.string == key }?.value
    }

    /// The file line and column of character `offset` of scalar `node`'s value: exact for
    /// one-line plain and quoted scalars (without escapes before the place) and for literal
    /// blocks (`|`); the scalar's start otherwise.
    static func place(of node: Node, offset: Int, lines: [String]) -> (line: Int, column: Int) {
        guard let mark = node.mark, let scalar = node.scalar else { return (1, 1) }
        let value = scalar.string
        switch scalar.style {
        case .plain, .singleQuoted, .doubleQuoted, .any:
            if value.contains("\n") { return (mark.line, mark.column) }
            return (mark.line, mark.column + offset + (scalar.style == .plain || scalar.style == .any ? 0 : 1))
        case .literal:
            // The block's indentation is that of its first line (the value keeps any deeper one).
            let parts = value.split(separator: "\n", omittingEmptySubsequences: false)
            guard mark.line < lines.count else { return (mark.line, mark.column) }
            let indent = lines[mark.line].prefix { $0 == " " }.count
            var rest = offset
            for (k, part) in parts.enumerated() {
                if rest <= part.count { return (mark.line + 1 + k, indent + 1 + rest) }
                rest -= part.count + 1
            }
            return (mark.line, mark.column)
        default:
            return (mark.line, mark.column)
        }
    }

    static func isLabelName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, !("0"..."9").contains(f) else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
