/// The lexer of the query language: reads tokens out of the query text at the parser's request.
///
/// It is driven by the parser rather than run ahead of it, because what a token is depends on
/// where it stands: `cache-hit` is one metric name, `version:$LATEST` is a tag filter whose value
/// may hold almost any character, and `-` after whitespace is an operator. Positions are 0-based
/// columns in characters (not bytes), as `QueryError` reports them.
struct QueryLexer {
    /// The query as typed.
    let source: String
    let chars: [Character]
    /// The column of the next character to read.
    var position = 0

    init(_ source: String) {
        self.source = source
        self.chars = Array(source)
    }

    var atEnd: Bool { position >= chars.count }

    /// The character `offset` places ahead, or nil past the end.
    func peek(_ offset: Int = 0) -> Character? {
        let i = position + offset
        return i >= 0 && i < chars.count ? chars[i] : nil
    }

    /// Whether the next character is `c`.
    func next(is c: Character) -> Bool { peek() == c }

    /// Reads `c` if it is next.
    mutating func consume(_ c: Character) -> Bool {
        guard peek() == c else { return false }
        position += 1
        return true
    }

    mutating func skipSpace() {
        while let c = peek(), c.isWhitespace { position += 1 }
    }

    // MARK: Character classes

    /// Letters, digits and `_`: what a name starts with.
    static func isWordStart(_ c: Character) -> Bool {
        guard let a = c.asciiValue else { return false }
        return (a >= 0x61 && a <= 0x7A) || (a >= 0x41 && a <= 0x5A) || (a >= 0x30 && a <= 0x39) || a == 0x5F
    }

    static func isDigit(_ c: Character?) -> Bool {
        guard let a = c?.asciiValue else { return false }
        return a >= 0x30 && a <= 0x39
    }

    /// Letters, digits, `_` and `.`; `-` is a name character only between two of these.
    static func isNameChar(_ c: Character?) -> Bool {
        guard let c else { return false }
        return isWordStart(c) || c == "."
    }

    /// Anything but `, } ( )` and whitespace: tag values (`$LATEST`, `v1.*`, `http://x`).
    static func isValueChar(_ c: Character) -> Bool {
        !(c.isWhitespace || c == "," || c == "}" || c == "(" || c == ")")
    }

    /// Tag keys: anything a value may hold but `: { ! *`.
    static func isKeyChar(_ c: Character) -> Bool {
        isValueChar(c) && c != ":" && c != "{" && c != "!" && c != "*"
    }

    // MARK: Tokens

    /// A metric name or word: letters, digits, `_`, `.`, and `-` when directly between two of
    /// those (`cache-hit`, `user-api-latency`). Empty when the next character cannot start one.
    mutating func scanName() -> String {
        let start = position
        guard let first = peek(), QueryLexer.isWordStart(first) else { return "" }
        position += 1
        while let c = peek() {
            if QueryLexer.isNameChar(c) {
                position += 1
            } else if c == "-", QueryLexer.isNameChar(peek(-1)), QueryLexer.isNameChar(peek(1)) {
                position += 1
            } else {
                break
            }
        }
        return String(chars[start..<position])
    }

    /// Letters and digits only (a keyword such as `by` or `rollup`, a duration such as `300`).
    mutating func scanAlphanumerics() -> String {
        let start = position
        while let c = peek(), QueryLexer.isWordStart(c), c != "_" { position += 1 }
        return String(chars[start..<position])
    }

    /// A run of characters satisfying `accept`.
    mutating func scan(while accept: (Character) -> Bool) -> String {
        let start = position
        while let c = peek(), accept(c) { position += 1 }
        return String(chars[start..<position])
    }

    /// A number literal: `12`, `0.5`, `.5`, `1e3`, `2.5E-2`; nil when none starts here.
    mutating func scanNumber() -> (value: Double, text: String)? {
        let start = position
        while QueryLexer.isDigit(peek()) { position += 1 }
        if peek() == ".", QueryLexer.isDigit(peek(1)) {
            position += 1
            while QueryLexer.isDigit(peek()) { position += 1 }
        }
        guard position > start else { return nil }
        if peek() == "e" || peek() == "E" {
            var k = 1
            if peek(1) == "+" || peek(1) == "-" { k = 2 }
            if QueryLexer.isDigit(peek(k)) {
                position += k
                while QueryLexer.isDigit(peek()) { position += 1 }
            }
        }
        let text = String(chars[start..<position])
        guard let value = Double(text) else {
            position = start
            return nil
        }
        return (value, text)
    }

    /// What stands at `at` (default: here), for "found …" in messages: `end of query`, a quoted
    /// word (`'by'`), or a quoted single character (`')'`).
    func found(at: Int? = nil) -> String {
        let i = at ?? position
        guard i < chars.count else { return "end of query" }
        if QueryLexer.isWordStart(chars[i]) {
            var j = i
            while j < chars.count, QueryLexer.isNameChar(chars[j]) || chars[j] == "-" { j += 1 }
            return "'" + String(chars[i..<j]) + "'"
        }
        return "'" + String(chars[i]) + "'"
    }

    /// An error at `at` (default: here).
    func error(_ message: String, at: Int? = nil) -> QueryError {
        QueryError(message: message, position: at ?? position, query: source)
    }
}
