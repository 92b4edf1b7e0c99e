import Testing

@testable import FathomHTTP

/// Bearer-token authentication over a real socket.
struct AuthTests {
    static let token = "t0ken-with-32-characters-of-entropy"
    static let config = HTTPServerConfig(authToken: token, firehoseAccessKey: "firehose-key")

    @Test func healthzNeedsNoToken() async throws {
        try await TestServer.with(Self.config) { server in
            let open = try await server.send("/healthz")
            #expect(open.status == 200)
            let wrong = try await server.send("/healthz", headers: [("Authorization", "Bearer wrong")])
            #expect(wrong.status == 200)
        }
    }

    @Test(arguments: ["/readyz", "/metrics", "/api/v1/query?q=x", "/api/v1/functions", "/api/v1/traces/known",
                      "/api/v1/series", "/api/v1/unknown"])
    func everyOtherRouteNeedsTheToken(path: String) async throws {
        try await TestServer.with(Self.config) { server in
            let missing = try await server.send(path)
            #expect(missing.status == 401)
            #expect(missing.header("WWW-Authenticate") == #"Bearer realm="fathom""#)
            #expect(missing.json["error"] as? String == "missing bearer token (send 'Authorization: Bearer <token>')")
            let wrong = try await server.send(path, headers: [("Authorization", "Bearer t0ken-with-32-characters-of-entropY")])
            #expect(wrong.status == 401)
            #expect(wrong.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(wrong.text == #"{"error":"invalid bearer token"}"#)
            let basic = try await server.send(path, headers: [("Authorization", "Basic \(Self.token)")])
            #expect(basic.status == 401)
            let prefix = try await server.send(path, headers: [("Authorization", "Bearer t0ken")])
            #expect(prefix.status == 401)
            #expect(server.api.calls.isEmpty)
            let right = try await server.send(path, headers: [("Authorization", "Bearer \(Self.token)")])
            #expect(right.status != 401)
            let lowercase = try await server.send(path, headers: [("Authorization", "bearer \(Self.token)")])
            #expect(lowercase.status == right.status)
            #expect(server.stats.rejections(.unauthorized) == 4)
        }
    }

    @Test func logsNeedTheTokenAndNothingIsIngestedWithout() async throws {
        try await TestServer.with(Self.config) { server in
            let refused = try await server.send(.POST, "/api/v1/logs", body: utf8("a\n"))
            #expect(refused.status == 401)
            #expect(server.api.calls.isEmpty)
            let accepted = try await server.send(
                .POST, "/api/v1/logs", headers: [("Authorization", "Bearer \(Self.token)")], body: utf8("a\n"))
            #expect(accepted.status == 200)
            #expect(server.api.calls.count == 1)
        }
    }

    @Test func firehoseUsesItsAccessKeyNotTheBearerToken() async throws {
        try await TestServer.with(Self.config) { server in
            let body = utf8(#"{"requestId":"r1","timestamp":1,"records":[]}"#)
            let withKey = try await server.send(
                .POST, "/api/v1/firehose", headers: [("X-Amz-Firehose-Access-Key", "firehose-key")], body: body)
            #expect(withKey.status == 200)
            let withTokenOnly = try await server.send(
                .POST, "/api/v1/firehose", headers: [("Authorization", "Bearer \(Self.token)")], body: body)
            #expect(withTokenOnly.status == 401)
            #expect(withTokenOnly.json["errorMessage"] as? String == "missing X-Amz-Firehose-Access-Key header")
        }
    }

    @Test func withoutATokenEverythingIsOpen() async throws {
        try await TestServer.with { server in
            for path in ["/metrics", "/readyz", "/api/v1/series"] {
                let answer = try await server.send(path)
                #expect(answer.status == 200, "\(path)")
            }
            let ignored = try await server.send("/metrics", headers: [("Authorization", "Bearer anything")])
            #expect(ignored.status == 200)
        }
    }
}
