/// An annotation or label template: text with `{{ $value }}` and `{{ $labels.NAME }}`, each
/// optionally piped through `humanize`, `humanizePercentage` or `humanizeDuration`
/// (`{{ $value | humanize }}`). Anything else between `{{` and `}}` is a mistake, found when the
/// rule file is read.
public struct AlertTemplate: Sendable, Equatable, Hashable {
    /// A mistake in a template, at a 0-based character position of its text.
    public struct ParseError: Error, Sendable, Equatable {
        public var message: String
        public var position: Int
    }

    enum Variable: Sendable, Hashable {
        case value
        case label(String)
    }

    enum Function: String, Sendable, Hashable, CaseIterable {
        case humanize, humanizePercentage, humanizeDuration
    }

    enum Piece: Sendable, Hashable {
        case text(String)
        case variable(Variable, [Function])
    }

    /// The template as written.
    public let source: String
    let pieces: [Piece]

    /// Parses `source`.
    public init(_ source: String) throws(ParseError) {
        self.source = source
        let c = Array(source)
        var pieces: [Piece] = []
        var text = ""
        var i = 0
        func fail(_ m: String, _ p: Int) -> ParseError { ParseError(message: m, position: p) }
        func skipSpaces(_ j: inout Int, _ end: Int) { while j < end, c[j] == " " { j += 1 } }
        while i < c.count {
            guard c[i] == "{", i + 1 < c.count, c[i + 1] == "{" else {
                text.append(c[i])
                i += 1
                continue
            }
            let open = i
            var close = i + 2
            while close + 1 < c.count, !(c[close] == "}" && c[close + 1] == "}") { close += 1 }
            guard close + 1 < c.count else { throw fail("'{{' is not closed with '}}'", open) }
            if !text.isEmpty { pieces.append(.text(text)) }
            text = ""
            var j = open + 2
            skipSpaces(&j, close)
            let start = j
            while j < close, c[j] != " ", c[j] != "|" { j += 1 }
            let word = String(c[start..<j])
            let variable: Variable
            if word == "$value" {
                variable = .value
            } else if word.hasPrefix("$labels."), word.count > 8,
                word.dropFirst(8).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
            {
                variable = .label(String(word.dropFirst(8)))
            } else {
                throw fail(
                    "unknown template expression '\(word)': expected $value or $labels.NAME", start)
            }
            var functions: [Function] = []
            skipSpaces(&j, close)
            while j < close {
                guard c[j] == "|" else { throw fail("expected '|' or '}}', found '\(c[j])'", j) }
                j += 1
                skipSpaces(&j, close)
                let fs = j
                while j < close, c[j] != " ", c[j] != "|" { j += 1 }
                let name = String(c[fs..<j])
                guard let f = Function(rawValue: name) else {
                    throw fail(
                        "unknown template function '\(name)': expected "
                            + Function.allCases.map(\.rawValue).joined(separator: ", "), fs)
                }
                functions.append(f)
                skipSpaces(&j, close)
            }
            pieces.append(.variable(variable, functions))
            i = close + 2
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        self.pieces = pieces
    }

    /// The text with `labels` and `value` put in (a missing label or value gives an empty string).
    public func render(labels: [Tag], value: Double?) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let t):
                out += t
            case .variable(let v, let functions):
                switch v {
                case .label(let name):
                    out += labels.first { $0.key == name }?.value ?? ""
                case .value:
                    guard let value else { break }
                    guard let f = functions.last else {
                        out += NumberFormat.exact(value) ?? NumberFormat.compact(value)
                        break
                    }
                    out += Self.apply(f, value)
                }
            }
        }
        return out
    }

    public static func == (a: AlertTemplate, b: AlertTemplate) -> Bool { a.source == b.source }
    public func hash(into h: inout Hasher) { h.combine(source) }

    static func apply(_ f: Function, _ x: Double) -> String {
        switch f {
        case .humanize: return humanize(x)
        case .humanizePercentage: return trimmed(NumberFormat.fixed(x * 100, 2)) + "%"
        case .humanizeDuration: return humanizeDuration(seconds: x)
        }
    }

    /// `1234` → `1.234k`, `0.0042` → `4.2m`, `12.5` → `12.5`: at most 4 significant digits with
    /// an SI prefix.
    public static func humanize(_ x: Double) -> String {
        guard x.isFinite, x != 0 else { return NumberFormat.compact(x) }
        let prefixes: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "µ")]
        let m = x.magnitude
        var (scale, suffix) = prefixes.last!
        for (s, p) in prefixes where m >= s {
            (scale, suffix) = (s, p)
            break
        }
        let v = x / scale
        let decimals = v.magnitude >= 100 ? 1 : v.magnitude >= 10 ? 2 : 3
        return trimmed(NumberFormat.fixed(v, decimals)) + suffix
    }

    /// `90` → `1m 30s`, `0.25` → `250ms`.
    public static func humanizeDuration(seconds x: Double) -> String {
        guard x.isFinite else { return NumberFormat.compact(x) }
        if x.magnitude < 1 { return trimmed(NumberFormat.fixed(x * 1000, 2)) + "ms" }
        var s = Int64(x.rounded())
        var parts: [String] = []
        let sign = s < 0 ? "-" : ""
        s = abs(s)
        for (size, unit) in [(Int64(86_400), "d"), (3600, "h"), (60, "m"), (1, "s")] where s >= size || (size == 1 && parts.isEmpty) {
            parts.append("\(s / size)\(unit)")
            s %= size
            if s == 0 { break }
        }
        return sign + parts.joined(separator: " ")
    }

    /// `1.500` → `1.5`, `2.000` → `2`.
    static func trimmed(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = Substring(s)
        while t.last == "0" { t = t.dropLast() }
        if t.last == "." { t = t.dropLast() }
        return String(t)
    }
}
