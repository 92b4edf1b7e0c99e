import FathomConfig
import Testing

@Suite struct ConfigReaderTests {
    @Test func unknownKeyIsReportedWithPlaceAndSuggestion() throws {
        var r = ConfigReader(file: "rules.yaml")
        let parsed = r.parse("groups: []\nintervall: 1m\n")
        let node = try #require(parsed)
        _ = r.mapping(node, "the file", allowed: ["groups", "interval"])
        #expect(r.errors.map(\.description) == [
            "rules.yaml:2:1: the file: unknown key 'intervall' (did you mean 'interval'?); expected one of groups, interval"
        ])
    }

    @Test func badYAMLHasAPlace() {
        var r = ConfigReader(file: "d.yaml")
        let parsed = r.parse("a: [1, 2\nb: 3\n")
        #expect(parsed == nil)
        #expect(r.errors.count == 1)
        #expect(r.errors[0].file == "d.yaml" && r.errors[0].line >= 1)
    }

    @Test func durationsAndNumbers() throws {
        var r = ConfigReader(file: "f")
        let parsed = r.parse("a: 5m\nb: 250ms\nc: x\nd: 1.5\n")
        let node = try #require(parsed)
        let mapped = r.mapping(node, "f", allowed: ["a", "b", "c", "d"])
        let m = try #require(mapped)
        #expect(r.duration(m["a"]!, "a") == 300_000)
        #expect(r.duration(m["b"]!, "b") == 250)
        #expect(r.duration(m["c"]!, "c") == nil)
        #expect(r.number(m["d"]!, "d") == 1.5)
        #expect(r.errors.map(\.description) == ["f:3:4: c must be a duration such as 30s, 5m, 1h or 1d, found 'x'"])
        #expect(ConfigReader.durationText(300_000) == "5m")
    }
}
