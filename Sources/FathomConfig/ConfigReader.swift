import FathomCore
import Yams

/// Reads a YAML configuration file node by node and collects every mistake with its line and
/// column, rather than stopping at the first (a rules file with three typos gets three messages).
///
/// Typed readers (`string`, `number`, `duration`, …) return nil after recording an error, so a
/// loader keeps going and builds what it can; the caller checks ``errors`` at the end.
public struct ConfigReader {
    /// The file as the user named it.
    public let file: String
    /// The mistakes found so far, in the order they were found.
    public private(set) var errors: [ConfigError] = []

    public init(file: String) { self.file = file }

    /// Parses `text` as one YAML document; nil (with an error recorded) when it is not YAML,
    /// and nil without an error when the document is empty.
    public mutating func parse(_ text: String) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                errors.append(ConfigError(file: file, line: mark.line, column: mark.column, message: "not valid YAML: \(problem)"))
            case .duplicatedKeysInMapping(let duplicates, let context):
                errors.append(
                    ConfigError(
                        file: file, line: context.mark.line, column: context.mark.column,
                        message: "duplicate key \(duplicates.joined(separator: ", "))"))
            default:
                errors.append(ConfigError(file: file, line: 1, column: 1, message: "not valid YAML: \(error)"))
            }
        } catch {
            errors.append(ConfigError(file: file, line: 1, column: 1, message: "not valid YAML: \(error)"))
        }
        return nil
    }

    /// Records `message` at `node`'s position (line 1, column 1 when it has none).
    public mutating func error(_ message: String, at node: Node?) {
        let mark = node?.mark
        errors.append(ConfigError(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// The position of `node` as `line:column`, for messages that point at a second place.
    public func place(_ node: Node) -> String {
        guard let m = node.mark else { return "?" }
        return "\(m.line):\(m.column)"
    }

    // MARK: Mappings

    /// The entries of a mapping in file order, keys as strings. Keys not in `allowed` are errors
    /// (with a suggestion when one is close), as are missing `required` keys and repeated keys.
    /// Returns nil when `node` is not a mapping.
    public mutating func mapping(
        _ node: Node, _ what: String, allowed: [String], required: [String] = []
    ) -> [String: Node]? {
        guard let map = node.mapping else {
            error("\(what) must be a mapping (key: value lines), found \(Self.kind(node))", at: node)
            return nil
        }
        var result: [String: Node] = [:]
        for (k, v) in map {
            guard let key = k.scalar?.string else {
                error("\(what): keys must be plain words", at: k)
                continue
            }
            if result[key] != nil {
                error("\(what): '\(key)' is given twice", at: k)
                continue
            }
            if !allowed.contains(key) {
                var message = "\(what): unknown key '\(key)'"
                if let near = Self.nearest(key, in: allowed) { message += " (did you mean '\(near)'?)" }
                message += "; expected one of " + allowed.joined(separator: ", ")
                error(message, at: k)
                continue
            }
            result[key] = v
        }
        for key in required where result[key] == nil {
            error("\(what): '\(key)' is required", at: node)
        }
        return result
    }

    /// The items of a sequence; nil (with an error) when `node` is not one.
    public mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard let seq = node.sequence else {
            error("\(what) must be a list, found \(Self.kind(node))", at: node)
            return nil
        }
        return Array(seq)
    }

    // MARK: Scalars

    /// A string scalar (numbers and booleans are taken as written).
    public mutating func string(_ node: Node, _ what: String) -> String? {
        guard let s = node.scalar else {
            error("\(what) must be a single value, found \(Self.kind(node))", at: node)
            return nil
        }
        return s.string
    }

    /// A non-empty string without leading or trailing spaces.
    public mutating func name(_ node: Node, _ what: String) -> String? {
        guard let s = string(node, what) else { return nil }
        if s.isEmpty || s.first!.isWhitespace || s.last!.isWhitespace {
            error("\(what) must be a non-empty name without surrounding spaces", at: node)
            return nil
        }
        return s
    }

    /// A finite number.
    public mutating func number(_ node: Node, _ what: String) -> Double? {
        guard let s = string(node, what) else { return nil }
        guard let d = Double(s.trimmingSpaces), d.isFinite else {
            error("\(what) must be a number, found '\(s)'", at: node)
            return nil
        }
        return d
    }

    /// A whole number within `range`.
    public mutating func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard let s = string(node, what) else { return nil }
        guard let i = Int(s.trimmingSpaces), range.contains(i) else {
            error("\(what) must be a whole number within \(range.lowerBound)...\(range.upperBound), found '\(s)'", at: node)
            return nil
        }
        return i
    }

    /// `true` or `false` (YAML 1.1's yes/no/on/off too, as Yams reads them).
    public mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard let s = string(node, what) else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error("\(what) must be true or false, found '\(s)'", at: node)
            return nil
        }
    }

    /// A duration such as `30s`, `5m`, `1h`, `1d` or `250ms` (a bare number is seconds), in ms;
    /// must be at least `minimum` ms.
    public mutating func duration(_ node: Node, _ what: String, minimum: Int64 = 0) -> Int64? {
        guard let s = string(node, what) else { return nil }
        let ms: Int64
        if s.hasSuffix("ms"), let n = Int64(s.dropLast(2)), n >= 0 {
            ms = n
        } else {
            do {
                ms = try TimeSpec.parseDuration(s)
            } catch {
                self.error("\(what) must be a duration such as 30s, 5m, 1h or 1d, found '\(s)'", at: node)
                return nil
            }
        }
        if ms < minimum {
            error("\(what) must be at least \(Self.durationText(minimum)), found '\(s)'", at: node)
            return nil
        }
        return ms
    }

    /// A list of strings; a single string is taken as a list of one.
    public mutating func strings(_ node: Node, _ what: String) -> [String]? {
        if node.scalar != nil { return string(node, what).map { [$0] } }
        guard let items = sequence(node, what) else { return nil }
        var out: [String] = []
        for item in items {
            guard let s = string(item, what + " item") else { return nil }
            out.append(s)
        }
        return out
    }

    /// A mapping of strings to strings (labels, annotations, variables), keys sorted.
    public mutating func stringMap(_ node: Node, _ what: String) -> [(key: String, value: String)]? {
        guard let map = node.mapping else {
            error("\(what) must be a mapping of names to values, found \(Self.kind(node))", at: node)
            return nil
        }
        var out: [(key: String, value: String)] = []
        var seen = Set<String>()
        for (k, v) in map {
            guard let key = k.scalar?.string, !key.isEmpty else {
                error("\(what): names must be plain words", at: k)
                continue
            }
            if !seen.insert(key).inserted {
                error("\(what): '\(key)' is given twice", at: k)
                continue
            }
            guard let value = string(v, "\(what).\(key)") else { continue }
            out.append((key, value))
        }
        return out.sorted { $0.key < $1.key }
    }

    // MARK: Helpers

    /// What kind of node this is, for messages.
    public static func kind(_ node: Node) -> String {
        switch node {
        case .scalar: return "a single value"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// `5m`, `30s`, `1h`, `250ms`: the shortest exact way to write `ms`.
    public static func durationText(_ ms: Int64) -> String { TimeSpec.formatDuration(ms) }

    /// The allowed word closest to `word` (edit distance ≤ 2), if any.
    static func nearest(_ word: String, in words: [String]) -> String? {
        var best: (String, Int)?
        for w in words {
            let d = editDistance(Array(word), Array(w))
            if d <= 2, best == nil || d < best!.1 { best = (w, d) }
        }
        return best?.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}

extension String {
    /// Without leading and trailing spaces.
    var trimmingSpaces: Substring {
        var s = self[...]
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
