import Foundation
import Testing

/// `fathom rules check` and `fathom alerts` on the bundled samples, pinned by golden files
/// (record with RECORD_GOLDEN=1 swift test --filter AlertsCLITests).
@Suite(.serialized)
struct AlertsCLITests {
    @Test func rulesCheck() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let good = try cli.run(["rules", "check", "samples/rules.yaml"])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        try expectGolden(good.stdout, "rules-check.txt")
        let bad = try cli.run(["rules", "check", "samples/rules.yaml", "Tests/FathomCLITests/Golden/rules-bad.yaml"])
        #expect(bad.status == 1)
        try expectGolden(bad.stdout, "rules-check-bad.txt")
        // eval refuses a bad file with exit code 2 and the same messages.
        let eval = try cli.run(["alerts", "eval", "--rules", "Tests/FathomCLITests/Golden/rules-bad.yaml"])
        #expect(eval.status == 2)
        #expect(eval.stderr.contains("rules-bad.yaml:6:"), "\(eval.stderr)")
    }

    @Test func evalOnTheSamples() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        #expect(try cli.run(["ingest", "samples"]).status == 0)
        let rules = ["--rules", "samples/rules.yaml"]
        let at = try cli.run(["alerts", "eval"] + rules + ["--at", "2026-11-20T10:30:00Z"])
        #expect(at.status == 1, "something fires at 10:30: \(at.stdout)\(at.stderr)")
        try expectGolden(at.stdout, "alerts-eval.txt")
        let json = try cli.run(["alerts", "eval"] + rules + ["--at", "2026-11-20T10:30:00Z", "--output", "json"])
        #expect(json.status == 1)
        try expectGolden(json.stdout, "alerts-eval.json")
        let timeline = try cli.run(
            ["alerts", "eval"] + rules + ["--from", "2026-11-20T10:00:00Z", "--at", "2026-11-20T11:10:00Z"])
        // Every threshold rule has resolved by 11:10; the canary rule's one-hour window still holds
        // checkout's last data (to 10:47), so its verdict still fails.
        #expect(timeline.status == 1, "the canary rule fires at 11:10: \(timeline.stdout)")
        #expect(timeline.stdout.hasPrefix("at 2026-11-20T11:10:00Z: 8 rules, 1 firing, 0 pending"), "\(timeline.stdout)")
        try expectGolden(timeline.stdout, "alerts-timeline.txt")
        // Before the data, nothing.
        let before = try cli.run(["alerts", "eval"] + rules + ["--at", "2026-11-20T09:00:00Z"])
        #expect(before.status == 0)
        #expect(before.stdout == "at 2026-11-20T09:00:00Z: 8 rules, 0 firing, 0 pending\n")
    }

    @Test func saveThenList() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        #expect(try cli.run(["ingest", "samples"]).status == 0)
        #expect(try cli.run(["alerts"]).stdout == "alerts: none\n")
        #expect(try cli.run(["alerts", "--history"]).stdout == "transitions: none\n")
        let args = ["alerts", "eval", "--rules", "samples/rules.yaml", "--at", "2026-11-20T10:30:00Z", "--save"]
        #expect(try cli.run(args).status == 1)
        let list = try cli.run(["alerts"])
        #expect(list.status == 0)
        try expectGolden(list.stdout, "alerts-list.txt")
        let everything = try cli.run(["alerts", "--all", "--output", "json"]).stdout
        #expect(everything.contains("\"state\": \"inactive\"") && everything.contains("\"state\": \"firing\""))
        let history = try cli.run(["alerts", "--history", "--limit", "5", "--output", "json"])
        try expectGolden(history.stdout, "alerts-history.json")
        // Saving the same evaluation again adds no transitions.
        let count = try cli.run(["alerts", "--history", "--limit", "1000"]).stdout.split(separator: "\n").count
        #expect(try cli.run(args).status == 1)
        #expect(try cli.run(["alerts", "--history", "--limit", "1000"]).stdout.split(separator: "\n").count == count)
    }
}
