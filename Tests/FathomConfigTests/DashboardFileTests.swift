import FathomConfig
import FathomCore
import Foundation
import Testing

@Suite struct DashboardFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func errors(_ text: String) -> [String] {
        do {
            _ = try DashboardFile.parse(text, file: "d.yaml", name: "d")
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func aGoodFileReads() throws {
        let d = try DashboardFile.parse(
            """
            title: Mine
            description: Just one.
            range: 30m
            variables:
              function: checkout
              version: ~
            rows:
              - title: Top
                panels:
                  - title: Calls
                    kind: stat
                    query: sum:fn.invocations{function:$function,version:${version}}
                    unit: count
                    range: 5m
                  - title: Versions
                    kind: table
                    limit: 3
                    columns:
                      - title: p99
                        query: 'p99:fn.duration{function:$function} by {version}'
                        unit: ms
                  - title: Verdict
                    kind: canary
                    baseline: "40"
            """, file: "d.yaml", name: "mine")
        #expect(d.name == "mine" && d.title == "Mine" && d.description == "Just one." && d.range == 1_800_000)
        #expect(d.variables == [DashboardVariable(name: "function", defaultValue: "checkout"), DashboardVariable(name: "version", defaultValue: nil)])
        #expect(d.rows.count == 1 && d.rows[0].title == "Top")
        let p = d.rows[0].panels
        #expect(p[0] == DashboardPanel(title: "Calls", kind: .stat, query: "sum:fn.invocations{function:$function,version:${version}}", range: 300_000, unit: .count))
        #expect(p[1].columns == [DashboardColumn(title: "p99", query: "p99:fn.duration{function:$function} by {version}", unit: .ms)])
        #expect(p[1].limit == 3)
        #expect(p[2].kind == .canary && p[2].function == "$function" && p[2].baseline == "40" && p[2].canary == "")
    }

    @Test func everyMistakeHasItsPlace() {
        let text = """
            title: Broken
            rnage: 1h
            variables:
              function: "*"
            rows:
              - panels:
                  - title: A
                    kind: sparkline
                    query: sum:m{*}
                  - title: B
                    kind: stat
                    query: p99:fn.duration{function:checkout by {version}
                  - title: C
                    kind: bar
                    query: "sum:m{function:$fucntion}"
                    unit: parsecs
                  - title: D
                    kind: alerts
                    query: sum:m{*}
                  - title: E
                    kind: timeseries
            """
        #expect(errors(text) == [
            "d.yaml:2:1: the dashboard: unknown key 'rnage' (did you mean 'range'?); expected one of title, description, range, variables, rows",
            "d.yaml:8:15: row 1 panel 1: unknown panel kind 'sparkline'; expected one of stat, timeseries, bar, table, topn, alerts, canary",
            "d.yaml:12:50: row 1 panel 2 query: expected '}' to close the tag filter, found 'by'",
            "d.yaml:15:32: row 1 panel 3 query: unknown variable '$fucntion' (did you mean '$function'?); declared: $function",
            "d.yaml:16:15: row 1 panel 3 unit must be one of ms, %, count, USD, MB, s, found 'parsecs'",
            "d.yaml:19:16: row 1 panel 4: a alerts panel takes no query",
            "d.yaml:20:9: row 1 panel 5: a timeseries panel needs a query",
        ])
    }

    @Test func missingPartsAndBadYAML() {
        #expect(errors("") == ["d.yaml:1:1: the file is empty; a dashboard needs a title and rows"])
        #expect(errors("title: x\n").first == "d.yaml:1:1: the dashboard: 'rows' is required")
        #expect(errors("title: x\nrows: [\n").first?.hasPrefix("d.yaml:") == true)
        #expect(errors("title: x\nrows: []\n") == ["d.yaml:2:7: rows: a dashboard needs at least one row"])
    }

    @Test func shippedDashboardsLoadAndMatchTheEmbeddedCopies() throws {
        let dir = Self.root.appendingPathComponent("dashboards")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == ["canary.yaml", "cold-starts.yaml", "function.yaml", "overview.yaml", "pipeline.yaml"])
        #expect(BuiltinDashboards.files.map(\.name) == files)
        for (name, text) in BuiltinDashboards.files {
            let onDisk = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            #expect(onDisk == text, "\(name) differs from its embedded copy: run sh dashboards/embed.sh")
            let d = try DashboardFile.parse(text, file: name, name: DashboardFile.name(ofFile: name))
            #expect(!d.rows.isEmpty && !d.description.isEmpty)
        }
    }

    @Test func catalogFindsFilesThenDirectoriesThenBuiltIn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-dash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let mine = "title: My overview\nrows:\n  - panels:\n      - title: A\n        kind: alerts\n"
        try mine.write(to: dir.appendingPathComponent("overview.yaml"), atomically: true, encoding: .utf8)
        try "title: [\n".write(to: dir.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let catalog = DashboardCatalog(directories: [dir.path])
        #expect(try catalog.load("overview").title == "My overview")
        #expect(try catalog.load("pipeline").title == "Fathom pipeline")
        #expect(try catalog.load(dir.appendingPathComponent("overview.yaml").path).title == "My overview")
        #expect(throws: DashboardCatalog.NotFound.self) { try catalog.load("nope") }
        #expect(throws: ConfigErrors.self) { try catalog.load("broken") }
        let names = catalog.entries().map(\.name)
        #expect(names == ["broken", "canary", "cold-starts", "function", "overview", "pipeline"])
        #expect(catalog.listing().contains("pipeline     Fathom pipeline\n"))
        let standard = DashboardCatalog.standard(directory: nil, environment: ["FATHOM_DASHBOARDS": "/x"])
        #expect(standard.directories == ["/x", "dashboards"])
    }

    @Test func renderByName() throws {
        let text = try DashboardCatalog(directories: []).render(
            "pipeline", context: DashboardContext(reader: InMemoryMetricReader(), at: 3_600_000, dataRange: nil),
            options: DashboardOptions(width: 80, height: 40))
        #expect(text.hasPrefix("Fathom pipeline · 1970-01-01 00:00 → 1970-01-01 01:00 UTC (1h)"))
        #expect(text.contains("no data in this window"))
    }
}
