import FathomCore
import FathomStore
import Foundation
import Testing

// ┌─────────────────────────────────────────────────────────────────────────────────────────────┐
// │ CLICKHOUSE: compiled in once the test target depends on "FathomClickHouse" (and on           │
// │ .product(name: "Logging", package: "swift-log")) in Package.swift. Runs when                │
// │ FATHOM_CLICKHOUSE=host:port is set (e.g. 127.0.0.1:18123); otherwise `clickHouseSkipped`     │
// │ shows as a skipped test with the reason.                                                    │
// └─────────────────────────────────────────────────────────────────────────────────────────────┘
#if canImport(FathomClickHouse)
import FathomClickHouse
import Logging
#endif

/// One store engine the conformance cases run against: a name, and a factory for a fresh, empty
/// store together with what removes it afterwards.
struct Backend: Sendable, CustomStringConvertible, CustomTestStringConvertible {
    let name: String
    let make: @Sendable () throws -> (store: any Store, cleanup: @Sendable () -> Void)

    var description: String { name }
    var testDescription: String { name }

    /// A fresh temporary SQLite file.
    static let embedded = Backend(name: "embedded") {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("fathom-conf-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try EmbeddedStore(path: dir.appendingPathComponent("fathom.sqlite").path)
        return (store, { try? FileManager.default.removeItem(at: dir) })
    }

    /// `host:port` of the ClickHouse server the ClickHouse backend uses, if set.
    static let clickHouseAddress: String? = {
        let v = ProcessInfo.processInfo.environment["FATHOM_CLICKHOUSE"] ?? ""
        return v.isEmpty ? nil : v
    }()

    /// Whether this build has the ClickHouse engine at all.
    static var clickHouseCompiled: Bool {
        #if canImport(FathomClickHouse)
        true
        #else
        false
        #endif
    }

    /// Why the ClickHouse backend is not in ``all`` (nil: it is).
    static var clickHouseSkipReason: String? {
        if !clickHouseCompiled { return "FathomClickHouse is not built into this test target" }
        if clickHouseAddress == nil { return "FATHOM_CLICKHOUSE is not set (e.g. FATHOM_CLICKHOUSE=127.0.0.1:18123)" }
        return nil
    }

    #if canImport(FathomClickHouse)
    /// A fresh database `fathom_conf_<hex>` on the server in FATHOM_CLICKHOUSE, with its own spool
    /// in a temporary folder; cleanup drops the database.
    static let clickHouse = Backend(name: "clickhouse") {
        guard let address = clickHouseAddress else { throw BackendUnavailable(reason: clickHouseSkipReason ?? "") }
        let database = "fathom_conf_" + randomHex(8)
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("fathom-conf-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try ClickHouseStore(
            url: ClickHouseURL(parsing: "clickhouse://\(address)/\(database)"),
            spoolPath: dir.appendingPathComponent("spool.sqlite").path, spoolMaxBytes: 64 << 20,
            logger: Logger(label: "fathom.conformance"))
        return (store, {
            store.close()  // stops the spool drainer and releases the spool lock
            dropClickHouseDatabase(address: address, database: database)
            try? FileManager.default.removeItem(at: dir)
        })
    }
    #endif

    /// Every backend this run can reach: the embedded store always, ClickHouse when built in and
    /// FATHOM_CLICKHOUSE is set.
    static let all: [Backend] = {
        var list = [embedded]
        #if canImport(FathomClickHouse)
        if clickHouseAddress != nil { list.append(clickHouse) }
        #endif
        if let reason = clickHouseSkipReason { print("conformance: ClickHouse backend skipped: \(reason)") }
        return list
    }()
}

struct BackendUnavailable: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// `n` random bytes as lowercase hex.
func randomHex(_ n: Int) -> String {
    (0..<n).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
}

/// `DROP DATABASE` over the HTTP interface, best effort (a test database left behind is harmless).
func dropClickHouseDatabase(address: String, database: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["curl", "-sS", "--max-time", "10", "--data-binary", "DROP DATABASE IF EXISTS \(database)",
                   "http://\(address)/"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    do {
        try p.run()
        p.waitUntilExit()
    } catch {}
}

/// Runs `body` with a fresh store of `backend`, removing it afterwards.
func withStore<T>(_ backend: Backend, _ body: (any Store) throws -> T) throws -> T {
    let (store, cleanup) = try backend.make()
    defer { cleanup() }
    return try body(store)
}

extension Store {
    /// Commits and waits until the batch is queryable: what every case does after every commit.
    func commitAndFlush(_ batch: IngestBatch, now: Int64) throws {
        try commit(batch, now: now)
        try flush()
    }
}
