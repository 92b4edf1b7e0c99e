import Foundation
import Testing

/// The read commands' output on the bundled `samples/`, pinned by golden files
/// (record with RECORD_GOLDEN=1 swift test --filter GoldenTests).
@Suite(.serialized)
struct GoldenTests {
    /// Ingests `samples/` into a fresh store.
    func ingested() throws -> CLIRunner {
        let cli = try CLIRunner()
        let r = try cli.run(["ingest", "samples"])
        #expect(r.status == 0, "\(r.stderr)")
        return cli
    }

    @Test func ingestSummary() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let r = try cli.run(["ingest", "samples"])
        #expect(r.status == 0)
        // The elapsed time varies from run to run.
        let stable = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("time:") }.joined(separator: "\n")
        try expectGolden(stable, "ingest.txt")
        // A second run finds every source already read and adds nothing.
        let again = try cli.run(["ingest", "samples"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("invocations:     0"), "\(again.stdout)")
        #expect(try cli.run(["functions"]).stdout == (try ingestedFunctions()))
    }

    func ingestedFunctions() throws -> String {
        let cli = try ingested()
        defer { cli.cleanUp() }
        return try cli.run(["functions"]).stdout
    }

    @Test func readCommands() throws {
        let cli = try ingested()
        defer { cli.cleanUp() }
        let cases: [(String, [String])] = [
            ("functions.txt", ["functions"]),
            ("functions.json", ["functions", "--output", "json"]),
            ("functions.csv", ["functions", "--output", "csv"]),
            ("query-p99-by-function.txt", ["query", "p99:fn.duration{*} by {function}", "--step", "30m"]),
            ("query-error-rate.json", ["query", "sum:fn.errors{*} by {function,version} / sum:fn.invocations{*} by {function,version} * 100", "--step", "1h", "--output", "json"]),
            ("query-rollup.csv", ["query", "sum:cache-hit{cache:redis}.rollup(sum, 900)", "--output", "csv"]),
            ("query-custom.txt", ["query", "sum:orders.items{*} by {channel}", "--step", "1h"]),
            ("trace.txt", ["trace", "ord-7731"]),
            ("trace.json", ["trace", "ord-7731", "--output", "json"]),
            ("metrics.txt", ["metrics"]),
            ("quarantine.txt", ["quarantine"]),
            ("quarantine.json", ["quarantine", "--output", "json"]),
        ]
        for (golden, args) in cases {
            let r = try cli.run(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            try expectGolden(r.stdout, golden)
        }
    }

    @Test func userMistakesGetClearMessages() throws {
        let cli = try ingested()
        defer { cli.cleanUp() }
        let q = try cli.run(["query", "p99:fn.duration{function:checkout by {version}"])
        #expect(q.status == 2)
        try expectGolden(q.stderr, "query-error.txt")
        let missing = try cli.run(["ingest", "no/such/file.log", "--quiet"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no/such/file.log"), "\(missing.stderr)")
        let trace = try cli.run(["trace", "no-such-id"])
        #expect(trace.status == 1)
        #expect(trace.stdout.contains("no-such-id"))
        let reason = try cli.run(["quarantine", "--reason", "nope"])
        #expect(reason.status == 2)
        #expect(reason.stderr.contains("unknown reason 'nope'"))
    }

    @Test func strictExitsNonZeroWhenAnythingWasQuarantined() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let r = try cli.run(["ingest", "--strict", "--quiet", "samples/real/orders-api.log"])
        #expect(r.status == 3)
        let clean = try cli.run(["ingest", "--strict", "--quiet", "--replay", "samples/real/inventory.log"])
        #expect(clean.status == 0, "\(clean.stderr)")
    }

    @Test func standardInputAndGzipByContent() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let log = try Data(contentsOf: CLIRunner.root.appendingPathComponent("samples/real/orders-api.log"))
        let r = try cli.run(["ingest", "--function", "orders-api", "--quiet"], stdin: log)
        #expect(r.status == 0, "\(r.stderr)")
        let gz = try Data(contentsOf: CLIRunner.root.appendingPathComponent("samples/real/firehose/payments-2026-11-20-10-00.gz"))
        let g = try cli.run(["ingest", "-", "--quiet"], stdin: gz)
        #expect(g.status == 0, "\(g.stderr)")
        let json = try CLIRunner.json(try cli.run(["functions", "--output", "json"]).stdout) as! [[String: Any]]
        let names = Set(json.map { "\($0["function"]!) \($0["version"]!) \($0["invocations"]!)" })
        #expect(names == ["orders-api 12 2", "orders-api 13 2", "payments 21 1"])
        // The same bytes again count nothing twice.
        _ = try cli.run(["ingest", "--function", "orders-api", "--quiet"], stdin: log)
        let again = try CLIRunner.json(try cli.run(["functions", "--output", "json"]).stdout) as! [[String: Any]]
        #expect(again.count == 3)
        #expect(again.map { $0["invocations"] as! Int }.reduce(0, +) == 5)
    }

    @Test func truncatedGzipKeepsWhatCameBefore() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        // A gzip of the orders-api sample cut in the middle.
        let plain = try Data(contentsOf: CLIRunner.root.appendingPathComponent("samples/real/orders-api.log"))
        let gz = cli.directory.appendingPathComponent("orders-api.log.gz")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -c > '\(gz.path)'"]
        let input = Pipe()
        p.standardInput = input
        try p.run()
        input.fileHandleForWriting.write(plain)
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        let whole = try Data(contentsOf: gz)
        try whole.prefix(whole.count * 2 / 3).write(to: gz)
        let r = try cli.run(["ingest", gz.path, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("truncated"), "\(r.stderr)")
        let q = try CLIRunner.json(try cli.run(["quarantine", "--output", "json"]).stdout) as! [String: Any]
        let counts = q["counts"] as! [String: Int]
        #expect(counts["truncated_input"] == 1)
        let f = try CLIRunner.json(try cli.run(["functions", "--output", "json"]).stdout) as! [[String: Any]]
        #expect(f.map { $0["invocations"] as! Int }.reduce(0, +) >= 1, "the complete invocations before the cut are kept")
        let strict = try cli.run(["ingest", gz.path, "--quiet", "--strict", "--replay"])
        #expect(strict.status == 3)
    }
}
