import Foundation
import Testing

/// `fathom dashboard` over the bundled `samples/logs`, every shipped dashboard at two widths,
/// pinned by golden files (record with RECORD_GOLDEN=1 swift test --filter DashboardCLITests).
@Suite(.serialized)
struct DashboardCLITests {
    /// Inside the samples' range (10:00 to 10:46 on 2026-11-20).
    static let at = "2026-11-20T10:45:00Z"

    @Test func shippedDashboardsOverTheSamples() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let ingest = try cli.run(["ingest", "samples/logs", "--quiet"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let cases: [(String, [String])] = [
            ("overview", ["--rules", "samples/rules.yaml"]),
            ("function", ["--var", "function=checkout"]),
            ("canary", ["--var", "function=thumbnailer"]),
            ("cold-starts", []),
            ("pipeline", []),
        ]
        for (name, extra) in cases {
            for width in [80, 132] {
                let r = try cli.run(["dashboard", name, "--at", Self.at, "--width", "\(width)", "--height", "60"] + extra)
                #expect(r.status == 0, "\(name): \(r.stderr)")
                let lines = r.stdout.split(separator: "\n")
                #expect(lines.count <= 60)
                #expect(lines.allSatisfy { $0.count <= width }, "\(name) at \(width)")
                #expect(!r.stdout.contains("\u{1B}"))
                try expectGolden(r.stdout, "dashboard-\(name)-\(width).txt")
            }
        }
        // ASCII, and the size from the environment when not given.
        let ascii = try cli.run(["dashboard", "overview", "--at", Self.at, "--ascii"], environment: ["COLUMNS": "90", "LINES": "30"])
        #expect(ascii.status == 0)
        #expect(ascii.stdout.unicodeScalars.allSatisfy { $0.isASCII })
        let lines = ascii.stdout.split(separator: "\n")
        #expect(lines.count <= 30 && lines.allSatisfy { $0.count <= 90 })
        let dumb = try cli.run(["dashboard", "--at", Self.at, "--watch", "1s"], environment: ["TERM": "dumb"])
        #expect(dumb.status == 0, "not a terminal: one frame and exit, even with --watch")
        #expect(dumb.stdout.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(dumb.stdout.hasPrefix("Fathom overview | 2026-11-20 09:45 -> 2026-11-20 10:45 UTC (1h)"))
        // Away from the data, the frame says where it is.
        let away = try cli.run(["dashboard", "--at", "2026-11-25T00:00:00Z", "--width", "100"])
        #expect(away.stdout.contains("no data in this range; the data is from 2026-11-20 10:00 to 2026-11-20 10:47 UTC"), "\(away.stdout)")
    }

    @Test func listAndMistakes() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let list = try cli.run(["dashboard", "--list"])
        #expect(list.status == 0)
        try expectGolden(list.stdout, "dashboard-list.txt")
        let unknown = try cli.run(["dashboard", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no dashboard named 'nope'; known: canary, cold-starts, function, overview, pipeline"))
        let file = cli.directory.appendingPathComponent("bad.yaml")
        try "title: Bad\nrows:\n  - panels:\n      - title: X\n        kind: stat\n        query: sum:m{a by {b}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let bad = try cli.run(["dashboard", file.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.yaml:6:24: row 1 panel 1 query: expected '}' to close the tag filter, found 'by'"), "\(bad.stderr)")
        let badVar = try cli.run(["dashboard", "--var", "function"])
        #expect(badVar.status == 2)
    }
}
