import Hummingbird

/// Requires `Authorization: Bearer <token>` (scheme case-insensitive, token compared in constant
/// time); answers 401 with `WWW-Authenticate: Bearer realm="fathom"` and a JSON error otherwise.
///
/// It is added to the router after `/healthz` and `/api/v1/firehose` are registered, so it guards
/// every later route and the not-found answer, but not those two: health checks must work
/// without secrets, and Amazon Data Firehose cannot send a bearer token (it authenticates with
/// `X-Amz-Firehose-Access-Key`, checked by the Firehose route itself).
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = FathomRequestContext

    let token: [UInt8]
    let stats: HTTPStats

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            return refuse("missing bearer token (send 'Authorization: Bearer <token>')", invalidToken: false)
        }
        let utf8 = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard utf8.count > scheme.count,
              zip(utf8, scheme).allSatisfy({ (0x41...0x5A ~= $0 ? $0 | 0x20 : $0) == $1 })
        else {
            return refuse("the Authorization header must be 'Bearer <token>'", invalidToken: false)
        }
        var credentials = utf8[scheme.count...]
        while credentials.first == 0x20 { credentials.removeFirst() }
        while credentials.last == 0x20 { credentials.removeLast() }
        guard ConstantTime.equals(credentials, token) else {
            return refuse("invalid bearer token", invalidToken: true)
        }
        return try await next(request, context)
    }

    private func refuse(_ message: String, invalidToken: Bool) -> Response {
        stats.reject(.unauthorized)
        let challenge = invalidToken ? #"Bearer realm="fathom", error="invalid_token""# : #"Bearer realm="fathom""#
        return Reply.error(401, message, headers: [.wwwAuthenticate: challenge])
    }
}
