import FathomCore
import Hummingbird

/// The handlers of the daemon's read API, health checks, metrics and log ingestion: each turns
/// an HTTP request into a `DaemonAPI` call and its `APIResponse` into the HTTP answer.
struct APIRoutes<API: DaemonAPI>: Sendable {
    let api: API
    let bodies: BodyReader
    let stats: HTTPStats

    /// GET /healthz: always 200 `ok` (the process is up; never authenticated).
    func healthz(_ request: Request, _ context: FathomRequestContext) -> Response {
        Reply.bytes(200, contentType: "text/plain; charset=utf-8", Array("ok\n".utf8))
    }

    /// GET /readyz: 200 or 503 with `{"ready":…,"reason":"…"}`.
    func readyz(_ request: Request, _ context: FathomRequestContext) async -> Response {
        let (ready, reason) = await api.readiness()
        return Reply.json(ready ? 200 : 503) { w in
            w.beginObject()
            w.field("ready", ready)
            w.field("reason", reason)
            w.endObject()
        }
    }

    /// GET /metrics: the daemon's Prometheus exposition, untouched.
    func metrics(_ request: Request, _ context: FathomRequestContext) async -> Response {
        Reply.api(await api.metrics())
    }

    /// GET /api/v1/query?q=&from=&to=&step=
    func query(_ request: Request, _ context: FathomRequestContext) async -> Response {
        await withParameters(request) { p in
            guard let q = p["q"], !q.isEmpty else {
                stats.reject(.badParameters)
                return Reply.error(400, "missing q")
            }
            return Reply.api(await api.query(q, from: p.nonEmpty("from"), to: p.nonEmpty("to"), step: p.nonEmpty("step")))
        }
    }

    /// GET /api/v1/functions?from=&to=
    func functions(_ request: Request, _ context: FathomRequestContext) async -> Response {
        await withParameters(request) { p in
            Reply.api(await api.functions(from: p.nonEmpty("from"), to: p.nonEmpty("to")))
        }
    }

    /// GET /api/v1/traces/{id}
    func trace(_ request: Request, _ context: FathomRequestContext) async -> Response {
        guard let id = context.parameters.get("id"), !id.isEmpty else {
            stats.reject(.badParameters)
            return Reply.error(400, "missing trace id")
        }
        return Reply.api(await api.trace(id))
    }

    /// GET /api/v1/series?name=<glob>
    func series(_ request: Request, _ context: FathomRequestContext) async -> Response {
        await withParameters(request) { p in
            Reply.api(await api.series(name: p.nonEmpty("name")))
        }
    }

    /// GET /dashboards — the list of dashboards (text/plain).
    func dashboards(_ request: Request, _ context: FathomRequestContext) async -> Response {
        Reply.api(await api.dashboards())
    }

    /// GET /dashboards/{name}?var.NAME=VALUE&at=&width=&height=&ascii= — one frame (text/plain).
    func dashboard(_ request: Request, _ context: FathomRequestContext) async -> Response {
        guard let name = context.parameters.get("name"), !name.isEmpty else {
            stats.reject(.badParameters)
            return Reply.error(400, "missing dashboard name")
        }
        return await withParameters(request) { p in
            Reply.api(await api.dashboard(name, parameters: p.all))
        }
    }

    /// GET /api/v1/alerts — alert instances and recent transitions (JSON).
    func alerts(_ request: Request, _ context: FathomRequestContext) async -> Response {
        Reply.api(await api.alerts())
    }

    /// GET /api/v1/status — the daemon's own counters (what `fathom status` prints).
    func status(_ request: Request, _ context: FathomRequestContext) async -> Response {
        Reply.api(await api.status())
    }

    /// POST /api/v1/logs?function=&format= with raw log bytes, gzip or not.
    func logs(_ request: Request, _ context: FathomRequestContext) async throws -> Response {
        let parameters: QueryParameters
        switch QueryParameters.parse(request.uri.query) {
        case .success(let p): parameters = p
        case .failure(let e):
            stats.reject(.badParameters)
            return Reply.error(400, e.message)
        }
        let body: [UInt8]
        do {
            body = try await bodies.read(request)
        } catch let failure as BodyFailure {
            stats.reject(failure.rejection)
            return Reply.error(failure.status, failure.message)
        }
        let source = "http:\(context.remoteAddress ?? "unknown")"
        return Reply.api(
            await api.ingest(
                body, function: parameters.nonEmpty("function"), format: parameters.nonEmpty("format"), source: source))
    }

    /// Runs `body` with the request's query parameters, or answers 400 when they do not decode.
    private func withParameters(
        _ request: Request, _ body: (QueryParameters) async -> Response
    ) async -> Response {
        switch QueryParameters.parse(request.uri.query) {
        case .success(let parameters):
            return await body(parameters)
        case .failure(let error):
            stats.reject(.badParameters)
            return Reply.error(400, error.message)
        }
    }
}

extension QueryParameters {
    /// The value of `key`, nil when absent or empty.
    func nonEmpty(_ key: String) -> String? {
        guard let value = self[key], !value.isEmpty else { return nil }
        return value
    }
}
