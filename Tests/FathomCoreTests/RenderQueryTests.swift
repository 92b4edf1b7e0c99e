import Testing
@testable import FathomCore

enum RenderQueryFixture {
    static let t0 = RenderFixture.t0

    static let result = QueryResult(series: [
        ResultSeries(
            metric: "fn.duration", aggregation: "p99", tags: [Tag("version", "41")],
            points: [(t0, 12.345), (t0 + 60_000, nil), (t0 + 120_000, 3)]),
        ResultSeries(
            metric: "fn.cost", aggregation: "sum", tags: [Tag("version", "42"), Tag("function", "a,b")],
            points: [(t0, 0.0000021)]),
    ])
}

@Test func renderQueryTable() {
    #expect(
        Renderers.query(RenderQueryFixture.result, format: .table) == """
            p99:fn.duration{version:41}
            TIME                  VALUE
            2025-11-20T08:00:00Z  12.35
            2025-11-20T08:01:00Z      -
            2025-11-20T08:02:00Z      3

            sum:fn.cost{function:a,b,version:42}
            TIME                       VALUE
            2025-11-20T08:00:00Z  0.00000210

            """)
}

@Test func renderQueryEmpty() {
    let empty = QueryResult(series: [])
    #expect(Renderers.query(empty, format: .table) == "no data\n")
    #expect(Renderers.query(empty, format: .json) == "{\n  \"series\": []\n}\n")
    #expect(Renderers.query(empty, format: .csv) == "metric,aggregation,tags,time,value\n")
}

@Test func renderQueryJSON() throws {
    let text = Renderers.query(RenderQueryFixture.result, format: .json)
    #expect(
        text == """
            {
              "series": [
                {
                  "metric": "fn.duration",
                  "aggregation": "p99",
                  "tags": {
                    "version": "41"
                  },
                  "points": [
                    ["2025-11-20T08:00:00Z", 12.345],
                    ["2025-11-20T08:01:00Z", null],
                    ["2025-11-20T08:02:00Z", 3]
                  ]
                },
                {
                  "metric": "fn.cost",
                  "aggregation": "sum",
                  "tags": {
                    "function": "a,b",
                    "version": "42"
                  },
                  "points": [
                    ["2025-11-20T08:00:00Z", 2.1e-06]
                  ]
                }
              ]
            }

            """)
    let json = try #require(RenderJSON.parse(text))
    #expect(json.keys == ["series"])
    let first = try #require(json["series"]?[0])
    #expect(first.keys == ["metric", "aggregation", "tags", "points"])
    #expect(first["points"]?[1] == .array([.string("2025-11-20T08:01:00Z"), .null]))
    #expect(json["series"]?[1]?["points"]?[0]?[1] == .number(0.0000021))
}

@Test func renderQueryCSV() {
    #expect(
        Renderers.query(RenderQueryFixture.result, format: .csv) == """
            metric,aggregation,tags,time,value
            fn.duration,p99,version:41,2025-11-20T08:00:00Z,12.345
            fn.duration,p99,version:41,2025-11-20T08:01:00Z,
            fn.duration,p99,version:41,2025-11-20T08:02:00Z,3
            fn.cost,sum,"function:a,b,version:42",2025-11-20T08:00:00Z,2.1e-06

            """)
}
