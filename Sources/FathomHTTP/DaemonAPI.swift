import FathomCore

/// A complete HTTP answer produced by the daemon.
public struct APIResponse: Sendable, Equatable {
    /// The HTTP status code (200, 400, 404, …).
    public var status: Int
    /// The `Content-Type` header value.
    public var contentType: String
    /// The response body, sent as is.
    public var body: [UInt8]

    /// A response with `status`, `contentType` (JSON unless told) and `body`.
    public init(status: Int, contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// `{"error":"<message>"}` with the given status.
    public static func error(_ status: Int, _ message: String) -> APIResponse {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("error", message)
        writer.endObject()
        return APIResponse(status: status, body: writer.bytes)
    }
}

/// What the HTTP server asks of the daemon. Implementations are thread-safe.
public protocol DaemonAPI: Sendable {
    /// GET /api/v1/query?q=&from=&to=&step= — 200 with the JSON the CLI prints for `fathom query --output json`, 400 for a bad query.
    func query(_ q: String, from: String?, to: String?, step: String?) async -> APIResponse
    /// GET /api/v1/functions?from=&to=
    func functions(from: String?, to: String?) async -> APIResponse
    /// GET /api/v1/traces/{id} — 404 when unknown.
    func trace(_ id: String) async -> APIResponse
    /// GET /api/v1/series?name=<glob>
    func series(name: String?) async -> APIResponse
    /// GET /metrics — Prometheus text exposition.
    func metrics() async -> APIResponse
    /// POST /api/v1/logs — raw log bytes (already decompressed); answers once they are committed.
    func ingest(_ body: [UInt8], function: String?, format: String?, source: String) async -> APIResponse
    /// POST /api/v1/firehose — each element one decompressed CloudWatch Logs envelope JSON document; returns once committed, throws when they could not be.
    func ingestEnvelopes(_ envelopes: [[UInt8]], source: String) async throws
    /// GET /api/v1/status — the daemon's own counters.
    func status() async -> APIResponse
    /// GET /readyz — ready, and why not.
    func readiness() async -> (ready: Bool, reason: String)
    /// GET /dashboards — the dashboards served, one `name  title` line each (text/plain).
    func dashboards() async -> APIResponse
    /// GET /dashboards/{name}?var.function=checkout&at=&width=&height=&ascii= — one frame as
    /// text/plain; 404 for an unknown dashboard, 400 for a bad parameter.
    func dashboard(_ name: String, parameters: [String: String]) async -> APIResponse
    /// GET /api/v1/alerts — the alert instances as they stand, and the recent transitions.
    func alerts() async -> APIResponse
}

extension DaemonAPI {
    /// GET /dashboards — 404 unless the daemon provides them.
    public func dashboards() async -> APIResponse { .error(404, "no dashboards here") }
    /// GET /dashboards/{name} — 404 unless the daemon provides them.
    public func dashboard(_ name: String, parameters: [String: String]) async -> APIResponse {
        .error(404, "no dashboards here")
    }
    /// GET /api/v1/alerts — 404 unless the daemon evaluates rules.
    public func alerts() async -> APIResponse { .error(404, "no alerts here") }

    /// GET /api/v1/status — the daemon's counters as JSON; 404 unless the daemon provides them.
    public func status() async -> APIResponse { .error(404, "no status here") }
}
