/// Where and how the daemon's HTTP server listens, and the limits it enforces.
///
/// The defaults listen on loopback only (`127.0.0.1:9464`) with no authentication. Listening on any
/// other address requires a bearer token (`validate()` refuses the configuration otherwise).
public struct HTTPServerConfig: Sendable, Equatable {
    /// The default port, 9464 (the port Prometheus exporters conventionally use for `/metrics`).
    public static let defaultPort = 9464

    /// The address to bind: an IPv4 or IPv6 literal or `localhost`. Default `127.0.0.1`.
    public var host: String
    /// The TCP port; 0 asks the system for any free port (the bound port is reported on start).
    public var port: Int
    /// When set, every route except `/healthz` and `/api/v1/firehose` needs
    /// `Authorization: Bearer <authToken>`.
    public var authToken: String?
    /// When set, enables `/api/v1/firehose`, which then needs `X-Amz-Firehose-Access-Key: <key>`.
    /// When nil the route answers 404 (in Firehose's response shape).
    public var firehoseAccessKey: String?
    /// The largest request body accepted, as received on the wire (default 16 MiB); larger → 413.
    public var maxBodyBytes: Int
    /// The most bytes a gzip body may decompress to (→ 413), and separately the most a Firehose
    /// request's records may decompress to together (→ 400 naming the record). Default 64 MiB.
    public var maxDecodedBytes: Int
    /// How long (seconds) an idle keep-alive connection stays open (default 60).
    public var idleTimeoutSeconds: Int

    /// A configuration; every parameter has the default documented on its property.
    public init(
        host: String = "127.0.0.1",
        port: Int = HTTPServerConfig.defaultPort,
        authToken: String? = nil,
        firehoseAccessKey: String? = nil,
        maxBodyBytes: Int = 16 << 20,
        maxDecodedBytes: Int = 64 << 20,
        idleTimeoutSeconds: Int = 60
    ) {
        self.host = host
        self.port = port
        self.authToken = authToken
        self.firehoseAccessKey = firehoseAccessKey
        self.maxBodyBytes = maxBodyBytes
        self.maxDecodedBytes = maxDecodedBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    /// Why this configuration must not be served, or nil when it is fine: a non-loopback host
    /// without an auth token, an empty token or access key, a port outside 0…65535, a
    /// non-positive limit or timeout.
    public func validate() -> String? {
        if host.isEmpty { return "listen host is empty" }
        if !(0...65535).contains(port) { return "listen port \(port) is out of range (0…65535)" }
        if let authToken, authToken.isEmpty { return "the auth token is empty" }
        if let firehoseAccessKey, firehoseAccessKey.isEmpty { return "the Firehose access key is empty" }
        if authToken == nil && !Self.isLoopback(host) {
            return "binding \(host) requires --auth-token-file (only loopback addresses may be served without a token)"
        }
        if maxBodyBytes <= 0 { return "the body limit must be positive (got \(maxBodyBytes))" }
        if maxDecodedBytes <= 0 { return "the decoded-size limit must be positive (got \(maxDecodedBytes))" }
        if idleTimeoutSeconds <= 0 { return "the idle timeout must be positive (got \(idleTimeoutSeconds))" }
        return nil
    }

    /// Whether `host` names the loopback interface: `localhost`, `127.0.0.0/8` or `::1`
    /// (also written `[::1]` or in full, `0:0:0:0:0:0:0:1`).
    public static func isLoopback(_ host: String) -> Bool {
        var h = host.lowercased()
        if h.hasPrefix("[") && h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h == "localhost" { return true }
        if let octets = ipv4Octets(h) { return octets[0] == 127 }
        return isIPv6Loopback(h)
    }

    /// Parses a listen address: `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (host `127.0.0.1`: to
    /// listen on every interface say `0.0.0.0:PORT` explicitly). An IPv6 host must be bracketed.
    public static func parseListen(_ s: String) -> Result<(host: String, port: Int), ListenAddressError> {
        let usage = "expected HOST:PORT, [IPv6]:PORT or :PORT"
        func failure(_ why: String) -> Result<(host: String, port: Int), ListenAddressError> {
            .failure(ListenAddressError(message: "invalid listen address '\(s)': \(why)"))
        }
        let host: Substring
        let portText: Substring
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return failure("missing ']' (\(usage))") }
            host = s[s.index(after: s.startIndex)..<close]
            let rest = s[s.index(after: close)...]
            guard rest.first == ":" else { return failure("missing ':PORT' after ']' (\(usage))") }
            portText = rest.dropFirst()
            if host.isEmpty { return failure("empty IPv6 address") }
        } else {
            guard let colon = s.lastIndex(of: ":") else { return failure("missing port (\(usage))") }
            host = s[..<colon]
            portText = s[s.index(after: colon)...]
            if host.contains(":") { return failure("an IPv6 address must be bracketed, e.g. [::1]:9464") }
        }
        guard !portText.isEmpty, portText.utf8.count <= 5, portText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let port = Int(portText), port <= 65535
        else { return failure("port '\(portText)' is not a number in 0…65535") }
        return .success((host: host.isEmpty ? "127.0.0.1" : String(host), port: port))
    }

    /// The four octets of a dotted-quad IPv4 literal, or nil.
    static func ipv4Octets(_ s: String) -> [Int]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.utf8.count <= 3, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let value = Int(part), value <= 255
            else { return nil }
            octets.append(value)
        }
        return octets
    }

    /// Whether `s` is an IPv6 literal for `::1` (any zero-compression or leading zeros).
    static func isIPv6Loopback(_ s: String) -> Bool {
        guard s.contains(":") else { return false }
        let halves = s.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return false }
        func groups(_ part: String) -> [Int]? {
            if part.isEmpty { return [] }
            var out: [Int] = []
            for g in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.utf8.count <= 4, let v = Int(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        var all: [Int]
        if halves.count == 2 {
            guard let head = groups(halves[0]), let tail = groups(halves[1]), head.count + tail.count < 8 else {
                return false
            }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let only = groups(s), only.count == 8 else { return false }
            all = only
        }
        return all.dropLast().allSatisfy { $0 == 0 } && all.last == 1
    }
}

/// A listen address that `HTTPServerConfig.parseListen` could not read; the message quotes it.
public struct ListenAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, quoting the address.
    public let message: String
    /// `message`.
    public var description: String { message }
}
