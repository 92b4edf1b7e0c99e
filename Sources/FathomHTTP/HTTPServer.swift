#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import Logging
import ServiceLifecycle

/// The daemon's HTTP server, as a ServiceLifecycle `Service` to add to the daemon's
/// `ServiceGroup` (it stops on the group's graceful shutdown).
///
/// Routes (see docs/http-api.md): `GET /healthz`, `GET /readyz`, `GET /metrics`,
/// `GET /api/v1/query`, `GET /api/v1/functions`, `GET /api/v1/traces/{id}`, `GET /api/v1/series`,
/// `POST /api/v1/logs`, `POST /api/v1/firehose`. Unknown paths answer 404 and known paths with
/// another method 405, both as `{"error":…}`. When `config.authToken` is set, every route but
/// `/healthz` and `/api/v1/firehose` (which has its own access key) needs the bearer token.
///
/// Running the service first checks `config.validate()` and throws `HTTPServerConfigError` when
/// it fails, so a non-loopback address is never served without a token; callers should still
/// validate up front to report the problem before starting anything.
///
/// - Parameters:
///   - config: address, credentials and limits.
///   - api: the daemon behind the routes.
///   - stats: counters this server updates (the daemon renders them on `/metrics`).
///   - logger: for server events and failed requests.
///   - onRunning: called once listening, with the bound port (useful with port 0).
public func makeHTTPServer(
    config: HTTPServerConfig,
    api: some DaemonAPI,
    stats: HTTPStats,
    logger: Logger,
    onRunning: @escaping @Sendable (Int) async -> Void
) -> some Service {
    let router = makeRouter(config: config, api: api, stats: stats)
    let app = Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(max(config.idleTimeoutSeconds, 1))))),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "fathom"),
        onServerRunning: { channel in
            await onRunning(channel.localAddress?.port ?? config.port)
        },
        logger: logger)
    return HTTPServerService(config: config, app: app)
}

/// The router with every route, in the order that places `/healthz` and `/api/v1/firehose`
/// outside the bearer-token check.
func makeRouter(config: HTTPServerConfig, api: some DaemonAPI, stats: HTTPStats) -> Router<FathomRequestContext> {
    let router = Router(context: FathomRequestContext.self, options: [.autoGenerateHeadEndpoints])
    let bodies = BodyReader(maxBodyBytes: config.maxBodyBytes, maxDecodedBytes: config.maxDecodedBytes, stats: stats)
    let routes = APIRoutes(api: api, bodies: bodies, stats: stats)
    let firehose = FirehoseRoute(
        api: api, accessKey: config.firehoseAccessKey.map { Array($0.utf8) }, bodies: bodies, stats: stats,
        now: currentMilliseconds)

    router.add(middleware: EdgeMiddleware(stats: stats))
    router.route("/healthz", .get) { routes.healthz($0, $1) }
    router.route("/api/v1/firehose", .post) { try await firehose.handle($0, $1) }
    if let token = config.authToken {
        router.add(middleware: BearerAuthMiddleware(token: Array(token.utf8), stats: stats))
    }
    router.route("/readyz", .get) { await routes.readyz($0, $1) }
    router.route("/metrics", .get) { await routes.metrics($0, $1) }
    router.route("/api/v1/query", .get) { await routes.query($0, $1) }
    router.route("/api/v1/functions", .get) { await routes.functions($0, $1) }
    router.route("/api/v1/traces/:id", .get) { await routes.trace($0, $1) }
    router.route("/api/v1/series", .get) { await routes.series($0, $1) }
    router.route("/api/v1/status", .get) { await routes.status($0, $1) }
    router.route("/api/v1/alerts", .get) { await routes.alerts($0, $1) }
    router.route("/dashboards", .get) { await routes.dashboards($0, $1) }
    router.route("/dashboards/:name", .get) { await routes.dashboard($0, $1) }
    router.route("/api/v1/logs", .post) { try await routes.logs($0, $1) }
    return router
}

extension Router<FathomRequestContext> {
    /// Registers `handler` for `method` on `path`, and a 405 answer (with `Allow`) for the other
    /// common methods. HEAD comes with GET (the router generates it).
    fileprivate func route(
        _ path: RouterPath, _ method: HTTPRequest.Method,
        _ handler: @escaping @Sendable (Request, FathomRequestContext) async throws -> Response
    ) {
        on(path, method: method, use: handler)
        let allow = method == .get ? "GET, HEAD" : method.rawValue
        let others: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .patch, .options]
        for other in others where other != method && !(method == .get && other == .head) {
            on(path, method: other) { request, _ in
                Reply.error(
                    405, "method \(request.method.rawValue) not allowed on \(path.description) (allowed: \(allow))",
                    headers: [.allow: allow])
            }
        }
    }
}

/// Runs the Hummingbird application after checking the configuration.
struct HTTPServerService<App: Service>: Service, CustomStringConvertible {
    let config: HTTPServerConfig
    let app: App

    var description: String { "FathomHTTP(\(config.host):\(config.port))" }

    func run() async throws {
        if let problem = config.validate() { throw HTTPServerConfigError(message: problem) }
        try await app.run()
    }
}

/// An `HTTPServerConfig` that `validate()` refuses, thrown when the server is run anyway.
public struct HTTPServerConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `validate()`'s message.
    public let message: String
    /// `message`.
    public var description: String { message }
}

/// Wall-clock milliseconds since the Unix epoch.
@Sendable func currentMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}
