import Testing

@testable import FathomCore

@Suite struct AlertTemplateTests {
    let labels = [Tag("alertname", "High"), Tag("version", "42")]

    @Test func rendersLabelsAndValues() throws {
        let t = try AlertTemplate("v{{ $labels.version }}: {{$value}} ({{ $value | humanize }}, {{ $labels.nope }})")
        #expect(t.render(labels: labels, value: 1234.5) == "v42: 1234.5 (1.235k, )")
        #expect(t.render(labels: labels, value: nil) == "v42:  (, )")
        #expect(try AlertTemplate("{{ $value | humanizePercentage }}").render(labels: [], value: 0.0425) == "4.25%")
        #expect(try AlertTemplate("{{ $value | humanizeDuration }}").render(labels: [], value: 90) == "1m 30s")
        #expect(try AlertTemplate("plain } { text").render(labels: [], value: 1) == "plain } { text")
    }

    @Test func humanize() {
        #expect(AlertTemplate.humanize(0.0042) == "4.2m")
        #expect(AlertTemplate.humanize(12.5) == "12.5")
        #expect(AlertTemplate.humanize(2_500_000) == "2.5M")
        #expect(AlertTemplate.humanize(0) == "0")
        #expect(AlertTemplate.humanizeDuration(seconds: 0.25) == "250ms")
        #expect(AlertTemplate.humanizeDuration(seconds: 3600) == "1h")
        #expect(AlertTemplate.humanizeDuration(seconds: 90061) == "1d 1h 1m 1s")
    }

    @Test func mistakesHaveAPosition() {
        func error(_ s: String) -> AlertTemplate.ParseError? {
            do {
                _ = try AlertTemplate(s)
                return nil
            } catch {
                return error
            }
        }
        #expect(error("x {{ $foo }}") == .init(message: "unknown template expression '$foo': expected $value or $labels.NAME", position: 5))
        #expect(error("{{ $value | round }}") == .init(message: "unknown template function 'round': expected humanize, humanizePercentage, humanizeDuration", position: 12))
        #expect(error("ab {{ $value") == .init(message: "'{{' is not closed with '}}'", position: 3))
        #expect(error("{{ $value $value }}") == .init(message: "expected '|' or '}}', found '$'", position: 10))
        #expect(error("{{ .Value }}")?.position == 3)
    }
}
