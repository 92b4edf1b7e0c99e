import Foundation
import Testing

/// Fathom's own generator writes logs and the exact truth about them; after `fathom ingest` every
/// count must be exact, sums exact to 1e-9 relative, quantiles within the sketch's 1 % of the exact
/// value (under any usual rank convention), and traces must link exactly the generated request ids.
@Suite(.serialized)
struct TruthTests {
    static let start = 1_795_168_800.0

    @Test(arguments: [["--format", "text"], ["--format", "json"], ["--format", "cwl", "--gzip"]])
    func ingestedNumbersEqualTheTruth(_ formatArgs: [String]) throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let dir = cli.directory.appendingPathComponent("logs").path
        let truthPath = cli.directory.appendingPathComponent("truth.json").path
        let gen = try cli.run(["generate", "--seed", "11", "--invocations", "2500", "--functions", "4",
                               "--start", String(Int(Self.start)), "--out-dir", dir, "--truth", truthPath] + formatArgs)
        #expect(gen.status == 0, "\(gen.stderr)")
        let ingest = try cli.run(["ingest", dir, "--quiet"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let truth = try CLIRunner.json(String(contentsOfFile: truthPath, encoding: .utf8)) as! [String: Any]
        try checkFunctions(cli, truth)
        try checkMetrics(cli, truth)
        try checkTraces(cli, truth)

        // Ingesting the same files again counts nothing twice.
        let again = try cli.run(["ingest", dir, "--quiet"])
        #expect(again.status == 0)
        try checkFunctions(cli, truth)
    }

    /// One bucket holding all the data: the day of the generator's start.
    var window: [String] {
        let day = 86_400_000
        let from = Int(Self.start * 1000) / day * day
        return ["--from", String(from / 1000), "--to", String((from + day) / 1000), "--step", "1d"]
    }

    func checkFunctions(_ cli: CLIRunner, _ truth: [String: Any]) throws {
        let out = try cli.run(["functions", "--output", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let rows = try CLIRunner.json(out.stdout) as! [[String: Any]]
        let expected = truth["functions"] as! [[String: Any]]
        #expect(rows.count == expected.count)
        for t in expected {
            let key = "\(t["function"]!)/\(t["version"]!)"
            guard let row = rows.first(where: { "\($0["function"]!)/\($0["version"]!)" == key }) else {
                Issue.record("no row for \(key)")
                continue
            }
            for field in ["invocations", "errors", "timeouts", "cold_starts"] {
                #expect(int(row[field]) == int(t[field]), "\(key) \(field)")
            }
            #expect(num(row["billed_duration_ms"]) == num(t["billed_duration_ms"]), "\(key) billed")
            #expect(num(row["max_memory_used_mb"]) == num(t["max_memory_used_mb"]), "\(key) max memory")
            #expect(num(row["memory_mb"]) == num(t["memory_mb"]), "\(key) memory size")
            // The truth rounds cost to 9 decimals.
            #expect(abs(num(row["cost_usd"]) - num(t["cost_usd"])) <= 5.1e-10 + 1e-9 * num(t["cost_usd"]), "\(key) cost")
            for dist in ["duration_ms", "init_duration_ms"] {
                let td = t[dist] as! [String: Any]
                guard int(td["count"]) > 0 else { continue }
                guard let rd = row[dist] as? [String: Any] else {
                    Issue.record("\(key) has no \(dist)")
                    continue
                }
                #expect(int(rd["count"]) == int(td["count"]), "\(key) \(dist) count")
                expectClose(num(rd["sum"]), num(td["sum"]), 1e-9, "\(key) \(dist) sum")
                for q in ["p50", "p90", "p95", "p99"] {
                    expectQuantile(num(rd[q]), td["\(q)_range"], "\(key) \(dist) \(q)")
                }
            }
        }
    }

    func checkMetrics(_ cli: CLIRunner, _ truth: [String: Any]) throws {
        let expected = truth["metrics"] as! [[String: Any]]
        var byName: [String: [[String: Any]]] = [:]
        for m in expected { byName[m["metric"] as! String, default: []].append(m) }
        for (name, series) in byName {
            let tagKeys = Set(series.flatMap { ($0["tags"] as! [String]).map { String($0.split(separator: ":")[0]) } })
            let by = (["function", "version"] + tagKeys.sorted()).joined(separator: ",")
            var results: [String: [String: Double?]] = [:]
            for agg in ["count", "sum", "min", "max", "p50", "p90", "p99"] {
                let out = try cli.run(["query", "\(agg):\(name){*} by {\(by)}", "--output", "json"] + window)
                #expect(out.status == 0, "\(out.stderr)")
                let json = try CLIRunner.json(out.stdout) as! [String: Any]
                for s in json["series"] as! [[String: Any]] {
                    let tags = s["tags"] as! [String: String]
                    let points = s["points"] as! [[Any]]
                    #expect(points.count == 1, "\(name) by \(by): one bucket expected")
                    let key = tags.keys.sorted().map { "\($0):\(tags[$0]!)" }.joined(separator: ",")
                    results[key, default: [:]][agg] = points.first.flatMap { $0[1] as? Double }
                }
            }
            for t in series {
                var tags = ["function:\(t["function"]!)", "version:\(t["version"]!)"] + (t["tags"] as! [String])
                for k in tagKeys where !(t["tags"] as! [String]).contains(where: { $0.hasPrefix(k + ":") }) {
                    tags.append("\(k):none")
                }
                let key = tags.sorted().joined(separator: ",")
                guard let r = results[key] else {
                    Issue.record("\(name): no series \(key)")
                    continue
                }
                #expect(r["count"]! == num(t["count"]), "\(name) \(key) count")
                expectClose(r["sum"]! ?? .nan, num(t["sum"]), 1e-9, "\(name) \(key) sum")
                #expect(r["min"]! == num(t["min"]), "\(name) \(key) min")
                #expect(r["max"]! == num(t["max"]), "\(name) \(key) max")
                for q in ["p50", "p90", "p99"] {
                    expectQuantile(r[q]! ?? .nan, t["\(q)_range"], "\(name) \(key) \(q)")
                }
            }
        }
    }

    func checkTraces(_ cli: CLIRunner, _ truth: [String: Any]) throws {
        let traces = truth["traces"] as! [String: [[String: Any]]]
        #expect(!traces.isEmpty)
        for id in traces.keys.sorted().prefix(25) {
            let out = try cli.run(["trace", id, "--output", "json"])
            #expect(out.status == 0, "\(out.stderr)")
            let json = try CLIRunner.json(out.stdout) as! [String: Any]
            let spans = json["spans"] as! [[String: Any]]
            let got = Set(spans.map { $0["request_id"] as! String })
            let want = Set(traces[id]!.map { $0["request_id"] as! String })
            #expect(got == want, "trace \(id)")
            for s in spans { #expect(!(s["lines"] as! [Any]).isEmpty, "trace \(id): span without lines") }
        }
    }

    func int(_ x: Any?) -> Int { (x as? NSNumber)?.intValue ?? -1 }
    func num(_ x: Any?) -> Double { (x as? NSNumber)?.doubleValue ?? .nan }

    func expectClose(_ a: Double, _ b: Double, _ rel: Double, _ what: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(a - b) <= rel * max(abs(b), 1e-12), "\(what): \(a) vs \(b)", sourceLocation: sourceLocation)
    }

    /// Within 1 % of the exact value under some usual rank convention (the truth gives their range).
    func expectQuantile(_ est: Double, _ range: Any?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let r = range as? [NSNumber], r.count == 2 else {
            Issue.record("\(what): no range in the truth", sourceLocation: sourceLocation)
            return
        }
        let lo = r[0].doubleValue, hi = r[1].doubleValue
        let ok = est >= min(lo * 0.99, lo * 1.01) - 1e-9 && est <= max(hi * 1.01, hi * 0.99) + 1e-9
        #expect(ok, "\(what): \(est) not within 1 % of [\(lo), \(hi)]", sourceLocation: sourceLocation)
    }
}
