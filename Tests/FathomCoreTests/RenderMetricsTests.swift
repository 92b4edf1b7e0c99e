import Testing
@testable import FathomCore

enum RenderMetricsFixture {
    static let t0 = RenderFixture.t0

    /// Unsorted on purpose.
    static let series = [
        SeriesInfo(
            key: SeriesKey(name: "fn.duration", kind: .distribution, tags: [Tag("version", "1"), Tag("function", "api")]),
            firstSeen: t0, lastSeen: t0 + 3_600_000),
        SeriesInfo(key: SeriesKey(name: "cache.hit", kind: .count, tags: []), firstSeen: t0, lastSeen: t0),
    ]
}

@Test func renderMetricsTable() {
    #expect(
        Renderers.metrics(RenderMetricsFixture.series, format: .table) == """
            NAME         TYPE          TAGS                    FIRST                 LAST
            cache.hit    count         -                       2025-11-20T08:00:00Z  2025-11-20T08:00:00Z
            fn.duration  distribution  function:api,version:1  2025-11-20T08:00:00Z  2025-11-20T09:00:00Z

            """)
    #expect(Renderers.metrics([], format: .table) == "no metrics\n")
}

@Test func renderMetricsJSON() throws {
    let text = Renderers.metrics(RenderMetricsFixture.series, format: .json)
    #expect(
        text == """
            [
              {
                "name": "cache.hit",
                "type": "count",
                "tags": {},
                "first_seen": "2025-11-20T08:00:00Z",
                "last_seen": "2025-11-20T08:00:00Z"
              },
              {
                "name": "fn.duration",
                "type": "distribution",
                "tags": {
                  "function": "api",
                  "version": "1"
                },
                "first_seen": "2025-11-20T08:00:00Z",
                "last_seen": "2025-11-20T09:00:00Z"
              }
            ]

            """)
    let json = try #require(RenderJSON.parse(text))
    #expect(json[1]?.keys == ["name", "type", "tags", "first_seen", "last_seen"])
    #expect(json[1]?["tags"]?["function"] == .string("api"))
    #expect(Renderers.metrics([], format: .json) == "[]\n")
}

@Test func renderMetricsCSV() {
    #expect(
        Renderers.metrics(RenderMetricsFixture.series, format: .csv) == """
            name,type,tags,first_seen,last_seen
            cache.hit,count,,2025-11-20T08:00:00Z,2025-11-20T08:00:00Z
            fn.duration,distribution,"function:api,version:1",2025-11-20T08:00:00Z,2025-11-20T09:00:00Z

            """)
}
