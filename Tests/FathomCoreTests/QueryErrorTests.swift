import Testing

@testable import FathomCore

/// The rendered error of parsing `text` (or "no error").
private func rendered(_ text: String) -> String {
    do {
        _ = try QueryParser.parse(text)
        return "no error"
    } catch {
        return error.description
    }
}

@Suite struct QueryErrorTests {
    @Test func rendering() {
        let e = QueryError(message: "oops", position: 2, query: "abcd")
        #expect(e.description == "error: oops at column 3\n  abcd\n    ^")
        // Tabs and newlines are shown as spaces so that the caret lines up.
        let t = QueryError(message: "x", position: 3, query: "a\tb\nc")
        #expect(t.description == "error: x at column 4\n  a b c\n     ^")
    }

    @Test func emptyQuery() {
        #expect(rendered("") == "error: empty query at column 1\n  \n  ^")
        #expect(rendered("   ") == "error: empty query at column 1\n     \n  ^")
    }

    @Test func unclosedFilter() {
        #expect(
            rendered("p99:fn.duration{function:checkout by {version}") == """
                error: expected '}' to close the tag filter, found 'by' at column 35
                  p99:fn.duration{function:checkout by {version}
                                                    ^
                """)
        #expect(
            rendered("sum:a{x:y") == """
                error: expected '}' to close the tag filter, found end of query at column 10
                  sum:a{x:y
                           ^
                """)
    }

    @Test func unknownAggregation() {
        #expect(
            rendered("p9x:fn.duration") == """
                error: unknown aggregation 'p9x' (expected sum, count, avg, min, max, last, p50, p75, p90, p95, p99, p999) at column 1
                  p9x:fn.duration
                  ^
                """)
        #expect(
            rendered("sum:a.rollup(median, 60)") == """
                error: unknown aggregation 'median' (expected sum, count, avg, min, max, last, p50, p75, p90, p95, p99, p999) at column 14
                  sum:a.rollup(median, 60)
                               ^
                """)
    }

    @Test func unexpectedCloseParen() {
        #expect(
            rendered("sum:a)") == """
                error: unexpected ')' at column 6
                  sum:a)
                       ^
                """)
    }

    @Test func unclosedParen() {
        #expect(
            rendered("(sum:a + 1") == """
                error: expected ')' to close the '(' at column 1, found end of query at column 11
                  (sum:a + 1
                            ^
                """)
    }

    @Test func hyphenHint() {
        #expect(
            rendered("sum:errors-sum:invocations") == """
                error: expected an operator (+, -, *, /) or the end of the query, found ':' (the '-' in 'errors-sum' is part of the metric name; to subtract, put a space before the '-') at column 15
                  sum:errors-sum:invocations
                                ^
                """)
        #expect(
            rendered("sum:a - (sum:b-sum:c)") == """
                error: expected ')' to close the '(' at column 9, found ':' (the '-' in 'b-sum' is part of the metric name; to subtract, put a space before the '-') at column 19
                  sum:a - (sum:b-sum:c)
                                    ^
                """)
    }

    @Test func missingOperand() {
        #expect(
            rendered("sum:a +") == """
                error: expected a number, a metric query or '(', found end of query at column 8
                  sum:a +
                         ^
                """)
        #expect(
            rendered("sum:a * )") == """
                error: expected a number, a metric query or '(', found ')' at column 9
                  sum:a * )
                          ^
                """)
    }

    @Test func missingOperator() {
        #expect(
            rendered("sum:a sum:b") == """
                error: expected an operator (+, -, *, /) or the end of the query, found 'sum' at column 7
                  sum:a sum:b
                        ^
                """)
    }

    @Test func emptyTagValue() {
        #expect(
            rendered("sum:a{function:}") == """
                error: expected a value after 'function:', found '}' at column 16
                  sum:a{function:}
                                 ^
                """)
        #expect(
            rendered("sum:a{x:y,}") == """
                error: expected a tag filter (key:value, key, !key:value or *), found '}' at column 11
                  sum:a{x:y,}
                            ^
                """)
    }

    @Test func missingAggregation() {
        #expect(
            rendered("fn.duration{function:checkout}") == """
                error: expected an aggregation and ':' before the metric name (e.g. avg:fn.duration), found 'fn.duration' at column 1
                  fn.duration{function:checkout}
                  ^
                """)
        #expect(
            rendered("sum fn.duration") == """
                error: expected ':' after the aggregation 'sum', found 'fn.duration' at column 5
                  sum fn.duration
                      ^
                """)
        #expect(
            rendered("sum:") == """
                error: expected a metric name after 'sum:', found end of query at column 5
                  sum:
                      ^
                """)
    }

    @Test func groupByMistakes() {
        #expect(
            rendered("sum:a by version") == """
                error: expected '{' after 'by', found 'version' at column 10
                  sum:a by version
                           ^
                """)
        #expect(
            rendered("sum:a by {version function}") == """
                error: expected ',' or '}' in 'by {...}', found 'function' at column 19
                  sum:a by {version function}
                                    ^
                """)
        #expect(
            rendered("sum:a by {v} by {w}") == """
                error: the query already has a 'by {...}' at column 14
                  sum:a by {v} by {w}
                               ^
                """)
    }

    @Test func rollupMistakes() {
        #expect(
            rendered("sum:a.rollup(sum, 0)") == """
                error: the rollup interval must be at least 1 second, found '0' at column 19
                  sum:a.rollup(sum, 0)
                                    ^
                """)
        #expect(
            rendered("sum:a.rollup(sum, 300") == """
                error: expected ')' to close .rollup(...), found end of query at column 22
                  sum:a.rollup(sum, 300
                                       ^
                """)
        #expect(
            rendered("sum:a.rollup(sum, soon)") == """
                error: invalid rollup interval 'soon' (expected seconds such as 300, or 5m, 1h) at column 19
                  sum:a.rollup(sum, soon)
                                    ^
                """)
        #expect(
            rendered("sum:a{x:y}.as_count()") == """
                error: unknown function '.as_count()' (expected .rollup(<aggregation>[, <seconds>])) at column 11
                  sum:a{x:y}.as_count()
                            ^
                """)
        #expect(
            rendered("sum:a.as_count()") == """
                error: unknown function '.as_count()' (expected .rollup(<aggregation>[, <seconds>])) at column 6
                  sum:a.as_count()
                       ^
                """)
    }

    @Test func badNumber() {
        #expect(
            rendered("sum:a * 2x") == """
                error: invalid number '2x' at column 9
                  sum:a * 2x
                          ^
                """)
    }

    @Test func positionsCountCharactersNotBytes() {
        #expect(
            rendered("sum:a{name:café} )") == """
                error: unexpected ')' at column 18
                  sum:a{name:café} )
                                   ^
                """)
    }
}
