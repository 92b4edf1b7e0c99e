import Testing

@testable import FathomHTTP

/// POST /api/v1/logs: plain and gzip bodies, limits, bad encodings.
struct LogsIngestTests {
    static let lines = utf8("2024-05-01T10:00:00.000Z\tabc\tINFO\thello\nREPORT RequestId: abc\tDuration: 1.00 ms\n")

    @Test func plainBodyReachesTheDaemon() async throws {
        try await TestServer.with { server in
            let answer = try await server.send(.POST, "/api/v1/logs?function=checkout&format=text", body: Self.lines)
            #expect(answer.status == 200)
            #expect(answer.text == #"{"lines":2}"#)
            guard case .ingest(let body, let function, let format, let source) = server.api.calls.first else {
                Issue.record("no ingest call: \(server.api.calls)")
                return
            }
            #expect(body == Self.lines)
            #expect(function == "checkout")
            #expect(format == "text")
            #expect(source == "http:127.0.0.1")
        }
    }

    @Test func gzipBodiesAreDecompressed() async throws {
        try await TestServer.with { server in
            let declared = try await server.send(
                .POST, "/api/v1/logs", headers: [("Content-Encoding", "gzip")], body: gzip(Self.lines))
            #expect(declared.status == 200)
            let sniffed = try await server.send(.POST, "/api/v1/logs", body: gzip(Self.lines))
            #expect(sniffed.status == 200)
            let chunked = try await server.send(.POST, "/api/v1/logs", body: gzip(Self.lines), chunked: true)
            #expect(chunked.status == 200)
            #expect(server.api.calls == Array(repeating: .ingest(body: Self.lines, function: nil, format: nil, source: "http:127.0.0.1"), count: 3))
            #expect(server.stats.decodedBytes == 3 * Self.lines.count)
        }
    }

    @Test func malformedGzipIs400() async throws {
        try await TestServer.with { server in
            var corrupt = gzip(Self.lines)
            corrupt[corrupt.count / 2] ^= 0xFF
            let bad = try await server.send(.POST, "/api/v1/logs", headers: [("Content-Encoding", "gzip")], body: corrupt)
            #expect(bad.status == 400)
            #expect((bad.json["error"] as? String)?.hasPrefix("request body is not valid gzip: body: ") == true)
            let notGzip = try await server.send(.POST, "/api/v1/logs", headers: [("Content-Encoding", "gzip")], body: Self.lines)
            #expect(notGzip.status == 400)
            let truncated = try await server.send(.POST, "/api/v1/logs", body: Array(gzip(Self.lines).prefix(20)))
            #expect(truncated.status == 400)
            #expect((truncated.json["error"] as? String)?.contains("truncated") == true)
            let brotli = try await server.send(.POST, "/api/v1/logs", headers: [("Content-Encoding", "br")], body: Self.lines)
            #expect(brotli.status == 415)
            #expect(brotli.text == #"{"error":"unsupported Content-Encoding 'br' (use gzip or none)"}"#)
            #expect(server.api.calls.isEmpty)
            #expect(server.stats.rejections(.badGzip) == 3)
            #expect(server.stats.rejections(.unsupportedEncoding) == 1)
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        let config = HTTPServerConfig(maxBodyBytes: 1024, maxDecodedBytes: 4096)
        try await TestServer.with(config) { server in
            let big = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
            let declared = try await server.send(.POST, "/api/v1/logs", body: big)
            #expect(declared.status == 413)
            #expect(declared.text == #"{"error":"request body exceeds the limit of 1024 bytes"}"#)
            let streamed = try await server.send(.POST, "/api/v1/logs", body: big, chunked: true)
            #expect(streamed.status == 413)
            // Small on the wire, too large once decompressed.
            let bomb = gzip([UInt8](repeating: 0x0A, count: 256 << 10))
            #expect(bomb.count <= 1024)
            let inflated = try await server.send(.POST, "/api/v1/logs", body: bomb)
            #expect(inflated.status == 413)
            #expect(inflated.text == #"{"error":"decompressed request body exceeds the limit of 4096 bytes"}"#)
            // Exactly at the limit is fine, and the connection still works after refusals.
            let fits = try await server.send(.POST, "/api/v1/logs", body: Array(big.prefix(1024)))
            #expect(fits.status == 200)
            #expect(server.api.calls.count == 1)
            #expect(server.stats.rejections(.bodyTooLarge) == 2)
            #expect(server.stats.rejections(.decodedTooLarge) == 1)
        }
    }

    @Test func emptyBodyIsPassedOn() async throws {
        try await TestServer.with { server in
            let answer = try await server.send(.POST, "/api/v1/logs", body: [])
            #expect(answer.status == 200)
            #expect(server.api.calls == [.ingest(body: [], function: nil, format: nil, source: "http:127.0.0.1")])
        }
    }
}
