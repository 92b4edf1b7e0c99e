import Hummingbird
import Logging

/// The outermost middleware: turns every error into a JSON answer (`{"error":…}`) and counts
/// each response by route pattern and status in `HTTPStats`.
struct EdgeMiddleware: RouterMiddleware {
    typealias Context = FathomRequestContext

    let stats: HTTPStats

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            response = Reply.error(404, "no route for \(request.method.rawValue) \(request.uri.path)")
        } catch let error as HTTPError {
            response = Reply.error(error.status.code, error.body ?? error.status.reasonPhrase, headers: error.headers)
        } catch let error as any HTTPResponseError {
            response = Reply.error(error.status.code, error.status.reasonPhrase)
        } catch {
            context.logger.error(
                "request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(describing: error))"])
            response = Reply.error(500, "internal server error")
        }
        stats.record(route: Self.routeLabel(context.endpointPath), status: response.status.code)
        return response
    }

    /// The matched route pattern, or `unmatched` (Hummingbird marks misses "NotFound").
    static func routeLabel(_ endpointPath: String?) -> String {
        guard let endpointPath, endpointPath != "NotFound" else { return "unmatched" }
        return endpointPath
    }
}
