import FathomConfig
import FathomCore
import Testing

@Suite struct RuleFileTests {
    func errors(_ text: String) -> [String] {
        do {
            _ = try RuleFile.parse(text: text, file: "r.yaml")
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func readsAGoodFile() throws {
        let text = """
            groups:
              - name: api
                interval: 30s
                rules:
                  - alert: Errors
                    query: sum:fn.errors{*} by {version} / sum:fn.invocations{*} by {version} * 100
                    above: 5
                    clear_above: 2.5
                    window: 10m
                    for: 2m
                    keep_firing_for: 5m
                    labels: {severity: page, team: payments}
                    annotations:
                      summary: "{{ $labels.version }} fails {{ $value | humanize }}%"
                    no_data: keep_state
                  - alert: Quiet
                    query: |
                      sum:orders.items{*}
                    below: 1
              - name: canary
                rules:
                  - alert: CanaryFails
                    kind: canary
                    function: "*"
                    min_invocations: 50
            """
        let set = try RuleFile.parse(text: text, file: "r.yaml")
        #expect(set.groups.map(\.name) == ["api", "canary"])
        #expect(set.groups.map(\.interval) == [30_000, 60_000])
        #expect(set.ruleCount == 3)
        let errors = set.groups[0].rules[0]
        #expect(errors.kind == .threshold && errors.comparison == .above && errors.threshold == 5)
        #expect(errors.clearThreshold == 2.5 && errors.window == 600_000 && errors.forDuration == 120_000)
        #expect(errors.keepFiringFor == 300_000 && errors.noData == .keepState)
        #expect(errors.labels == [Tag("severity", "page"), Tag("team", "payments")])
        #expect(errors.annotations.map(\.key) == ["summary"])
        #expect(errors.query == (try QueryParser.parse(errors.queryText)))
        let quiet = set.groups[0].rules[1]
        #expect(quiet.comparison == .below && quiet.window == 300_000 && quiet.noData == .ok)
        let canary = set.groups[1].rules[0]
        #expect(canary.kind == .canary && canary.function == "*" && canary.minInvocations == 50)
        #expect(canary.window == 3_600_000)
        #expect(set.groups[0].lookback == 120_000 + 300_000 + 90_000)
    }

    @Test func everyMistakeWithItsLineAndColumn() {
        let text = """
            groups:
              - name: api
                interval: 1m
                rules:
                  - alert: Errors
                    query: sum:fn.errors{function:checkout by {version}
                    above: 5
                    below: 1
                  - alert: Errors
                    query: avg:fn.duration{*}
                    above: 5
                    clear_above: 9
                    fro: 5m
                  - alert: Slow
                    query: "p99:fn.duration{*} / (2 +"
                    above: 1s
                    window: 90s
                    annotations:
                      summary: "{{ $labels.function }} is {{ $value | rounded }}"
                    no_data: maybe
                  - alert: Canary
                    kind: canary
                    query: x
                    min_invocations: 0
                  - alert: Low
                    query: avg:m{*}
                    below: 3
                    clear_above: 5
                    labels: {alertname: x, 9lives: y}
                    for: soon
            """
        #expect(errors(text) == [
            "r.yaml:6:48: alert 'Errors': query: expected '}' to close the tag filter, found 'by'",
            "r.yaml:8:9: alert 'Errors': give either above or below, not both",
            "r.yaml:9:16: group 'api': alert 'Errors' is already defined at 5:16",
            "r.yaml:12:22: alert 'Errors': clear_above (9) must be at most above (5)",
            "r.yaml:13:9: rule: unknown key 'fro' (did you mean 'for'?); expected one of alert, kind, window, for, keep_firing_for, labels, annotations, no_data, query, above, below, clear_above, clear_below, function, min_invocations",
            "r.yaml:15:42: alert 'Slow': query: expected a number, a metric query or '(', found end of query",
            "r.yaml:16:16: alert 'Slow': above must be a number, found '1s'",
            "r.yaml:17:17: alert 'Slow': window must be whole minutes (the store keeps minutes), found '90s'",
            "r.yaml:19:59: alert 'Slow': annotations.summary: unknown template function 'rounded': expected humanize, humanizePercentage, humanizeDuration",
            "r.yaml:20:18: alert 'Slow': no_data must be ok, alerting or keep_state, found 'maybe'",
            "r.yaml:21:9: alert 'Canary': 'function' is required for kind canary (a function name, or * for every function)",
            "r.yaml:23:9: alert 'Canary': 'query' is not a key of kind canary rules",
            "r.yaml:24:26: alert 'Canary': min_invocations must be a whole number within 1...1000000000, found '0'",
            "r.yaml:28:9: alert 'Low': clear_above goes with above; with below use clear_below",
            "r.yaml:29:18: alert 'Low': labels: 'alertname' is set from 'alert'",
            "r.yaml:29:32: alert 'Low': labels: '9lives' is not a label name (letters, digits and _, not starting with a digit)",
            "r.yaml:30:14: alert 'Low': for must be a duration such as 30s, 5m, 1h or 1d, found 'soon'",
        ])
    }

    @Test func queryMistakesInsideLiteralBlocks() {
        let text = """
            groups:
              - name: g
                rules:
                  - alert: A
                    query: |
                      sum:fn.errors{*}
                        / sum:fn.invocations{* by {version}
                    above: 1
            """
        #expect(errors(text) == [
            "r.yaml:7:36: alert 'A': query: expected '}' to close the tag filter, found 'by'"
        ])
    }

    @Test func fileLevelMistakes() {
        #expect(errors("") == ["r.yaml:1:1: the rule file is empty: expected 'groups:'"])
        #expect(errors("groupz: []\n") == [
            "r.yaml:1:1: the rule file: 'groups' is required",
            "r.yaml:1:1: the rule file: unknown key 'groupz' (did you mean 'groups'?); expected one of groups",
        ])
        #expect(errors("groups:\n  - name: a\n    rules: []\n  - name: a\n    rules: []\n") == [
            "r.yaml:4:5: group 'a' is already defined at 2:5"
        ])
        #expect(errors("groups:\n  - name: a\n    interval: 0s\n    rules: []\n") == [
            "r.yaml:3:15: group 'a': interval must be at least 1s, found '0s'"
        ])
        #expect(errors("groups:\n  - rules:\n    - alert: x\n") == [
            "r.yaml:2:5: group: 'name' is required",
            "r.yaml:3:7: alert 'x': 'query' is required",
            "r.yaml:3:7: alert 'x': a condition is required: above: NUMBER or below: NUMBER",
        ])
    }

    @Test func loadReportsAMissingFile() {
        #expect(throws: ConfigErrors.self) { try RuleFile.load(path: "/nonexistent/rules.yaml") }
        do {
            _ = try RuleFile.load(path: "/nonexistent/rules.yaml")
        } catch {
            #expect(error.description == "/nonexistent/rules.yaml:1:1: cannot read the file: no such file")
        }
    }
}
