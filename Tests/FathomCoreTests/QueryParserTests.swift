import Testing

@testable import FathomCore

/// Parses `text`, failing the test (and returning a placeholder) on an error.
private func parse(_ text: String) -> QueryExpression {
    do { return try QueryParser.parse(text) } catch {
        Issue.record("unexpected error: \(error)")
        return .number(.nan)
    }
}

private func m(
    _ aggregation: Aggregation, _ metric: String, _ filters: [TagFilter] = [], by: [String] = [],
    rollup: QueryRollup? = nil
) -> QueryExpression {
    .metric(MetricQuery(aggregation: aggregation, metric: metric, filters: filters, groupBy: by, rollup: rollup))
}

private func f(_ key: String, _ pattern: String? = nil, not negated: Bool = false) -> TagFilter {
    TagFilter(key: key, pattern: pattern, negated: negated)
}

@Suite struct QueryParserTests {
    @Test func quantileWithFilterAndGroupBy() {
        #expect(
            parse("p99:fn.duration{function:checkout} by {version}")
                == m(.quantile(0.99), "fn.duration", [f("function", "checkout")], by: ["version"]))
    }

    @Test func rollupAfterFilter() {
        #expect(
            parse("sum:cache-hit{cache:redis}.rollup(sum, 300)")
                == m(.sum, "cache-hit", [f("cache", "redis")], rollup: QueryRollup(aggregation: .sum, seconds: 300)))
    }

    @Test func errorRateExpression() {
        let e = parse(
            "sum:fn.errors{function:checkout} by {version} / sum:fn.invocations{function:checkout} by {version} * 100")
        let errors = m(.sum, "fn.errors", [f("function", "checkout")], by: ["version"])
        let invocations = m(.sum, "fn.invocations", [f("function", "checkout")], by: ["version"])
        #expect(e == .binary(.multiply, .binary(.divide, errors, invocations), .number(100)))
        #expect(
            e.text
                == "sum:fn.errors{function:checkout} by {version} / sum:fn.invocations{function:checkout} by {version} * 100"
        )
        #expect(e.leftmostAggregation == .sum)
        #expect(e.metricQueries.count == 2)
    }

    @Test func everyAggregation() {
        for name in ["sum", "count", "avg", "min", "max", "last", "p50", "p75", "p90", "p95", "p99", "p999"] {
            guard case .metric(let q) = parse("\(name):m") else {
                Issue.record("\(name) did not parse to a metric query")
                continue
            }
            #expect(q.aggregation.name == name)
            #expect(q.metric == "m")
        }
        #expect(parse("p999:m") == m(.quantile(0.999), "m"))
        #expect(parse("p50:m") == m(.quantile(0.5), "m"))
    }

    @Test func precedenceAndAssociativity() {
        let a = m(.sum, "a"), b = m(.sum, "b"), c = m(.sum, "c")
        #expect(parse("sum:a + sum:b * 2") == .binary(.add, a, .binary(.multiply, b, .number(2))))
        #expect(parse("sum:a * sum:b + 2") == .binary(.add, .binary(.multiply, a, b), .number(2)))
        #expect(parse("sum:a - sum:b - sum:c") == .binary(.subtract, .binary(.subtract, a, b), c))
        #expect(parse("sum:a / sum:b / 2") == .binary(.divide, .binary(.divide, a, b), .number(2)))
        #expect(parse("sum:a - (sum:b - sum:c)") == .binary(.subtract, a, .binary(.subtract, b, c)))
        #expect(parse("(sum:a + sum:b) * 2") == .binary(.multiply, .binary(.add, a, b), .number(2)))
        #expect(parse("((sum:a))") == a)
        #expect(parse("-sum:a * 2") == .binary(.multiply, .negate(a), .number(2)))
        #expect(parse("2 - -sum:a") == .binary(.subtract, .number(2), .negate(a)))
        #expect(parse("sum:a / -2") == .binary(.divide, a, .negate(.number(2))))
        #expect(parse("-(sum:a + 1)") == .negate(.binary(.add, a, .number(1))))
    }

    @Test func numbers() {
        #expect(parse("42") == .number(42))
        #expect(parse("0.5") == .number(0.5))
        #expect(parse(".25") == .number(0.25))
        #expect(parse("1.5e3") == .number(1500))
        #expect(parse("2E-2") == .number(0.02))
        #expect(parse("2 * 3") == .binary(.multiply, .number(2), .number(3)))
    }

    @Test func metricNames() {
        #expect(parse("avg:user-api-latency") == m(.avg, "user-api-latency"))
        #expect(parse("max:a_b.c-d9") == m(.max, "a_b.c-d9"))
        #expect(parse("sum:cache-hit") == m(.sum, "cache-hit"))
        // A '-' between name characters belongs to the name.
        #expect(parse("sum:a-5") == m(.sum, "a-5"))
        #expect(parse("sum:2xx.count") == m(.sum, "2xx.count"))
    }

    @Test func subtractionNeedsWhitespaceBeforeMinus() {
        let a = m(.sum, "a"), b = m(.sum, "b")
        #expect(parse("sum:a -sum:b") == .binary(.subtract, a, b))
        #expect(parse("sum:a - sum:b") == .binary(.subtract, a, b))
        #expect(parse("sum:a- sum:b") == .binary(.subtract, a, b))
        #expect(parse("sum:a -5") == .binary(.subtract, a, .number(5)))
        // After '}' or ')' no whitespace is needed.
        #expect(parse("sum:a{x:y}-sum:b") == .binary(.subtract, m(.sum, "a", [f("x", "y")]), b))
        #expect(
            parse("sum:a.rollup(sum)-sum:b")
                == .binary(.subtract, m(.sum, "a", rollup: QueryRollup(aggregation: .sum)), b))
        #expect(parse("(sum:a)-sum:b") == .binary(.subtract, a, b))
        #expect(parse("5-sum:b") == .binary(.subtract, .number(5), b))
    }

    @Test func filters() {
        #expect(parse("sum:a{*}") == m(.sum, "a"))
        #expect(parse("sum:a{}") == m(.sum, "a"))
        #expect(parse("sum:a{ * }") == m(.sum, "a"))
        #expect(
            parse("sum:fn.invocations{!version:$LATEST,env:prod,cache,function:*-api}")
                == m(
                    .sum, "fn.invocations",
                    [f("version", "$LATEST", not: true), f("env", "prod"), f("cache"), f("function", "*-api")]))
        #expect(parse("sum:a{!env}") == m(.sum, "a", [f("env", not: true)]))
        #expect(parse("sum:a{url:http://x/y?z=1}") == m(.sum, "a", [f("url", "http://x/y?z=1")]))
        #expect(parse("sum:a{name:café}") == m(.sum, "a", [f("name", "café")]))
    }

    @Test func groupBy() {
        #expect(parse("sum:a by {version}") == m(.sum, "a", by: ["version"]))
        #expect(parse("sum:a by {version,function,version}") == m(.sum, "a", by: ["function", "version"]))
        #expect(parse("sum:a{x:y}by{version}") == m(.sum, "a", [f("x", "y")], by: ["version"]))
    }

    @Test func rollupForms() {
        #expect(parse("sum:a.rollup(avg)") == m(.sum, "a", rollup: QueryRollup(aggregation: .avg)))
        #expect(parse("sum:a.rollup(max, 5m)") == m(.sum, "a", rollup: QueryRollup(aggregation: .max, seconds: 300)))
        #expect(parse("sum:fn.duration.rollup(p99,60)") == m(.sum, "fn.duration", rollup: QueryRollup(aggregation: .quantile(0.99), seconds: 60)))
        // `by` and `.rollup` in either order.
        let expected = m(.avg, "a", [f("x", "y")], by: ["v"], rollup: QueryRollup(aggregation: .max, seconds: 60))
        #expect(parse("avg:a{x:y} by {v}.rollup(max, 60)") == expected)
        #expect(parse("avg:a{x:y}.rollup(max, 60) by {v}") == expected)
    }

    @Test func whitespaceVariants() {
        let expected = m(
            .sum, "fn.duration", [f("function", "checkout"), f("version", "1")], by: ["function", "version"],
            rollup: QueryRollup(aggregation: .sum, seconds: 300))
        for text in [
            "sum:fn.duration{function:checkout,version:1} by {function,version}.rollup(sum,300)",
            "sum:fn.duration{function:checkout,version:1}by{function,version}.rollup(sum,300)",
            "  sum : fn.duration { function : checkout , version: 1 } by { function , version } .rollup( sum , 300 )  ",
            "\tsum:fn.duration{function:checkout,\n version:1}\n by {function,version}.rollup (sum, 300)\n",
        ] {
            #expect(parse(text) == expected, "\(text)")
        }
        #expect(parse("sum:a*2") == parse("sum:a * 2"))
        #expect(parse("sum:a/sum:b") == parse("sum:a   /   sum:b"))
    }

    @Test func canonicalTextRoundTrips() {
        for (input, text) in [
            ("sum:a -(sum:b -sum:c)", "sum:a - (sum:b - sum:c)"),
            ("-(sum:a+1)", "-(sum:a + 1)"),
            ("(sum:a*2)+3", "sum:a * 2 + 3"),
            ("(sum:a+2)*3", "(sum:a + 2) * 3"),
            ("sum:a / (sum:b * 2)", "sum:a / (sum:b * 2)"),
            ("avg:x{*} by {b,a}.rollup(p95, 5m)", "avg:x by {a,b}.rollup(p95, 300)"),
            ("sum:a{!v:$LATEST,env}", "sum:a{!v:$LATEST,env}"),
            ("0.5 * sum:a", "0.5 * sum:a"),
        ] {
            let e = parse(input)
            #expect(e.text == text)
            #expect(parse(e.text) == e)
        }
    }
}
