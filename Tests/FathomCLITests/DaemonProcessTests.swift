#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FathomCore
import Foundation
import Testing

/// `fathom daemon` as a process: killed with SIGKILL at random moments while a writer appends,
/// stopped with SIGTERM, reloaded with SIGHUP. What it stores must equal `fathom ingest` of the
/// same files.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: CLIRunner.binary.path),
                              "the fathom executable is not built next to the tests"))
struct DaemonProcessTests {
    /// Appends generated logs in random pieces at a steady pace, kills the daemon with SIGKILL
    /// 5 times (writing on while it is down), and compares with a clean `fathom ingest`.
    @Test func killNineWhileWritingEqualsCleanIngest() async throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let logs = cli.directory.appendingPathComponent("logs").path
        var g = try LogGenerator(GeneratorConfig(seed: 51, invocations: 1200, functions: 3, seconds: 600,
                                                 format: .text, outDir: "x"))
        let files = g.run().files
        let expectedLines = files.reduce(0) { n, f in n + f.bytes.count(where: { $0 == 10 }) }
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let port = try freePort()
        // Every file ends with a newline; a long partial-line timeout keeps a writer starved on a
        // loaded machine from having half a line flushed as a line of its own.
        let args = [logs, "--listen", "127.0.0.1:\(port)", "--poll", "20ms", "--scan-interval", "100ms",
                    "--partial-line-timeout", "20s", "--store", cli.store]
        var daemon = try DaemonProcess(args, cli: cli)
        defer { daemon.killIfRunning() }

        var rng = ProcessTestRNG(seed: 51)
        var offsets = [Int](repeating: 0, count: files.count)
        let total = files.reduce(0) { n, f in n + f.bytes.count }
        var written = 0
        let kills = (0..<5).map { k in total * (10 + 16 * k) / 100 + Int.random(in: 0..<(total / 10), using: &rng) }
        var nextKill = 0
        var killed = 0
        var linesAtKill: [Int] = [], inFlightAtKill: [Int] = []
        while let i = files.indices.filter({ offsets[$0] < files[$0].bytes.count }).randomElement(using: &rng) {
            let f = files[i]
            let n = Swift.min(Int.random(in: 1...700, using: &rng), f.bytes.count - offsets[i])
            try append(logs + "/" + f.path!, f.bytes[offsets[i]..<(offsets[i] + n)])
            offsets[i] += n
            written += n
            // An async pause: the test does not hold a thread of the cooperative pool while it writes.
            try await Task.sleep(for: .milliseconds(3))
            if nextKill < kills.count && written >= kills[nextKill] {
                nextKill += 1
                if let st = try statusJSON(cli, url: "http://127.0.0.1:\(port)") {
                    linesAtKill.append(st["lines"] as? Int ?? -1)
                    inFlightAtKill.append(st["in_flight"] as? Int ?? -1)
                }
                daemon.kill9()
                killed += 1
                // Written while it is down.
                for _ in 0..<Int.random(in: 0...40, using: &rng) {
                    guard let j = files.indices.filter({ offsets[$0] < files[$0].bytes.count }).randomElement(using: &rng)
                    else { break }
                    let m = Swift.min(Int.random(in: 1...700, using: &rng), files[j].bytes.count - offsets[j])
                    try append(logs + "/" + files[j].path!, files[j].bytes[offsets[j]..<(offsets[j] + m)])
                    offsets[j] += m
                    written += m
                }
                daemon = try DaemonProcess(args, cli: cli)
            }
        }
        #expect(killed == kills.count)
        // The kills came mid-stream: most instances had read (and committed) some lines, not all.
        #expect(linesAtKill.count >= 3, "the daemon answered before most kills")
        #expect(zip(linesAtKill, linesAtKill.dropFirst()).allSatisfy { $0 <= $1 }, "lines at the kills: \(linesAtKill)")
        #expect(linesAtKill.filter { $0 > 0 && $0 < expectedLines }.count >= 3, "lines at the kills: \(linesAtKill)")
        #expect(inFlightAtKill.contains { $0 > 0 }, "invocations in flight at a kill: \(inFlightAtKill)")
        let url = "http://127.0.0.1:\(port)"
        let status = try waitForLines(cli, url: url, lines: expectedLines, timeout: 40)
        #expect(status?["lines"] as? Int == expectedLines, "the daemon read every line")
        #expect(status?["commit_failures"] as? Int == 0)
        #expect(daemon.terminate() == 0, "SIGTERM exits 0: \(daemon.stderr)")

        let clean = cli.directory.appendingPathComponent("clean.sqlite").path
        let ingest = try cli.run(["ingest", logs, "--quiet", "--store", clean])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        for command in [["functions", "--output", "json"],
                        ["query", "sum:fn.invocations{*} by {function}", "--output", "json"],
                        ["query", "sum:fn.errors{*} by {function,version}", "--output", "json"],
                        ["metrics", "--output", "json"]] {
            let mine = try cli.run(command + ["--store", cli.store])
            let theirs = try cli.run(command + ["--store", clean])
            #expect(mine.status == 0 && theirs.status == 0, "\(command): \(mine.stderr) \(theirs.stderr)")
            try expectSameJSON(mine.stdout, theirs.stdout, "\(command[0]) \(command[1])")
            if command[0] == "query" { #expect(mine.stdout == theirs.stdout, "counts are exact: \(command[1])") }
        }
        let stored = try cli.run(["status", "--output", "json", "--store", cli.store])
        let st = try CLIRunner.json(stored.stdout) as? [String: Any]
        let rows = try CLIRunner.json(cli.run(["functions", "--output", "json", "--store", clean]).stdout) as? [[String: Any]]
        let invocations = rows?.reduce(0) { $0 + (($1["invocations"] as? Int) ?? 0) }
        #expect(st?["lines"] as? Int == expectedLines)
        #expect(st?["invocations"] as? Int == invocations, "the committed counters equal the clean run")
        #expect((invocations ?? 0) >= 1200)
    }

    /// SIGTERM: the last cycle is committed and the process exits 0; `fathom status` reads the
    /// committed counters from the store.
    @Test func sigtermCommitsAndExitsZero() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let logs = cli.directory.appendingPathComponent("logs").path
        var g = try LogGenerator(GeneratorConfig(seed: 52, invocations: 200, functions: 2, seconds: 600,
                                                 format: .text, outDir: "x"))
        let files = g.run().files
        for f in files { try append(logs + "/" + f.path!, f.bytes[...]) }
        let lines = files.reduce(0) { n, f in n + f.bytes.count(where: { $0 == 10 }) }
        let port = try freePort()
        let daemon = try DaemonProcess([logs, "--listen", "127.0.0.1:\(port)", "--poll", "20ms", "--scan-interval", "100ms"],
                                       cli: cli)
        defer { daemon.killIfRunning() }
        let live = try waitForLines(cli, url: "http://127.0.0.1:\(port)", lines: lines, timeout: 20)
        #expect(live?["lines"] as? Int == lines)
        #expect(daemon.terminate() == 0, "exit status: \(daemon.stderr)")
        let out = try cli.run(["status", "--output", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let st = try CLIRunner.json(out.stdout) as? [String: Any]
        #expect(st?["lines"] as? Int == lines)
        #expect(st?["invocations"] as? Int == live?["invocations"] as? Int)
        #expect(st?["in_flight"] as? Int == 0)
    }

    /// SIGHUP re-reads the settings file: a file the old include glob left out is then read.
    @Test func sighupReloadsIncludeGlobs() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let logs = cli.directory.appendingPathComponent("logs").path
        var g = try LogGenerator(GeneratorConfig(seed: 53, invocations: 150, functions: 2, seconds: 600,
                                                 format: .text, outDir: "x"))
        let files = g.run().files
        let late = files[0]
        let latePath = logs + "/" + late.path!.replacingOccurrences(of: ".log", with: ".txt")
        try append(latePath, late.bytes[...])
        for f in files.dropFirst() { try append(logs + "/" + f.path!, f.bytes[...]) }
        let lateLines = late.bytes.count(where: { $0 == 10 })
        let logLines = files.dropFirst().reduce(0) { n, f in n + f.bytes.count(where: { $0 == 10 }) }
        let port = try freePort()
        let config = cli.directory.appendingPathComponent("daemon.yaml").path
        func settings(_ include: String) -> String {
            "paths: [\"\(logs)\"]\ninclude: [\(include)]\nlisten: 127.0.0.1:\(port)\npoll: 20ms\nscan_interval: 100ms\n"
        }
        try settings("\"*.log\"").write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(["--config", config], cli: cli)
        defer { daemon.killIfRunning() }
        let url = "http://127.0.0.1:\(port)"
        let first = try waitForLines(cli, url: url, lines: logLines, timeout: 20)
        #expect(first?["lines"] as? Int == logLines)
        usleep(400_000)  // a few more scans: the .txt file stays unread
        #expect(try statusJSON(cli, url: url)?["lines"] as? Int == logLines)

        try settings("\"*.log\", \"*.txt\"").write(toFile: config, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        let after = try waitForLines(cli, url: url, lines: logLines + lateLines, timeout: 20)
        #expect(after?["lines"] as? Int == logLines + lateLines, "the newly included file was read")
        #expect((after?["file_events"] as? [String: Any])?["reloaded"] as? Int == 1)
        #expect(daemon.terminate() == 0)
    }
}

// MARK: - Helpers

/// A `fathom daemon` child process with its standard error in a file.
final class DaemonProcess {
    let process = Process()
    let errURL: URL

    init(_ args: [String], cli: CLIRunner) throws {
        errURL = cli.directory.appendingPathComponent("daemon-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = CLIRunner.binary
        process.arguments = ["daemon"] + args
        var env = ProcessInfo.processInfo.environment
        env["FATHOM_STORE"] = cli.store
        env["NO_COLOR"] = "1"
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
    }

    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// SIGKILL, and wait for it to be gone.
    func kill9() {
        signal(SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM; the exit status, or nil (and SIGKILL) if it did not exit within `timeout` seconds.
    func terminate(timeout: Double = 15) -> Int32? {
        signal(SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill9()
            return nil
        }
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    func killIfRunning() { if process.isRunning { kill9() } }
}

/// `fathom status --url` as JSON, nil while the daemon does not answer.
func statusJSON(_ cli: CLIRunner, url: String) throws -> [String: Any]? {
    let r = try cli.run(["status", "--url", url, "--output", "json"])
    guard r.status == 0 else { return nil }
    return try? CLIRunner.json(r.stdout) as? [String: Any]
}

/// Polls the daemon's status until it has read `lines` lines; the last status seen.
func waitForLines(_ cli: CLIRunner, url: String, lines: Int, timeout: Double) throws -> [String: Any]? {
    let deadline = Date().addingTimeInterval(timeout)
    var last: [String: Any]? = nil
    while Date() < deadline {
        if let s = try statusJSON(cli, url: url) {
            last = s
            if (s["lines"] as? Int ?? -1) >= lines { return s }
        }
        usleep(200_000)
    }
    Issue.record("timed out waiting for \(lines) lines; last status: \(last.map { "\($0["lines"] ?? "?") lines" } ?? "none")")
    return last
}

func append(_ path: String, _ bytes: ArraySlice<UInt8>) throws {
    let dir = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(fd) }
    let a = Array(bytes)
    var done = 0
    while done < a.count {
        let n = a.withUnsafeBytes { write(fd, $0.baseAddress! + done, a.count - done) }
        guard n > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        done += n
    }
}

/// A TCP port nobody listens on right now (bound to 0, read back, released).
func freePort() throws -> Int {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw POSIXError(.EIO) }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    let named = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    guard named == 0 else { throw POSIXError(.EIO) }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Compares two JSON documents: numbers within 1e-9 relative (sums may add in another order),
/// everything else exactly.
func expectSameJSON(_ a: String, _ b: String, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    // Fathom's own series (fathom.lines, …) are timed by each run's clock: not compared.
    func own(_ v: Any) -> Any {
        guard let rows = v as? [[String: Any]] else { return v }
        return rows.filter { !(($0["name"] as? String)?.hasPrefix("fathom.") ?? false) }
    }
    let x = own(try CLIRunner.json(a)), y = own(try CLIRunner.json(b))
    var diffs: [String] = []
    func walk(_ p: Any, _ q: Any, _ path: String) {
        switch (p, q) {
        case let (p as [String: Any], q as [String: Any]):
            if Set(p.keys) != Set(q.keys) { diffs.append("\(path): keys \(p.keys.sorted()) vs \(q.keys.sorted())"); return }
            for k in p.keys.sorted() { walk(p[k]!, q[k]!, path + "." + k) }
        case let (p as [Any], q as [Any]):
            if p.count != q.count { diffs.append("\(path): \(p.count) vs \(q.count) elements"); return }
            for i in p.indices { walk(p[i], q[i], path + "[\(i)]") }
        case let (p as NSNumber, q as NSNumber):
            let u = p.doubleValue, v = q.doubleValue
            if !(u == v || abs(u - v) <= 1e-9 * max(abs(u), abs(v))) { diffs.append("\(path): \(p) vs \(q)") }
        default:
            if "\(p)" != "\(q)" { diffs.append("\(path): \(p) vs \(q)") }
        }
    }
    walk(x, y, "$")
    #expect(diffs.isEmpty, "\(label): \(diffs.count) differences, first: \(diffs.prefix(5))", sourceLocation: sourceLocation)
}

/// The writer's choices: the generator's own deterministic PRNG.
typealias ProcessTestRNG = GenRandom
