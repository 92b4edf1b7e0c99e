import AsyncHTTPClient
import FathomIO
import Foundation
import Logging
import NIOCore

/// Talks to one ClickHouse server over HTTP, synchronously: each call blocks its thread until the
/// answer is in (it waits on AsyncHTTPClient's future), so call it from a thread that may block,
/// never from an event loop. All clients share one `HTTPClient` (``http``), whose connection pool
/// keeps connections open between calls.
///
/// - Authentication: `X-ClickHouse-User` / `X-ClickHouse-Key` headers (nothing in the URL).
/// - Inserts send gzip-compressed bodies (`Content-Encoding: gzip`).
/// - Failures to connect, timeouts and answers without a ClickHouse error code (5xx of a proxy) are
///   retried with exponential backoff (`retries` times, from `backoffMs`); an SQL error is not.
public final class ClickHouseClient: Sendable {
    /// The HTTP client of every ClickHouse connection: like `HTTPClient.shared`, but a refused or
    /// failed connection fails its request within 2 s instead of being retried by the pool until
    /// the request's deadline. With the pool's retries, a request to a server that is down waited
    /// the whole 30 s timeout (and this client's retries four times that), so the spool reported
    /// ClickHouse as reachable for minutes after it went down. The retries are ours (below), and the
    /// spool's drainer retries sends with its own backoff.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(2)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The server's base address, `http://host:port`.
    public let base: String
    let user: String?
    let password: String?
    let timeoutMs: Int64
    let retries: Int
    let backoffMs: Int64
    let logger: Logger

    public init(
        base: String, user: String?, password: String?, timeoutMs: Int64, retries: Int = 3, backoffMs: Int64 = 200,
        logger: Logger = Logger(label: "fathom.clickhouse")
    ) {
        self.base = base
        self.user = user
        self.password = password
        self.timeoutMs = timeoutMs
        self.retries = retries
        self.backoffMs = backoffMs
        self.logger = logger
    }

    /// A client of `url`'s server (or of another `host` at the same port and credentials).
    public convenience init(url: ClickHouseURL, host: String? = nil, logger: Logger = Logger(label: "fathom.clickhouse")) {
        self.init(
            base: url.httpBase(host: host), user: url.user, password: url.password, timeoutMs: url.timeoutMs,
            logger: logger)
    }

    /// Runs a statement that returns nothing (DDL, ALTER, INSERT … SELECT).
    public func execute(_ sql: String) throws(ClickHouseError) {
        _ = try post(query: nil, body: Array(sql.utf8), gzip: false)
    }

    /// Runs a query and returns its rows (`FORMAT TabSeparated` is appended).
    func query(_ sql: String) throws(ClickHouseError) -> TSVRows {
        TSVRows(data: try post(query: nil, body: Array((sql + "\nFORMAT TabSeparated").utf8), gzip: false))
    }

    /// Runs a query and returns its rows as strings (for tests and small answers).
    public func rows(_ sql: String) throws(ClickHouseError) -> [[String]] {
        try query(sql).map { row in (0..<row.count).map { row.string($0) } }
    }

    /// The single value of a query answering one row of one column (nil: no row).
    public func scalar(_ sql: String) throws(ClickHouseError) -> String? {
        try query(sql).first { _ in true }.map { $0.string(0) }
    }

    /// Inserts TabSeparated `rows` into `table` (`db.table`), gzip-compressed.
    func insert(into table: String, columns: [String]? = nil, rows: TSVWriter, settings: [String: String] = [:])
        throws(ClickHouseError)
    {
        guard rows.rows > 0 else { return }
        let columnList = columns.map { " (" + $0.joined(separator: ", ") + ")" } ?? ""
        let statement = "INSERT INTO \(table)\(columnList) FORMAT TabSeparated"
        _ = try post(query: statement, body: gzipCompress(rows.bytes, level: 1), gzip: true, settings: settings)
    }

    private func post(query: String?, body: [UInt8], gzip: Bool, settings: [String: String] = [:])
        throws(ClickHouseError) -> [UInt8]
    {
        var url = base + "/"
        var params: [String] = []
        if let query { params.append("query=" + Self.percentEncoded(query)) }
        for (k, v) in settings.sorted(by: { $0.key < $1.key }) { params.append("\(k)=\(Self.percentEncoded(v))") }
        if !params.isEmpty { url += "?" + params.joined(separator: "&") }
        var attempt = 0
        var delay = backoffMs
        while true {
            do {
                return try once(url: url, body: body, gzip: gzip)
            } catch let error as RetryableFailure {
                attempt += 1
                if attempt > retries { throw error.error }
                logger.debug("ClickHouse request failed, retrying", metadata: ["error": "\(error.error)", "attempt": "\(attempt)"])
                usleep(UInt32(min(delay, 10_000) * 1000))
                delay *= 2
            } catch let error as ClickHouseError {
                throw error
            } catch {
                throw .badResponse("\(error)")
            }
        }
    }

    private struct RetryableFailure: Error {
        var error: ClickHouseError
    }

    private func once(url: String, body: [UInt8], gzip: Bool) throws -> [UInt8] {
        var request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: url, method: .POST, body: .bytes(body))
        } catch {
            throw ClickHouseError.unreachable(url: base, reason: "\(error)")
        }
        request.headers.add(name: "User-Agent", value: "fathom")
        if let user { request.headers.add(name: "X-ClickHouse-User", value: user) }
        if let password { request.headers.add(name: "X-ClickHouse-Key", value: password) }
        if gzip { request.headers.add(name: "Content-Encoding", value: "gzip") }
        let response: HTTPClient.Response
        do {
            response = try Self.http.execute(
                request: request, deadline: .now() + .milliseconds(timeoutMs)
            ).wait()
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw RetryableFailure(error: .unreachable(url: base, reason: "no answer within \(timeoutMs) ms"))
        } catch {
            throw RetryableFailure(error: .unreachable(url: base, reason: "\(error)"))
        }
        var answer: [UInt8] = []
        if var buffer = response.body { answer = buffer.readBytes(length: buffer.readableBytes) ?? [] }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            let text = String(decoding: answer.prefix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if let (code, message) = Self.serverError(text) {
                // Network trouble between servers, too many parts or queries: worth another try.
                if [159, 202, 209, 210, 252, 425].contains(code) {
                    throw RetryableFailure(error: .server(code: code, message: message))
                }
                throw ClickHouseError.server(code: code, message: message)
            }
            let error = ClickHouseError.unreachable(url: base, reason: "HTTP \(status)" + (text.isEmpty ? "" : ": \(text.prefix(300))"))
            if status >= 500 { throw RetryableFailure(error: error) }
            throw error
        }
        return answer
    }

    /// `Code: 60, e.displayText() = DB::Exception: Table x doesn't exist., e.what() = DB::Exception` (old)
    /// or `Code: 60. DB::Exception: Table x does not exist. (UNKNOWN_TABLE) (version 23.8)` (new).
    static func serverError(_ text: String) -> (Int, String)? {
        guard text.hasPrefix("Code: ") else { return nil }
        let digits = text.dropFirst(6).prefix { $0.isNumber }
        guard let code = Int(digits) else { return nil }
        var message = Substring(text.dropFirst(6 + digits.count))
        for prefix in [", e.displayText() = ", ". ", ", "] where message.hasPrefix(prefix) {
            message = message.dropFirst(prefix.count)
            break
        }
        if message.hasPrefix("DB::Exception: ") { message = message.dropFirst("DB::Exception: ".count) }
        if let r = message.range(of: ", e.what() = ") { message = message[..<r.lowerBound] }
        if let r = message.range(of: " (version ") { message = message[..<r.lowerBound] }
        return (code, String(message).trimmingCharacters(in: .whitespaces))
    }

    static func percentEncoded(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(b))
            default:
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
