#if canImport(Glibc)
import Glibc
#endif
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A private `clickhouse-server` for one test: its own folder and free loopback ports, so a test
/// can stop it (to see the daemon spool) and start it again on the same data.
final class ClickHouseServer {
    /// Debian's path, or the one on PATH.
    static let binary: String? = {
        let candidates = ["/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/clickhouse-server" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The shared servers `.ci/clickhouse.sh start` runs: `host:port` of the single node and of a
    /// node of the 2-shard cluster `fathom_2s`.
    static let single = ProcessInfo.processInfo.environment["FATHOM_CLICKHOUSE"].flatMap { $0.isEmpty ? nil : $0 }
    static let cluster = ProcessInfo.processInfo.environment["FATHOM_CLICKHOUSE_CLUSTER"].flatMap { $0.isEmpty ? nil : $0 }

    let directory: URL
    let httpPort: Int
    let tcpPort: Int

    var address: String { "127.0.0.1:\(httpPort)" }

    init(directory: URL) throws {
        self.directory = directory
        httpPort = try freePort()
        var t = try freePort()
        while t == httpPort { t = try freePort() }
        tcpPort = t
        let d = directory.path
        for sub in ["data", "tmp", "log"] {
            try FileManager.default.createDirectory(atPath: "\(d)/\(sub)", withIntermediateDirectories: true)
        }
        try """
            <?xml version="1.0"?>
            <yandex>
                <logger><level>warning</level><log>\(d)/log/server.log</log><errorlog>\(d)/log/error.log</errorlog></logger>
                <http_port>\(httpPort)</http_port>
                <tcp_port>\(tcpPort)</tcp_port>
                <listen_host>127.0.0.1</listen_host>
                <path>\(d)/data/</path>
                <tmp_path>\(d)/tmp/</tmp_path>
                <users_config>\(d)/users.xml</users_config>
                <default_profile>default</default_profile>
                <default_database>default</default_database>
                <mark_cache_size>268435456</mark_cache_size>
            </yandex>
            """.write(toFile: "\(d)/config.xml", atomically: true, encoding: .utf8)
        try """
            <?xml version="1.0"?>
            <yandex>
                <profiles><default></default></profiles>
                <users><default><password></password><networks><ip>127.0.0.0/8</ip></networks>
                    <profile>default</profile><quota>default</quota></default></users>
                <quotas><default></default></quotas>
            </yandex>
            """.write(toFile: "\(d)/users.xml", atomically: true, encoding: .utf8)
    }

    /// The server's process id while it runs.
    private(set) var pid: pid_t?

    /// Starts the server and waits (up to 60 s) until it answers `/ping`.
    ///
    /// It is started through `sh`, detached, and not as a Foundation `Process`: clickhouse-server
    /// closes the descriptors it inherits, and Foundation takes the closing of its watch socket for
    /// the child's exit and blocks in `waitpid` on it, which stops it noticing any other child.
    func start() async throws {
        guard let binary = Self.binary else { throw POSIXError(.ENOENT) }
        let sh = Process()
        sh.executableURL = URL(fileURLWithPath: "/bin/sh")
        let d = directory.path
        sh.arguments = ["-c", "cd '\(d)' && setsid '\(binary)' --config-file='\(d)/config.xml' </dev/null >/dev/null 2>&1 & echo $!"]
        let out = Pipe()
        sh.standardOutput = out
        sh.standardError = FileHandle.nullDevice
        sh.standardInput = FileHandle.nullDevice
        try sh.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sh.waitUntilExit()
        pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if ping() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        let log = (try? String(contentsOfFile: directory.path + "/log/error.log", encoding: .utf8)) ?? ""
        throw NSError(domain: "ClickHouseServer", code: 1,
                      userInfo: [NSLocalizedDescriptionKey: "clickhouse-server did not start: \(log.suffix(2000))"])
    }

    /// Stops the server and waits until it is gone: SIGKILL at once (`crash`), else SIGTERM and
    /// SIGKILL after 20 s (ClickHouse 18.16 goes on answering queries for a while after SIGTERM).
    func stop(crash: Bool = false) {
        guard let p = pid else { return }
        pid = nil
        func alive() -> Bool {
            guard kill(p, 0) == 0 else { return false }
            // A zombie (not reaped yet) is gone for our purposes.
            let stat = (try? String(contentsOfFile: "/proc/\(p)/stat", encoding: .utf8)) ?? ""
            return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? false)
        }
        kill(p, crash ? SIGKILL : SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while alive() && Date() < deadline { usleep(50_000) }
        if alive() {
            kill(p, SIGKILL)
            while alive() { usleep(50_000) }
        }
    }

    /// Whether `/ping` answers now.
    func ping() -> Bool {
        guard let url = URL(string: "http://\(address)/ping") else { return false }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var ok = false
        let task = URLSession.shared.dataTask(with: url) { data, response, _ in
            ok = (response as? HTTPURLResponse)?.statusCode == 200 && data.map { String(decoding: $0, as: UTF8.self) } == "Ok.\n"
            done.signal()
        }
        task.resume()
        _ = done.wait(timeout: .now() + 2)
        return ok
    }

    deinit { stop() }
}
