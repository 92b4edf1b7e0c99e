import Testing
@testable import FathomCore

@Suite struct PrometheusWriterTests {
    @Test func familyLinesEscapeHelp() {
        var w = PrometheusWriter()
        w.family("a_total", type: .counter, help: "Back\\slash and\nnewline \"quotes\" stay.")
        w.family("b", type: .untyped, help: "")
        w.family("c", type: .histogram, help: "h")
        #expect(w.text == """
            # HELP a_total Back\\\\slash and\\nnewline "quotes" stay.
            # TYPE a_total counter
            # TYPE b untyped
            # HELP c h
            # TYPE c histogram

            """)
    }

    @Test func sampleLinesEscapeLabelValues() {
        var w = PrometheusWriter()
        w.sample("x", value: 1)
        w.sample("x", labels: [("a", "q\"b\\n\nz"), ("b", "é ✓")], value: 2.5)
        #expect(w.text == """
            x 1
            x{a="q\\"b\\\\n\\nz",b="é ✓"} 2.5

            """)
        #expect(w.bytes == Array(w.text.utf8))
    }

    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (1, "1"), (-3, "-3"), (42, "42"), (0.1, "0.1"), (-2.5, "-2.5"),
        (999_999_999_999_999, "999999999999999"), (1e15, "1000000000000000"),
        (1_234_567_890_123_456, "1234567890123456"), (1e16, "1e+16"), (1.5e20, "1.5e+20"),
        (1e-07, "1e-07"), (0.0001, "0.0001"), (1e-05, "1e-05"), (123456789012345.6, "123456789012345.6"),
        (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"),
        (Double.leastNonzeroMagnitude, "5e-324"),
        (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (Double.nan, "NaN"),
    ] as [(Double, String)])
    func valueFormat(value: Double, text: String) {
        #expect(PrometheusWriter.formatValue(value) == text)
        // Every finite form reads back to the same double (Go's ParseFloat takes the same syntax).
        if value.isFinite { #expect(Double(text) == value) }
    }

    @Test func sampleWritesSpecialValues() {
        var w = PrometheusWriter()
        w.sample("g", value: .infinity)
        w.sample("g", value: -.infinity)
        w.sample("g", value: .nan)
        #expect(w.text == "g +Inf\ng -Inf\ng NaN\n")
    }

    @Test(arguments: [
        ("orders.placed", "orders_placed"), ("http:requests", "http:requests"), ("2xx", "_2xx"),
        ("", "_"), ("a-b c", "a_b_c"), ("latency_ms", "latency_ms"), ("Über", "_ber"), ("😀x", "_x"),
        ("__x", "__x"), ("_9", "_9"), (":a", ":a"),
    ])
    func metricNames(raw: String, name: String) {
        #expect(PrometheusWriter.metricName(raw) == name)
    }

    @Test(arguments: [
        ("function", "function"), ("env.name", "env_name"), ("a:b", "a_b"), ("1st", "_1st"), ("", "_"),
        ("__name__", "tag___name__"), ("..x", "tag___x"), ("_x", "_x"), ("Région", "R_gion"),
    ])
    func labelNames(raw: String, name: String) {
        #expect(PrometheusWriter.labelName(raw) == name)
    }
}
