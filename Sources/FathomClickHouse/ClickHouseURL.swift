/// Where a ClickHouse store is:
/// `clickhouse://[user[:password]@]host[:port]/database[?cluster=NAME&replicated=1&retention=30d&timeout=10s]`.
///
/// - `port` is the HTTP port (default 8123).
/// - `cluster`: the name of a cluster in the server's `system.clusters`; tables are then created on
///   every shard as `<table>_local`, with a `Distributed` table `<table>` in front (see
///   ``ClickHouseSchema``).
/// - `replicated=1`: `Replicated*` engines and `ON CLUSTER` DDL (needs ZooKeeper); only with a cluster.
/// - `retention`: how long data is kept (`30d`, `12h`, …); whole days of partitions older than that
///   are dropped by ``ClickHouseStore/enforceRetention(now:)``.
/// - `timeout`: per-request timeout (default 30 s).
///
/// ``description`` never shows the password.
public struct ClickHouseURL: Sendable, Equatable, CustomStringConvertible {
    public var user: String?
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var cluster: String?
    public var replicated: Bool
    /// Retention in ms (nil: keep everything).
    public var retentionMs: Int64?
    /// Per-request timeout in ms.
    public var timeoutMs: Int64

    public init(
        host: String, port: Int = 8123, database: String, user: String? = nil, password: String? = nil,
        cluster: String? = nil, replicated: Bool = false, retentionMs: Int64? = nil, timeoutMs: Int64 = 30_000
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
        self.cluster = cluster
        self.replicated = replicated
        self.retentionMs = retentionMs
        self.timeoutMs = timeoutMs
    }

    /// Parses `text`; throws ``ClickHouseError/badURL(_:reason:)`` saying what is wrong.
    public init(parsing text: String) throws(ClickHouseError) {
        let scheme = "clickhouse://"
        func bad(_ reason: String) -> ClickHouseError { .badURL(Self.masked(text), reason: reason) }
        guard text.hasPrefix(scheme) else { throw bad("it must start with clickhouse://") }
        var rest = Substring(text.dropFirst(scheme.count))
        var queryText: Substring?
        if let q = rest.firstIndex(of: "?") {
            queryText = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw bad("it names no database (…/DATABASE)") }
        var authority = rest[..<slash]
        let database = String(rest[rest.index(after: slash)...])
        guard !database.isEmpty else { throw bad("it names no database (…/DATABASE)") }
        guard database.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }),
            !(database.first?.isNumber ?? false)
        else { throw bad("the database name '\(database)' must be letters, digits and _ (not starting with a digit)") }
        var user: String?
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = Self.percentDecoded(credentials[..<colon])
                password = Self.percentDecoded(credentials[credentials.index(after: colon)...])
            } else {
                user = Self.percentDecoded(credentials)
            }
            if user?.isEmpty ?? true { throw bad("the user before @ is empty") }
        }
        var host = String(authority)
        var port = 8123
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            let portText = authority[authority.index(after: colon)...]
            guard let p = Int(portText), (1...65535).contains(p) else {
                throw bad("the port '\(portText)' is not a number from 1 to 65535")
            }
            port = p
        }
        guard !host.isEmpty else { throw bad("it names no host") }
        self.init(host: host, port: port, database: database, user: user, password: password)
        for pair in (queryText ?? "").split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            let value = parts.count > 1 ? String(parts[1]) : ""
            switch key {
            case "cluster":
                guard !value.isEmpty else { throw bad("cluster= needs a cluster name") }
                cluster = value
            case "replicated":
                switch value {
                case "1", "true": replicated = true
                case "0", "false": replicated = false
                default: throw bad("replicated must be 1 or 0, not '\(value)'")
                }
            case "retention":
                guard let ms = Self.duration(value), ms > 0 else {
                    throw bad("retention '\(value)' is not a duration like 30d, 12h or 90m")
                }
                retentionMs = ms
            case "timeout":
                guard let ms = Self.duration(value), ms > 0 else {
                    throw bad("timeout '\(value)' is not a duration like 10s or 500ms")
                }
                timeoutMs = ms
            default:
                throw bad("unknown parameter '\(key)' (known: cluster, replicated, retention, timeout)")
            }
        }
        if replicated && cluster == nil { throw bad("replicated=1 needs cluster=NAME") }
    }

    /// The URL as given, with the password replaced by `***`.
    public var description: String {
        var text = "clickhouse://"
        if let user {
            text += user + (password == nil ? "" : ":***") + "@"
        }
        text += "\(host):\(port)/\(database)"
        var params: [String] = []
        if let cluster { params.append("cluster=\(cluster)") }
        if replicated { params.append("replicated=1") }
        if let retentionMs { params.append("retention=\(Self.format(retentionMs))") }
        if timeoutMs != 30_000 { params.append("timeout=\(Self.format(timeoutMs))") }
        if !params.isEmpty { text += "?" + params.joined(separator: "&") }
        return text
    }

    /// The HTTP base address of `host` (default: this URL's host) at this URL's port.
    public func httpBase(host other: String? = nil) -> String {
        let h = other ?? host
        let bracketed = h.contains(":") && !h.hasPrefix("[") ? "[\(h)]" : h
        return "http://\(bracketed):\(port)"
    }

    /// `30d`, `12h`, `90m`, `10s`, `500ms` → ms.
    static func duration(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let n = Int64(number), n >= 0, n <= Int64.max / factor { return n * factor }
        }
        return nil
    }

    static func format(_ ms: Int64) -> String {
        for (suffix, factor) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where ms % factor == 0 {
            return "\(ms / factor)\(suffix)"
        }
        return "\(ms)ms"
    }

    private static func masked(_ text: String) -> String {
        // clickhouse://user:secret@host → clickhouse://user:***@host
        guard let start = text.range(of: "://"), let at = text[start.upperBound...].firstIndex(of: "@") else { return text }
        let credentials = text[start.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    private static func percentDecoded(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(s.utf8)[...]
        while let b = utf8.popFirst() {
            if b == UInt8(ascii: "%"), utf8.count >= 2,
                let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(v)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
