import Testing
@testable import FathomCore

enum RenderQuarantineFixture {
    /// Unsorted on purpose; one excerpt holds a tab and a quote, one is longer than a table shows.
    static let entries = [
        QuarantineEntry(
            reason: .brokenJSON, source: "b.log", line: 3, offset: 120, detail: "unexpected end", excerpt: "{\"a\": 1,\t"),
        QuarantineEntry(
            reason: .badMetricValue, source: "a.log", line: 12, offset: 900, detail: "value 'abc'",
            excerpt: "MONITORING|1|abc|count|m|#x"),
        QuarantineEntry(
            reason: .unreadable, source: "c.gz", line: 0, offset: 0, detail: "", excerpt: String(repeating: "x", count: 70)),
    ]
    static let counts: [(QuarantineReason, Int)] = [(.unreadable, 1), (.brokenJSON, 4), (.badMetricValue, 2)]
}

@Test func renderQuarantineTable() {
    let x59 = String(repeating: "x", count: 59)
    #expect(
        Renderers.quarantine(RenderQuarantineFixture.entries, counts: RenderQuarantineFixture.counts, format: .table) == """
            REASON            COUNT  EXPLANATION
            bad_metric_value      2  the metric value is not a number
            broken_json           4  a line that began as a JSON record is not valid JSON
            unreadable            1  the source could not be read
            total                 7

            SOURCE:LINE  REASON            DETAIL          EXCERPT
            a.log:12     bad_metric_value  value 'abc'     MONITORING|1|abc|count|m|#x
            b.log:3      broken_json       unexpected end  {"a": 1,\\t
            c.gz         unreadable        -               \(x59)…

            """)
}

@Test func renderQuarantineNoneAndCountsOnly() {
    #expect(Renderers.quarantine([], counts: [], format: .table) == "quarantined: none\n")
    #expect(Renderers.quarantine([], counts: [(.binary, 0)], format: .table) == "quarantined: none\n")
    #expect(
        Renderers.quarantine([], counts: [(.binary, 2)], format: .table) == """
            REASON  COUNT  EXPLANATION
            binary      2  the line holds binary data (NUL bytes)
            total       2

            no entries

            """)
    #expect(
        Renderers.quarantine([], counts: [], format: .json) == """
            {
              "total": 0,
              "counts": {},
              "entries": []
            }

            """)
}

@Test func renderQuarantineJSON() throws {
    let text = Renderers.quarantine(
        Array(RenderQuarantineFixture.entries.prefix(1)), counts: RenderQuarantineFixture.counts, format: .json)
    #expect(
        text == """
            {
              "total": 7,
              "counts": {
                "bad_metric_value": 2,
                "broken_json": 4,
                "unreadable": 1
              },
              "entries": [
                {
                  "source": "b.log",
                  "line": 3,
                  "offset": 120,
                  "reason": "broken_json",
                  "explanation": "a line that began as a JSON record is not valid JSON",
                  "detail": "unexpected end",
                  "excerpt": "{\\"a\\": 1,\\t"
                }
              ]
            }

            """)
    let all = try #require(
        RenderJSON.parse(
            Renderers.quarantine(RenderQuarantineFixture.entries, counts: RenderQuarantineFixture.counts, format: .json)))
    #expect(all["counts"]?["broken_json"] == .number(4))
    #expect(all["entries"]?.count == 3)
    #expect(all["entries"]?[0]?["source"] == .string("a.log"))
    #expect(all["entries"]?[1]?["excerpt"] == .string("{\"a\": 1,\t"))
    #expect(all["entries"]?[2]?["excerpt"] == .string(String(repeating: "x", count: 70)))
}

@Test func renderQuarantineCSV() {
    let x70 = String(repeating: "x", count: 70)
    #expect(
        Renderers.quarantine(RenderQuarantineFixture.entries, counts: RenderQuarantineFixture.counts, format: .csv) == """
            source,line,offset,reason,detail,excerpt
            a.log,12,900,bad_metric_value,value 'abc',MONITORING|1|abc|count|m|#x
            b.log,3,120,broken_json,unexpected end,"{""a"": 1,\t"
            c.gz,0,0,unreadable,,\(x70)

            """)
}
