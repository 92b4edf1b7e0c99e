import FathomClickHouse
import FathomCore
import FathomStore
import Foundation
import Logging

/// Turns what `--store` (or the daemon's `store:` setting) says into a ``StoreConnection``: a
/// `clickhouse://` URL opens a ClickHouse store with a local spool, anything else is the path of
/// an embedded store.
enum StoreLocator {
    /// A location or option that cannot be used, with the reason.
    struct Problem: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// - Parameters:
    ///   - location: a path or a `clickhouse://` URL.
    ///   - spool: the spool file for a ClickHouse store (nil: the default for that URL).
    ///   - spoolMax: the spool's size bound, like `512MiB` or `2GiB`.
    ///   - waitForServer: open a ClickHouse store without contacting the server (the daemon: it
    ///     starts and spools while ClickHouse is down); commands that read want to fail at once.
    static func connection(
        _ location: String, spool: String?, spoolMax: String, environment: [String: String], waitForServer: Bool = false
    ) throws -> StoreConnection {
        if location.lowercased().hasPrefix("clickhouse://") {
            return try clickHouse(
                location, spool: spool, spoolMax: try size(spoolMax), environment: environment, lazy: waitForServer)
        }
        if let scheme = location.range(of: "://"), !location[..<scheme.lowerBound].contains("/") {
            throw Problem(message: "'\(location)' is not a file path, and \(location[..<scheme.lowerBound]):// is not a store Fathom knows (use a path, or clickhouse://host:8123/database)")
        }
        return .embedded(path: location)
    }

    /// A size: a whole number with an optional unit B, KB/KiB, MB/MiB, GB/GiB (powers of 1024).
    static func size(_ text: String) throws -> Int64 {
        let t = text.trimmingCharacters(in: .whitespaces)
        let digits = t.prefix { $0.isNumber }
        let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let scale: Int64
        switch unit {
        case "", "b": scale = 1
        case "k", "kb", "kib": scale = 1 << 10
        case "m", "mb", "mib": scale = 1 << 20
        case "g", "gb", "gib": scale = 1 << 30
        default: throw Problem(message: "'\(text)' is not a size (examples: 512MiB, 2GiB)")
        }
        guard let n = Int64(digits), n > 0, n <= Int64.max / scale else {
            throw Problem(message: "'\(text)' is not a size (examples: 512MiB, 2GiB)")
        }
        return n * scale
    }

    /// The spool file for a URL when none is given: beside the default embedded store.
    static func defaultSpool(host: String, port: Int, database: String, environment: [String: String]) -> String {
        let store = EmbeddedStore.defaultPath(environment: environment.filter { $0.key != "FATHOM_STORE" })
        let folder = (store as NSString).deletingLastPathComponent
        let safe = "\(host)-\(port)-\(database)".map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }
        return folder + "/spool/" + String(safe) + ".sqlite"
    }

    private static func clickHouse(
        _ location: String, spool: String?, spoolMax: Int64, environment: [String: String], lazy: Bool
    ) throws -> StoreConnection {
        var url: ClickHouseURL
        do {
            url = try ClickHouseURL(parsing: location)
        } catch {
            throw Problem(message: "\(error)")
        }
        if url.password == nil, let password = environment["FATHOM_CLICKHOUSE_PASSWORD"], !password.isEmpty {
            url.password = password
        }
        let spoolPath = spool ?? defaultSpool(host: url.host, port: url.port, database: url.database, environment: environment)
        let logger = Logger(label: "fathom.clickhouse")
        let fixed = url
        return StoreConnection(
            location: url.description, isEmbedded: false,
            // The writer always opens without the server: its batches go to the spool first.
            openWriter: {
                try ClickHouseStore(url: fixed, spoolPath: spoolPath, spoolMaxBytes: spoolMax, logger: logger, connectNow: false)
            },
            openReader: {
                try ClickHouseStore(url: fixed, spoolPath: nil, spoolMaxBytes: spoolMax, logger: logger, connectNow: !lazy)
            })
    }
}
