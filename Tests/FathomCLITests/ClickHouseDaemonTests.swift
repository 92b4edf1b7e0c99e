#if canImport(Glibc)
import Glibc
#endif
import FathomCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Daemons writing to ClickHouse, checked against the truth of the logs and against the embedded
/// store fed the same logs: two daemons into the 2-shard cluster, SIGKILL mid-stream, and
/// ClickHouse stopped for 30 s mid-stream. In the serialized process suite, like the other
/// long-running process tests; they wait with `Task.sleep`, so they do not hold a thread of the
/// cooperative pool that async tests need.
extension DaemonProcessTests {
    /// Two daemons tail different directories (the same functions, as from two hosts) into the
    /// cluster at once; a third process's `functions`, `query`, `trace` and `compare` equal what
    /// the embedded store gives for the same logs, and the counts equal the generators' truth.
    @Test(.enabled(if: ClickHouseServer.cluster != nil,
                   "FATHOM_CLICKHOUSE_CLUSTER is not set (bash .ci/clickhouse.sh start runs the test cluster)"))
    func twoDaemonsIntoTheClusterEqualTheEmbeddedStore() async throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let database = "fathom_it_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let url = "clickhouse://\(ClickHouseServer.cluster!)/\(database)?cluster=fathom_2s"
        defer { ClickHouseServer.execute(ClickHouseServer.cluster!, "DROP DATABASE IF EXISTS \(database)") }
        defer { ClickHouseServer.execute(ClickHouseServer.otherShard, "DROP DATABASE IF EXISTS \(database)") }

        var dirs: [String] = []
        var truths: [[String: Any]] = []
        var expectedLines = 0
        for (i, seed) in [61, 62].enumerated() {
            let dir = cli.directory.appendingPathComponent("host\(i)").path
            var g = try LogGenerator(GeneratorConfig(seed: seed, invocations: 900, functions: 3, seconds: 1800,
                                                     format: .text, outDir: "x"))
            let (files, truth) = g.run()
            for f in files { try append(dir + "/" + f.path!, f.bytes[...]) }
            expectedLines += files.reduce(0) { n, f in n + f.bytes.count(where: { $0 == 10 }) }
            truths.append(try CLIRunner.json(String(decoding: truth, as: UTF8.self)) as! [String: Any])
            dirs.append(dir)
        }
        var daemons: [(DaemonProcess, String)] = []
        defer { for (d, _) in daemons { d.killIfRunning() } }
        for (i, dir) in dirs.enumerated() {
            let port = try freePort()
            let d = try DaemonProcess(
                [dir, "--listen", "127.0.0.1:\(port)", "--poll", "20ms", "--scan-interval", "100ms", "--store", url,
                 "--spool", cli.directory.appendingPathComponent("spool\(i).sqlite").path], cli: cli)
            daemons.append((d, "http://127.0.0.1:\(port)"))
        }
        var read = 0
        for (d, address) in daemons {
            let st = try await waitForDrained(cli, url: address, timeout: 90)
            read += st?["lines"] as? Int ?? 0
            #expect((st?["spool"] as? [String: Any])?["batches"] as? Int == 0, "\(d.stderr)")
        }
        #expect(read == expectedLines, "the two daemons read every line")
        for (d, _) in daemons { #expect(d.terminate() == 0, "SIGTERM exits 0: \(d.stderr)") }

        let clean = cli.directory.appendingPathComponent("clean.sqlite").path
        let ingest = try cli.run(["ingest"] + dirs + ["--quiet", "--store", clean])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        var traces: [String: Int] = [:]
        for t in truths { traces.merge(truthTraces(t)) { a, _ in a } }
        try expectSameAnswers(cli, url, clean, traces: traces)

        // The truth of both generators, added up per function and version.
        var truth: [String: Int] = [:]
        for t in truths {
            for row in t["functions"] as! [[String: Any]] {
                truth["\(row["function"]!)/\(row["version"]!)", default: 0] += row["invocations"] as! Int
            }
        }
        let rows = try CLIRunner.json(cli.run(["functions", "--output", "json", "--store", url]).stdout) as? [[String: Any]] ?? []
        var found: [String: Int] = [:]
        for row in rows { found["\(row["function"]!)/\(row["version"]!)", default: 0] += row["invocations"] as! Int }
        #expect(found == truth, "invocations per function and version equal the generators' truth")
    }

    /// SIGKILL of a daemon writing to ClickHouse, three times mid-stream, restarted each time:
    /// nothing lost, nothing counted twice (the spool re-sends the flight it was sending, and the
    /// tables collapse the duplicate).
    @Test(.enabled(if: ClickHouseServer.single != nil,
                   "FATHOM_CLICKHOUSE is not set (bash .ci/clickhouse.sh start runs the test server)"))
    func killNineIntoClickHouseEqualsCleanIngest() async throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let database = "fathom_it_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let url = "clickhouse://\(ClickHouseServer.single!)/\(database)"
        defer { ClickHouseServer.execute(ClickHouseServer.single!, "DROP DATABASE IF EXISTS \(database)") }
        _ = try await streamWithInterruptions(cli, url: url, seed: 63) { daemon, _ in
            daemon.kill9()
            return nil
        }
    }

    /// ClickHouse stopped for 30 s while the logs keep coming: the daemon keeps reading into its
    /// spool, reports the backlog, and drains it when ClickHouse is back; nothing lost or doubled.
    @Test(.enabled(if: ClickHouseServer.binary != nil, "clickhouse-server is not installed"))
    func clickHouseDownForThirtySecondsLosesNothing() async throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let server = try ClickHouseServer(directory: cli.directory.appendingPathComponent("clickhouse"))
        defer { server.stop() }
        try await server.start()
        let url = "clickhouse://\(server.address)/fathom_outage"
        // ClickHouse dies (SIGKILL) at 15 % of the logs and comes back 30 s later; the rest of the logs
        // are written during those 30 s.
        // The writer pauses while the server is killed: a long partial-line timeout keeps a pause
        // mid-line from flushing half a line as a line (as documented).
        let outage = try await streamWithInterruptions(
            cli, url: url, seed: 64, interruptions: 1, partialLineTimeout: "5m"
        ) { _, _ in
            server.stop(crash: true)
            return Outage(seconds: 30) { try await server.start() }
        }
        let spool = outage?["spool"] as? [String: Any]
        #expect((spool?["batches"] as? Int ?? 0) > 0, "batches waited in the spool while ClickHouse was down: \(String(describing: spool))")
        #expect(spool?["connected"] as? Bool == false, "the status said ClickHouse was unreachable")
        #expect((spool?["failed_attempts"] as? Int ?? 0) > 0)
    }

    // MARK: - Helpers

    /// Appends generated logs in pieces while a daemon writes to `url`, calling `interrupt` (with
    /// the daemon and its status URL) at `interruptions` moments mid-stream and restarting the
    /// daemon if it is gone; then waits for the spool to drain and compares every answer with a
    /// clean embedded ingest of the same files.
    func streamWithInterruptions(
        _ cli: CLIRunner, url: String, seed: UInt64, interruptions: Int = 3, partialLineTimeout: String = "20s",
        interrupt: (DaemonProcess, String) async throws -> Outage?
    ) async throws -> [String: Any]? {
        let logs = cli.directory.appendingPathComponent("logs").path
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        var g = try LogGenerator(GeneratorConfig(seed: Int(seed), invocations: 900, functions: 3, seconds: 900,
                                                 format: .text, outDir: "x"))
        let (files, truthBytes) = g.run()
        let truth = try CLIRunner.json(String(decoding: truthBytes, as: UTF8.self)) as? [String: Any] ?? [:]
        let expectedLines = files.reduce(0) { n, f in n + f.bytes.count(where: { $0 == 10 }) }
        let port = try freePort()
        let status = "http://127.0.0.1:\(port)"
        let spool = cli.directory.appendingPathComponent("spool.sqlite").path
        let args = [logs, "--listen", "127.0.0.1:\(port)", "--poll", "20ms", "--scan-interval", "100ms",
                    "--partial-line-timeout", partialLineTimeout, "--store", url, "--spool", spool]
        var daemon = try DaemonProcess(args, cli: cli)
        defer { daemon.killIfRunning() }
        var rng = ProcessTestRNG(seed: seed)
        var offsets = [Int](repeating: 0, count: files.count)
        let total = files.reduce(0) { n, f in n + f.bytes.count }
        var written = 0
        let marks = (0..<interruptions).map { k in total * (15 + 70 * k / max(interruptions, 1)) / 100 }
        var next = 0
        // An outage under way: when it ends, how to end it, and the last status seen during it.
        var outage: (ends: Date, end: () async throws -> Void)? = nil
        var seenDuringOutage: [String: Any]? = nil
        var sampled = Date.distantPast
        func watchOutage(force: Bool) async throws {
            guard let o = outage else { return }
            if Date().timeIntervalSince(sampled) >= 0.5 {
                sampled = Date()
                seenDuringOutage = try statusJSON(cli, url: status) ?? seenDuringOutage
            }
            if force || Date() >= o.ends {
                while Date() < o.ends {
                    try await Task.sleep(for: .milliseconds(500))
                    seenDuringOutage = try statusJSON(cli, url: status) ?? seenDuringOutage
                }
                outage = nil
                try await o.end()
            }
        }
        while let i = files.indices.filter({ offsets[$0] < files[$0].bytes.count }).randomElement(using: &rng) {
            let n = Swift.min(Int.random(in: 1...900, using: &rng), files[i].bytes.count - offsets[i])
            try append(logs + "/" + files[i].path!, files[i].bytes[offsets[i]..<(offsets[i] + n)])
            offsets[i] += n
            written += n
            // During an outage the writes are spread over it (the writer is slower than the outage).
            try await Task.sleep(for: .milliseconds(outage == nil ? 2 : 20))
            try await watchOutage(force: false)
            if next < marks.count && written >= marks[next] {
                next += 1
                _ = try statusJSON(cli, url: status)
                if let o = try await interrupt(daemon, status) {
                    outage = (Date().addingTimeInterval(o.seconds), o.end)
                }
                if !daemon.process.isRunning { daemon = try DaemonProcess(args, cli: cli) }
            }
        }
        try await watchOutage(force: true)
        #expect(next == interruptions)
        let st = try await waitForDrained(cli, url: status, lines: expectedLines, timeout: 120)
        #expect(st?["lines"] as? Int == expectedLines, "the daemon read every line: \(daemon.stderr.suffix(2000))")
        #expect((st?["spool"] as? [String: Any])?["batches"] as? Int == 0, "the spool drained")
        #expect(daemon.terminate() == 0, "SIGTERM exits 0: \(daemon.stderr.suffix(2000))")
        let clean = cli.directory.appendingPathComponent("clean.sqlite").path
        let ingest = try cli.run(["ingest", logs, "--quiet", "--store", clean])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        try expectSameAnswers(cli, url, clean, traces: truthTraces(truth))
        return seenDuringOutage
    }

    /// `functions`, `query`, `metrics`, `trace` and `compare` give the same JSON on both stores
    /// (counts exactly; sums within rounding, since they may add in another order); each trace of
    /// `traces` (id → hops, from the generator's truth) has its hops.
    private func expectSameAnswers(_ cli: CLIRunner, _ url: String, _ clean: String, traces: [String: Int]) throws {
        var commands = [["functions", "--output", "json"],
                        ["query", "sum:fn.invocations{*} by {function,version}", "--output", "json"],
                        ["query", "sum:fn.errors{*} by {function,version}", "--output", "json"],
                        ["query", "p99:fn.duration{*} by {function}", "--output", "json"],
                        ["metrics", "--output", "json"]]
        let rows = try CLIRunner.json(cli.run(["functions", "--output", "json", "--store", clean]).stdout) as? [[String: Any]] ?? []
        if let function = rows.first?["function"] as? String {
            commands.append(["compare", function, "--output", "json", "--min-invocations", "10"])
        }
        for id in traces.keys.sorted().prefix(3) { commands.append(["trace", id, "--output", "json"]) }
        for command in commands {
            let mine = try cli.run(command + ["--store", url])
            let theirs = try cli.run(command + ["--store", clean])
            #expect(mine.status == theirs.status, "\(command): \(mine.stderr) | \(theirs.stderr)")
            #expect(theirs.stdout.count > 2, "\(command) has an answer")
            try expectSameJSON(mine.stdout, theirs.stdout, command.prefix(2).joined(separator: " "))
            if command[0] == "query" && !command[1].hasPrefix("p99") {
                #expect(mine.stdout == theirs.stdout, "counts are exact: \(command[1])")
            }
            if command[0] == "trace", let hops = traces[command[1]] {
                let found = try CLIRunner.json(mine.stdout)
                let n = (found as? [String: Any])?["spans"] as? [Any] ?? []
                #expect(n.count == hops, "trace \(command[1]) has its \(hops) hops")
            }
        }
    }
}

/// id → number of hops of the traces in a generator's truth.
func truthTraces(_ truth: [String: Any]) -> [String: Int] {
    (truth["traces"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? [Any])?.count }
}

/// A store outage a test causes: how long it lasts, and how it ends.
struct Outage {
    var seconds: Double
    var end: () async throws -> Void
}

/// Waits until the daemon has read `lines` (when given) and its spool is empty; the last status.
func waitForDrained(_ cli: CLIRunner, url: String, lines: Int? = nil, timeout: Double) async throws -> [String: Any]? {
    let deadline = Date().addingTimeInterval(timeout)
    var last: [String: Any]? = nil
    var quiet = 0
    while Date() < deadline {
        if let st = try statusJSON(cli, url: url) {
            last = st
            let drained = st["spool"] == nil || (st["spool"] as? [String: Any])?["batches"] as? Int == 0
            let read = lines.map { st["lines"] as? Int == $0 } ?? (st["caught_up"] as? Bool ?? true)
            // Three polls in a row with everything read and sent.
            quiet = drained && read ? quiet + 1 : 0
            if quiet >= 3 { return st }
        }
        try await Task.sleep(for: .milliseconds(300))
    }
    return last
}

extension ClickHouseServer {
    /// The cluster's other shard (the script's layout: 127.0.0.2 and 127.0.0.3 on one port).
    static var otherShard: String {
        (cluster ?? "").replacingOccurrences(of: "127.0.0.2", with: "127.0.0.3")
    }

    /// Runs one statement on `address` (host:port), ignoring the answer: for cleaning up.
    static func execute(_ address: String, _ sql: String) {
        guard let url = URL(string: "http://\(address)/") else { return }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(sql.utf8)
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, _, _ in done.signal() }.resume()
        _ = done.wait(timeout: .now() + 10)
    }
}
