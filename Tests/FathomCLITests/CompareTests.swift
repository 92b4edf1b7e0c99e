import Foundation
import Testing

/// `fathom compare` on the bundled `samples/`: checkout 41 is slower than 40 (it fails once
/// enough invocations are allowed), user-api 42 is like 41 (it passes); at the default minimum of
/// 100 invocations per version both are inconclusive. Golden files pin every output form
/// (record with RECORD_GOLDEN=1 swift test --filter CompareTests).
@Suite(.serialized)
struct CompareTests {
    func ingested() throws -> CLIRunner {
        let cli = try CLIRunner()
        let r = try cli.run(["ingest", "samples", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        return cli
    }

    @Test func verdictsAndExitCodes() throws {
        let cli = try ingested()
        defer { cli.cleanUp() }
        let cases: [(String, [String], Int32)] = [
            // versions chosen automatically; too little traffic for the default minimum
            ("compare-inconclusive.txt", ["compare", "checkout"], 0),
            ("compare-fail.txt", ["compare", "checkout", "--min-invocations", "20"], 1),
            ("compare-fail.json", ["compare", "checkout", "--baseline", "40", "--canary", "41", "--min-invocations", "20", "--output", "json"], 1),
            ("compare-pass.txt", ["compare", "user-api", "--min-invocations", "20"], 0),
            ("compare-pass.csv", ["compare", "user-api", "--min-invocations", "20", "--output", "csv"], 0),
        ]
        for (golden, args, status) in cases {
            let r = try cli.run(args)
            #expect(r.status == status, "\(args): \(r.stderr)")
            try expectGolden(r.stdout, golden)
        }
        // The JSON has what CI pipelines read.
        let json = try cli.run(["compare", "checkout", "--min-invocations", "20", "--output", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["verdict"] as? String == "fail")
        #expect(object["baseline"] as? String == "40" && object["canary"] as? String == "41")
        #expect((object["score"] as? Double).map { $0 >= 0 && $0 <= 100 } == true)
        let metrics = try #require(object["metrics"] as? [[String: Any]])
        #expect(metrics.first?["name"] as? String == "duration.p50")
        for key in ["baseline", "canary", "change", "statistic", "p_value", "effect_size", "classification"] {
            #expect(metrics.first?[key] != nil, "\(key)")
        }
    }

    @Test func mistakesGetClearMessages() throws {
        let cli = try ingested()
        defer { cli.cleanUp() }
        let unknown = try cli.run(["compare", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown function 'nope'") && unknown.stderr.contains("checkout"), "\(unknown.stderr)")
        let version = try cli.run(["compare", "checkout", "--baseline", "40", "--canary", "99"])
        #expect(version.status == 2)
        #expect(version.stderr == "fathom: --canary: checkout has no version '99' (versions: 40, 41)\n", "\(version.stderr)")
        let single = try cli.run(["compare", "payments"])
        #expect(single.status == 2)
        #expect(single.stderr.contains("fewer than two versions with traffic") && single.stderr.contains("(versions: 21)"))
        let half = try cli.run(["compare", "checkout", "--baseline", "40"])
        #expect(half.status != 0 && half.stderr.contains("give both --baseline and --canary"))
        let same = try cli.run(["compare", "checkout", "--baseline", "40", "--canary", "40"])
        #expect(same.status != 0 && same.stderr.contains("the same version"))
    }
}
