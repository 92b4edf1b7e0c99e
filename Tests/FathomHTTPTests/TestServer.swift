import AsyncHTTPClient
import FathomHTTP
import FathomIO
import Foundation
import Logging
import ServiceLifecycle

/// A server from `makeHTTPServer` listening on a real socket (port 0), with its fake daemon.
struct TestServer: Sendable {
    let port: Int
    let api: FakeDaemonAPI
    let stats: HTTPStats

    /// One HTTP answer.
    struct Answer: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The first value of header `name` (case-insensitive).
        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        /// The body as a JSON object (empty when it is not one).
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        }
    }

    /// The request methods the tests use.
    enum Method: String, Sendable { case GET, HEAD, POST, PUT, DELETE }

    /// Sends a GET request.
    func send(_ path: String, headers: [(String, String)] = []) async throws -> Answer {
        try await send(.GET, path, headers: headers)
    }

    /// Sends one request; `chunked` sends the body without a Content-Length.
    func send(
        _ method: Method, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        chunked: Bool = false
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .init(rawValue: method.rawValue)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = chunked ? .bytes(body, length: .unknown) : .bytes(body)
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Answer(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: Array(buffer.readableBytesView))
    }

    static let quietLogger = Logger(label: "fathom-http-test") { _ in SwiftLogNoOpLogHandler() }

    /// Runs `body` against a fresh server with `config` (its port is replaced by 0), then shuts
    /// the server down gracefully.
    static func with<T: Sendable>(
        _ config: HTTPServerConfig = HTTPServerConfig(), api: FakeDaemonAPI = FakeDaemonAPI(),
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        var config = config
        config.port = 0
        let stats = HTTPStats()
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let service = makeHTTPServer(
            config: config, api: api, stats: stats, logger: quietLogger,
            onRunning: { port in
                continuation.yield(port)
                continuation.finish()
            })
        let group = ServiceGroup(configuration: .init(services: [service], logger: quietLogger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ServerDidNotStart() }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(TestServer(port: port, api: api, stats: stats)))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }

    struct ServerDidNotStart: Error {}
}

/// gzip of `bytes` (one member).
func gzip(_ bytes: [UInt8]) -> [UInt8] {
    let encoder = GzipEncoder()
    var out: [UInt8] = []
    encoder.compress(bytes, into: &out)
    encoder.finish(into: &out)
    return out
}

/// Standard base64 of `bytes`.
func base64(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString()
}

/// The bytes of `text`.
func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }
