import Testing

@testable import FathomHTTP

/// Every read route over a real socket, without authentication.
struct RoutesTests {
    @Test func healthzIsAlwaysOK() async throws {
        try await TestServer.with { server in
            let answer = try await server.send("/healthz")
            #expect(answer.status == 200)
            #expect(answer.text == "ok\n")
            #expect(answer.header("Content-Type") == "text/plain; charset=utf-8")
            let head = try await server.send(.HEAD, "/healthz")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(server.api.calls.isEmpty)
        }
    }

    @Test func readyzReportsTheDaemon() async throws {
        let api = FakeDaemonAPI()
        try await TestServer.with(api: api) { server in
            let ready = try await server.send("/readyz")
            #expect(ready.status == 200)
            #expect(ready.text == #"{"ready":true,"reason":"ok"}"#)
            api.setReady(false, "replaying the write-ahead log")
            let notReady = try await server.send("/readyz")
            #expect(notReady.status == 503)
            #expect(notReady.text == #"{"ready":false,"reason":"replaying the write-ahead log"}"#)
            #expect(notReady.header("Content-Type") == "application/json")
        }
    }

    @Test func metricsIsTheDaemonsExpositionUntouched() async throws {
        try await TestServer.with { server in
            let answer = try await server.send("/metrics")
            #expect(answer.status == 200)
            #expect(answer.body == FakeDaemonAPI.metricsBody)
            #expect(answer.header("Content-Type") == FakeDaemonAPI.metricsType)
            #expect(server.api.calls == [.metrics])
        }
    }

    @Test func queryPassesDecodedParameters() async throws {
        try await TestServer.with { server in
            let q = "sum(duration_ms%7Bfunction%3D%22checkout%22%7D)+by+(function)"
            let answer = try await server.send("/api/v1/query?q=\(q)&from=-1h&to=now&step=5m")
            #expect(answer.status == 200)
            #expect(answer.text == #"{"series":[]}"#)
            #expect(answer.header("Content-Type") == "application/json")
            let minimal = try await server.send("/api/v1/query?q=invocations&from=")
            #expect(minimal.status == 200)
            #expect(server.api.calls == [
                .query(q: #"sum(duration_ms{function="checkout"}) by (function)"#, from: "-1h", to: "now", step: "5m"),
                .query(q: "invocations", from: nil, to: nil, step: nil),
            ])
        }
    }

    @Test func queryErrors() async throws {
        try await TestServer.with { server in
            let missing = try await server.send("/api/v1/query?from=-1h")
            #expect(missing.status == 400)
            #expect(missing.text == #"{"error":"missing q"}"#)
            let empty = try await server.send("/api/v1/query?q=")
            #expect(empty.text == #"{"error":"missing q"}"#)
            let badEscape = try await server.send("/api/v1/query?q=%FF%FE")
            #expect(badEscape.status == 400)
            #expect(badEscape.json["error"] as? String == "query parameter 'q' is not validly percent-encoded UTF-8")
            #expect(server.api.calls.isEmpty)
            // The daemon's own 400 passes through.
            let bad = try await server.send("/api/v1/query?q=bad(")
            #expect(bad.status == 400)
            #expect(bad.text == #"{"error":"parse error at 4: expected an expression"}"#)
            #expect(server.stats.rejections(.badParameters) == 3)
        }
    }

    @Test func functionsTracesSeries() async throws {
        try await TestServer.with { server in
            let functions = try await server.send("/api/v1/functions?from=2024-05-01T00:00:00Z&to=-5m")
            #expect(functions.status == 200)
            #expect(functions.text == #"{"functions":["checkout"]}"#)
            let allFunctions = try await server.send("/api/v1/functions")
            #expect(allFunctions.status == 200)
            let known = try await server.send("/api/v1/traces/known")
            #expect(known.status == 200)
            #expect(known.text == #"{"requestId":"known"}"#)
            let unknown = try await server.send("/api/v1/traces/8f5a-11")
            #expect(unknown.status == 404)
            #expect(unknown.text == #"{"error":"unknown trace 8f5a-11"}"#)
            let series = try await server.send("/api/v1/series?name=duration*")
            #expect(series.text == #"{"series":["duration_ms"]}"#)
            let allSeries = try await server.send("/api/v1/series")
            #expect(allSeries.status == 200)
            #expect(server.api.calls == [
                .functions(from: "2024-05-01T00:00:00Z", to: "-5m"),
                .functions(from: nil, to: nil),
                .trace("known"),
                .trace("8f5a-11"),
                .series(name: "duration*"),
                .series(name: nil),
            ])
        }
    }

    @Test func unknownRoutesAndMethods() async throws {
        try await TestServer.with { server in
            let unknown = try await server.send("/api/v1/nope")
            #expect(unknown.status == 404)
            #expect(unknown.text == #"{"error":"no route for GET /api/v1/nope"}"#)
            #expect(unknown.header("Content-Type") == "application/json")
            let root = try await server.send("/")
            #expect(root.status == 404)
            let post = try await server.send(.POST, "/metrics", body: utf8("x"))
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET, HEAD")
            #expect(post.json["error"] as? String == "method POST not allowed on /metrics (allowed: GET, HEAD)")
            let get = try await server.send("/api/v1/logs")
            #expect(get.status == 405)
            #expect(get.header("Allow") == "POST")
            let delete = try await server.send(.DELETE, "/api/v1/traces/abc")
            #expect(delete.status == 405)
            #expect(server.api.calls.isEmpty)
        }
    }

    @Test func statsCountRoutesByPatternAndStatus() async throws {
        try await TestServer.with { server in
            _ = try await server.send("/healthz")
            _ = try await server.send("/healthz")
            _ = try await server.send("/api/v1/traces/a")
            _ = try await server.send("/api/v1/traces/known")
            _ = try await server.send("/nowhere")
            _ = try await server.send(.POST, "/api/v1/logs", body: utf8("line\n"))
            let snapshot = server.stats.snapshot().map { "\($0.route) \($0.status) \($0.count)" }
            #expect(snapshot == [
                "/api/v1/logs 200 1",
                "/api/v1/traces/{id} 200 1",
                "/api/v1/traces/{id} 404 1",
                "/healthz 200 2",
                "unmatched 404 1",
            ])
            #expect(server.stats.bodyBytesReceived == 5)
        }
    }
}
