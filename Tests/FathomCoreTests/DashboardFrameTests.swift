import Testing

@testable import FathomCore

/// Every panel kind with no data, one point and a thousand series, at several widths and
/// heights: the frame never overflows, never crashes, and says when there is no data.
@Suite struct DashboardFrameTests {
    static let at: Int64 = 1_763_632_800_000 + 3_600_000  // 2025-11-20T11:00:00Z
    static let hour: Int64 = 3_600_000

    /// A dashboard with one panel of every kind (the table twice: by query and by columns).
    static func everyKind(query: String = "sum:m{*} by {s}") -> Dashboard {
        Dashboard(
            name: "all", title: "Every kind", variables: [DashboardVariable(name: "function", defaultValue: "f")],
            rows: [
                DashboardRow(panels: [
                    DashboardPanel(title: "Stat", kind: .stat, query: "sum:m{*}", unit: .count),
                    DashboardPanel(title: "Stat by s", kind: .stat, query: query, unit: .ms),
                    DashboardPanel(title: "Top", kind: .topn, query: query, unit: .percent, limit: 5),
                ]),
                DashboardRow(panels: [DashboardPanel(title: "Series", kind: .timeseries, query: query, unit: .ms)]),
                DashboardRow(panels: [
                    DashboardPanel(title: "Bars", kind: .bar, query: query, unit: .usd),
                    DashboardPanel(title: "Table", kind: .table, query: query, unit: .mb),
                ]),
                DashboardRow(panels: [
                    DashboardPanel(
                        title: "Columns", kind: .table,
                        columns: [
                            DashboardColumn(title: "sum", query: query, unit: .count),
                            DashboardColumn(title: "max", query: "max:m{*} by {s}", unit: .s),
                        ]),
                    DashboardPanel(title: "Alerts", kind: .alerts),
                    DashboardPanel(title: "Canary", kind: .canary),
                ]),
            ])
    }

    /// `n` series `m{s:i}` with a point a minute over the last hour (one point when `points` is 1).
    static func reader(series n: Int, points: Int) -> InMemoryMetricReader {
        var r = InMemoryMetricReader()
        for i in 0..<n {
            let key = SeriesKey(name: "m", kind: .gauge, tags: [FathomCore.Tag("s", "series-\(i)")])
            for p in 0..<points {
                let t = at - Int64(p + 1) * 60_000
                r.add(key, minute: t, Rollup(value: Double((i * 7 + p * 3) % 50 + 1), at: t))
            }
        }
        return r
    }

    static func alerts(_ n: Int) -> [AlertSnapshot] {
        var out: [AlertSnapshot] = []
        for i in 0..<n {
            let firing = i % 2 == 0
            let labels: [FathomCore.Tag] = [FathomCore.Tag("alertname", "rule-\(i)"), FathomCore.Tag("severity", "page")]
            let state: AlertState = firing ? .firing : .pending
            let since: Int64? = firing ? at - 300_000 : nil
            out.append(AlertSnapshot(
                group: "g", rule: "rule-\(i)", labels: labels, annotations: [], state: state, activeSince: at - 600_000,
                firingSince: since, value: Double(i), evaluatedAt: at))
        }
        return out
    }

    static func report() -> CanaryReport {
        CanaryReport(
            function: "f", baseline: "40", canary: "41", from: at - hour, to: at, baselineInvocations: 500,
            canaryInvocations: 120, minInvocations: 100, verdict: .fail, score: 40,
            reasons: ["duration.p99 is 60% higher (p < 0.001)"],
            metrics: [
                CanaryMetricResult(
                    name: "duration.p99", test: "mann-whitney", baseline: 300, canary: 480, change: 0.6, statistic: 5,
                    pValue: 0.0001, effectSize: 0.7, baselineCount: 500, canaryCount: 120, classification: .fail,
                    reason: "slower")
            ])
    }

    static func context(_ reader: InMemoryMetricReader, alerts: Int = 0, canary: Bool = false) -> DashboardContext {
        let range = reader.data.isEmpty ? nil : (from: at - hour, to: at)
        let snapshots = Self.alerts(alerts)
        return DashboardContext(
            reader: reader, at: at, dataRange: range, alerts: { snapshots },
            canary: { _, _, _, _, _ in canary ? Self.report() : nil })
    }

    /// Checks the frame's shape; returns its lines.
    @discardableResult
    static func check(_ frame: String, width: Int, height: Int, sourceLocation: SourceLocation = #_sourceLocation) -> [Substring] {
        #expect(frame.hasSuffix("\n"), sourceLocation: sourceLocation)
        let lines = frame.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count <= height, "\(lines.count) lines for height \(height)", sourceLocation: sourceLocation)
        for line in lines {
            #expect(line.count <= width, "line of \(line.count) for width \(width): \(line)", sourceLocation: sourceLocation)
        }
        #expect(!frame.contains("\u{1B}"), "no colour codes unless asked", sourceLocation: sourceLocation)
        return Array(lines)
    }

    @Test(arguments: [(0, 0), (1, 1), (1000, 1), (3, 60), (1000, 60)])
    func everyKindFitsEverySize(series: Int, points: Int) {
        let reader = Self.reader(series: series, points: points)
        for width in [40, 80, 132] {
            for height in [10, 24, 40, 200] {
                for ascii in [false, true] {
                    let frame = DashboardFrame.render(
                        Self.everyKind(), context: Self.context(reader, alerts: series == 1000 ? 50 : series, canary: series > 0),
                        options: DashboardOptions(width: width, height: height, ascii: ascii))
                    Self.check(frame, width: width, height: height)
                    if ascii { #expect(frame.unicodeScalars.allSatisfy { $0.isASCII }, "ASCII only: \(frame)") }
                }
            }
        }
    }

    @Test func emptyDataSaysSo() {
        let frame = DashboardFrame.render(
            Self.everyKind(), context: Self.context(InMemoryMetricReader()), options: DashboardOptions(width: 100, height: 60))
        let lines = Self.check(frame, width: 100, height: 60)
        #expect(lines[0].hasPrefix("Every kind · 2025-11-20 10:00 → 2025-11-20 11:00 UTC (1h)  function=f"))
        #expect(lines[1] == "the store has no data yet")
        #expect(frame.components(of: "no data in this window") == 7)
        #expect(frame.contains("no alerts firing or pending"))
        #expect(frame.contains("fewer than two versions of f"))
    }

    @Test func dataElsewhereIsPointedAt() {
        let reader = Self.reader(series: 2, points: 5)
        let context = DashboardContext(reader: reader, at: Self.at + 10 * Self.hour, dataRange: (Self.at - 300_000, Self.at))
        let frame = DashboardFrame.render(Self.everyKind(), context: context, options: DashboardOptions(width: 100, height: 60))
        #expect(frame.contains("no data in this range; the data is from 2025-11-20 10:55 to 2025-11-20 11:00 UTC (use --at)"))
    }

    @Test func aThousandSeriesAreCutWithACount() {
        let dashboard = Dashboard(
            name: "t", title: "T", rows: [DashboardRow(panels: [DashboardPanel(title: "S", kind: .timeseries, query: "avg:m{*} by {s}")])])
        let frame = DashboardFrame.render(
            dashboard, context: Self.context(Self.reader(series: 1000, points: 3)), options: DashboardOptions(width: 80, height: 12))
        let lines = Self.check(frame, width: 80, height: 12)
        #expect(lines.count == 12)
        #expect(lines[10].contains("… 992 more"), "\(lines[10])")
        #expect(lines[11].hasPrefix("└"))
    }

    @Test func rowsThatDoNotFitAreCounted() {
        let frame = DashboardFrame.render(
            Self.everyKind(), context: Self.context(Self.reader(series: 3, points: 10)), options: DashboardOptions(width: 132, height: 8))
        let lines = Self.check(frame, width: 132, height: 8)
        #expect(lines.last?.hasPrefix("… 5 more panels") == true, "\(lines)")
    }

    @Test func statShowsValueAndChange() {
        var r = InMemoryMetricReader()
        let key = SeriesKey(name: "m", kind: .count, tags: [])
        r.add(key, minute: Self.at - 90 * 60_000, Rollup(value: 100, at: Self.at - 90 * 60_000))
        r.add(key, minute: Self.at - 30 * 60_000, Rollup(value: 150, at: Self.at - 30 * 60_000))
        let d = Dashboard(name: "s", title: "S", rows: [DashboardRow(panels: [DashboardPanel(title: "Calls", kind: .stat, query: "sum:m{*}", unit: .count)])])
        let frame = DashboardFrame.render(d, context: Self.context(r), options: DashboardOptions(width: 30, height: 10))
        #expect(frame == """
            S · 2025-11-20 10:00 → 2025-1…
            ┌─ Calls · 1h · count ───────┐
            │ 150                        │
            │ ▲ 50% vs prev              │
            └────────────────────────────┘

            """)
        let ascii = DashboardFrame.render(d, context: Self.context(r), options: DashboardOptions(width: 30, height: 10, ascii: true))
        #expect(ascii.contains("| +50% vs prev "))
        #expect(ascii.contains("+- Calls | 1h | count -------+"))
    }

    @Test func colourOnlyWhenAsked() {
        let reader = Self.reader(series: 2, points: 5)
        let d = Self.everyKind()
        let plain = DashboardFrame.render(d, context: Self.context(reader, alerts: 2, canary: true), options: DashboardOptions(width: 132, height: 80))
        #expect(!plain.contains("\u{1B}["))
        let coloured = DashboardFrame.render(
            d, context: Self.context(reader, alerts: 2, canary: true), options: DashboardOptions(width: 132, height: 80, color: true))
        #expect(coloured.contains("\u{1B}[31mFIRING "))
        #expect(coloured.contains("\u{1B}[33mPENDING"))
        #expect(coloured.contains("\u{1B}[31mFAIL  f 40 → 41  score 40"))
        // Without the codes, the same frame.
        #expect(coloured.strippingANSI() == plain)
    }

    @Test func variablesAreSubstitutedAndShown() {
        var r = InMemoryMetricReader()
        for (f, n) in [("a", 3), ("b", 5)] {
            let key = SeriesKey(name: "fn.invocations", kind: .count, tags: [FathomCore.Tag("function", f)])
            for i in 0..<n { r.add(key, minute: Self.at - 60_000, Rollup(value: 1, at: Self.at - 60_000 + Int64(i))) }
        }
        let d = Dashboard(
            name: "f", title: "Function $function", variables: [DashboardVariable(name: "function", defaultValue: nil)],
            rows: [DashboardRow(panels: [DashboardPanel(title: "Calls of $function", kind: .stat, query: "sum:fn.invocations{function:$function}", unit: .count)])])
        let busiest = DashboardFrame.render(d, context: Self.context(r), options: DashboardOptions(width: 100, height: 10))
        #expect(busiest.hasPrefix("Function b · "))
        #expect(busiest.contains("function=b"))
        #expect(busiest.contains("Calls of b · 1h · count"))
        #expect(busiest.contains("│ 5 "))
        let given = DashboardFrame.render(d, variables: ["function": "a"], context: Self.context(r), options: DashboardOptions(width: 60, height: 10))
        #expect(given.contains("│ 3 "))
    }

    @Test func badQueriesShowTheirError() {
        let d = Dashboard(name: "e", title: "E", rows: [DashboardRow(panels: [DashboardPanel(title: "Bad", kind: .bar, query: "p99:m{")])])
        let frame = DashboardFrame.render(d, context: Self.context(Self.reader(series: 1, points: 1)), options: DashboardOptions(width: 80, height: 10))
        #expect(frame.contains("│ error: "))
    }
}

extension String {
    func components(of s: String) -> Int {
        var n = 0
        var rest = self[...]
        while let r = rest.firstRange(of: s) {
            n += 1
            rest = rest[r.upperBound...]
        }
        return n
    }

    func strippingANSI() -> String {
        var out = ""
        var i = startIndex
        while i < endIndex {
            if self[i] == "\u{1B}", let m = self[i...].firstIndex(of: "m") {
                i = index(after: m)
                continue
            }
            out.append(self[i])
            i = index(after: i)
        }
        return out
    }
}
