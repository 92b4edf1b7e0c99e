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
    private var process: Process?

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

    /// Starts the server and waits (up to 60 s) until it answers `/ping`.
    func start() async throws {
        guard let binary = Self.binary else { throw POSIXError(.ENOENT) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["--config-file=\(directory.path)/config.xml"]
        p.currentDirectoryURL = directory
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if ping() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        let log = (try? String(contentsOfFile: directory.path + "/log/error.log", encoding: .utf8)) ?? ""
        throw NSError(domain: "ClickHouseServer", code: 1,
                      userInfo: [NSLocalizedDescriptionKey: "clickhouse-server did not start: \(log.suffix(2000))"])
    }

    /// Stops the server (SIGTERM, then SIGKILL after 20 s) and waits for it to be gone.
    func stop() {
        guard let p = process, p.isRunning else { return }
        kill(p.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        process = nil
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
