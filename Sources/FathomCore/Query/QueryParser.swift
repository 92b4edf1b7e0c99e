/// The recursive-descent parser of Fathom's metric query language (Datadog style):
///
///     expression := term (('+' | '-') term)*
///     term       := unary (('*' | '/') unary)*
///     unary      := '-' unary | primary
///     primary    := number | '(' expression ')' | metric-query
///     metric-query := aggregation ':' metric ['{' filters '}'] ['by' '{' key (',' key)* '}']
///                     ['.rollup(' aggregation [',' seconds] ')']
///     filters    := '*' | filter (',' filter)*
///     filter     := ['!'] key [':' value]
///
/// - Aggregations: `sum count avg min max last p50 p75 p90 p95 p99 p999` (see `Aggregation(name:)`).
/// - Metric names hold letters, digits, `_`, `.` and `-` (`cache-hit`, `fn.duration`).
///   **A `-` directly between two name characters belongs to the name**: `sum:a-sum:b` is the
///   metric `a-sum` followed by a stray `:`. To subtract, put whitespace before the `-`
///   (`sum:a -sum:b`, `sum:a - sum:b`); after `}` or `)` no whitespace is needed.
/// - Tag values may hold any character but `, } ( )` and whitespace, and `*` is a glob there
///   (`version:$LATEST`, `function:*-api`). `!key` (without a value) means "lacks the tag".
/// - `by {...}` and `.rollup(...)` may come in either order, each at most once.
/// - Whitespace is allowed between any two tokens, except inside names and values.
///
/// Errors are `QueryError`s that say what was expected and what was found, with the column.
public struct QueryParser {
    var lexer: QueryLexer
    /// The most recent metric name and the column just after it (for the `-` hint).
    var lastName = ""
    var lastNameEnd = -1

    init(_ text: String) { lexer = QueryLexer(text) }

    /// The aggregations as listed in error messages.
    static let aggregationList = "sum, count, avg, min, max, last, p50, p75, p90, p95, p99, p999"

    /// Parses a whole query.
    public static func parse(_ text: String) throws(QueryError) -> QueryExpression {
        var parser = QueryParser(text)
        return try parser.parseQuery()
    }

    mutating func parseQuery() throws(QueryError) -> QueryExpression {
        lexer.skipSpace()
        if lexer.atEnd { throw lexer.error("empty query", at: 0) }
        let expression = try parseExpression()
        lexer.skipSpace()
        guard lexer.atEnd else {
            if lexer.next(is: ")") { throw lexer.error("unexpected ')'") }
            throw lexer.error(
                "expected an operator (+, -, *, /) or the end of the query, found \(lexer.found())" + hyphenHint())
        }
        return expression
    }

    /// When the mistake is right after a metric name holding a `-`, a note that the `-` was
    /// read as part of the name; otherwise "".
    func hyphenHint() -> String {
        guard lastNameEnd == lexer.position, lastName.contains("-") else { return "" }
        return " (the '-' in '\(lastName)' is part of the metric name; to subtract, put a space before the '-')"
    }

    mutating func parseExpression() throws(QueryError) -> QueryExpression {
        var lhs = try parseTerm()
        while true {
            lexer.skipSpace()
            let op: QueryExpression.Operator
            if lexer.consume("+") { op = .add } else if lexer.consume("-") { op = .subtract } else { return lhs }
            let rhs = try parseTerm()
            lhs = .binary(op, lhs, rhs)
        }
    }

    mutating func parseTerm() throws(QueryError) -> QueryExpression {
        var lhs = try parseUnary()
        while true {
            lexer.skipSpace()
            let op: QueryExpression.Operator
            if lexer.consume("*") { op = .multiply } else if lexer.consume("/") { op = .divide } else { return lhs }
            let rhs = try parseUnary()
            lhs = .binary(op, lhs, rhs)
        }
    }

    mutating func parseUnary() throws(QueryError) -> QueryExpression {
        lexer.skipSpace()
        if lexer.consume("-") { return .negate(try parseUnary()) }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws(QueryError) -> QueryExpression {
        lexer.skipSpace()
        let start = lexer.position
        guard let c = lexer.peek() else {
            throw lexer.error("expected a number, a metric query or '(', found end of query")
        }
        if c == "(" {
            lexer.position += 1
            let inner = try parseExpression()
            lexer.skipSpace()
            guard lexer.consume(")") else {
                throw lexer.error(
                    "expected ')' to close the '(' at column \(start + 1), found \(lexer.found())" + hyphenHint())
            }
            return inner
        }
        if QueryLexer.isDigit(c) || (c == "." && QueryLexer.isDigit(lexer.peek(1))) {
            guard let number = lexer.scanNumber() else {
                throw lexer.error("expected a number, found \(lexer.found())")
            }
            if let next = lexer.peek(), QueryLexer.isNameChar(next) {
                let rest = lexer.scan { QueryLexer.isNameChar($0) }
                throw lexer.error("invalid number '\(number.text + rest)'", at: start)
            }
            return .number(number.value)
        }
        if QueryLexer.isWordStart(c) { return .metric(try parseMetricQuery()) }
        throw lexer.error("expected a number, a metric query or '(', found \(lexer.found())")
    }

    // MARK: Metric queries

    mutating func parseMetricQuery() throws(QueryError) -> MetricQuery {
        let start = lexer.position
        let word = lexer.scanName()
        lexer.skipSpace()
        guard lexer.consume(":") else {
            if Aggregation(name: word) != nil {
                lexer.skipSpace()
                throw lexer.error("expected ':' after the aggregation '\(word)', found \(lexer.found())")
            }
            throw lexer.error(
                "expected an aggregation and ':' before the metric name (e.g. avg:\(word)), found \(lexer.found(at: start))",
                at: start)
        }
        let aggregation = try aggregation(named: word, at: start)

        lexer.skipSpace()
        let nameStart = lexer.position
        var metric = lexer.scanName()
        guard !metric.isEmpty else {
            throw lexer.error("expected a metric name after '\(word):', found \(lexer.found())")
        }
        // `name.rollup(` without braces: the name scanner took `.rollup` as part of the name.
        if let dot = metric.lastIndex(of: "."), peekPastSpace() == "(" {
            let function = String(metric[metric.index(after: dot)...])
            let dotColumn = nameStart + metric.distance(from: metric.startIndex, to: dot)
            guard function == "rollup" else {
                throw lexer.error(
                    "unknown function '.\(function)()' (expected .rollup(<aggregation>[, <seconds>]))", at: dotColumn)
            }
            metric = String(metric[..<dot])
            lexer.position = dotColumn
            if metric.isEmpty { throw lexer.error("expected a metric name after '\(word):', found '.'", at: nameStart) }
        }
        lastName = metric
        lastNameEnd = lexer.position

        var query = MetricQuery(aggregation: aggregation, metric: metric)
        var sawFilters = false, sawBy = false, sawRollup = false
        while true {
            let save = lexer.position
            lexer.skipSpace()
            if !sawFilters, !sawBy, !sawRollup, lexer.next(is: "{") {
                query.filters = try parseFilters()
                sawFilters = true
            } else if lexer.peek() == "b", lexer.peek(1) == "y",
                lexer.peek(2).map({ $0 == "{" || $0.isWhitespace }) ?? true
            {
                if sawBy { throw lexer.error("the query already has a 'by {...}'") }
                lexer.position += 2
                query.groupBy = Array(Set(try parseGroupBy())).sorted()
                sawBy = true
            } else if lexer.next(is: ".") {
                let dot = lexer.position
                lexer.position += 1
                let name = lexer.scanName()
                guard name == "rollup" else {
                    throw lexer.error(
                        "unknown function '.\(name)()' (expected .rollup(<aggregation>[, <seconds>]))", at: dot)
                }
                if sawRollup { throw lexer.error("the query already has a .rollup(...)", at: dot) }
                query.rollup = try parseRollupArguments()
                sawRollup = true
            } else {
                lexer.position = save
                return query
            }
        }
    }

    /// The next non-space character, without moving.
    func peekPastSpace() -> Character? {
        var i = 0
        while let c = lexer.peek(i), c.isWhitespace { i += 1 }
        return lexer.peek(i)
    }

    func aggregation(named word: String, at column: Int) throws(QueryError) -> Aggregation {
        guard let aggregation = Aggregation(name: word) else {
            throw lexer.error("unknown aggregation '\(word)' (expected \(QueryParser.aggregationList))", at: column)
        }
        return aggregation
    }

    /// `{*}`, `{}`, or `{f,f,...}`; the lexer stands on `{`.
    mutating func parseFilters() throws(QueryError) -> [TagFilter] {
        lexer.position += 1
        var filters: [TagFilter] = []
        lexer.skipSpace()
        if lexer.consume("}") { return [] }
        while true {
            lexer.skipSpace()
            if lexer.consume("*") {
                // `*` matches every series: nothing to add.
            } else {
                let negated = lexer.consume("!")
                if negated { lexer.skipSpace() }
                let key = lexer.scan(while: QueryLexer.isKeyChar)
                guard !key.isEmpty else {
                    throw lexer.error("expected a tag filter (key:value, key, !key:value or *), found \(lexer.found())")
                }
                var pattern: String?
                lexer.skipSpace()
                if lexer.consume(":") {
                    lexer.skipSpace()
                    let value = lexer.scan(while: QueryLexer.isValueChar)
                    guard !value.isEmpty else {
                        throw lexer.error("expected a value after '\(key):', found \(lexer.found())")
                    }
                    pattern = value
                }
                filters.append(TagFilter(key: key, pattern: pattern, negated: negated))
            }
            lexer.skipSpace()
            if lexer.consume(",") { continue }
            if lexer.consume("}") { return filters }
            throw lexer.error("expected '}' to close the tag filter, found \(lexer.found())")
        }
    }

    /// `{key,...}` after `by`.
    mutating func parseGroupBy() throws(QueryError) -> [String] {
        lexer.skipSpace()
        guard lexer.consume("{") else { throw lexer.error("expected '{' after 'by', found \(lexer.found())") }
        var keys: [String] = []
        while true {
            lexer.skipSpace()
            let key = lexer.scan(while: QueryLexer.isKeyChar)
            guard !key.isEmpty else { throw lexer.error("expected a tag key in 'by {...}', found \(lexer.found())") }
            keys.append(key)
            lexer.skipSpace()
            if lexer.consume(",") { continue }
            if lexer.consume("}") { return keys }
            throw lexer.error("expected ',' or '}' in 'by {...}', found \(lexer.found())")
        }
    }

    /// `(agg[, seconds])` after `.rollup`.
    mutating func parseRollupArguments() throws(QueryError) -> QueryRollup {
        lexer.skipSpace()
        guard lexer.consume("(") else { throw lexer.error("expected '(' after '.rollup', found \(lexer.found())") }
        lexer.skipSpace()
        let aggStart = lexer.position
        let word = lexer.scanName()
        guard !word.isEmpty else {
            throw lexer.error("expected an aggregation in .rollup(...), found \(lexer.found())")
        }
        var rollup = QueryRollup(aggregation: try aggregation(named: word, at: aggStart))
        lexer.skipSpace()
        if lexer.consume(",") {
            lexer.skipSpace()
            let secondsStart = lexer.position
            let text = lexer.scanAlphanumerics()
            guard !text.isEmpty else {
                throw lexer.error("expected the rollup interval in seconds (e.g. 300), found \(lexer.found())")
            }
            let ms: Int64
            do { ms = try TimeSpec.parseDuration(text) } catch {
                throw lexer.error(
                    "invalid rollup interval '\(text)' (expected seconds such as 300, or 5m, 1h)", at: secondsStart)
            }
            guard ms >= 1000 else {
                throw lexer.error("the rollup interval must be at least 1 second, found '\(text)'", at: secondsStart)
            }
            rollup.seconds = ms / 1000
            lexer.skipSpace()
        }
        guard lexer.consume(")") else {
            throw lexer.error("expected ')' to close .rollup(...), found \(lexer.found())")
        }
        return rollup
    }
}
