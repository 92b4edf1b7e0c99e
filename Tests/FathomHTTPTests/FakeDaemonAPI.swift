import FathomHTTP
import Synchronization

/// A `DaemonAPI` that records every call and answers with canned responses.
final class FakeDaemonAPI: DaemonAPI {
    /// One call as the server made it.
    enum Call: Equatable, Sendable {
        case query(q: String, from: String?, to: String?, step: String?)
        case functions(from: String?, to: String?)
        case trace(String)
        case series(name: String?)
        case metrics
        case ingest(body: [UInt8], function: String?, format: String?, source: String)
        case ingestEnvelopes(envelopes: [[UInt8]], source: String)
        case readiness
    }

    struct CommitFailed: Error, CustomStringConvertible {
        var description: String { "disk full" }
    }

    private struct State {
        var calls: [Call] = []
        var ready = (true, "ok")
        var failCommits = false
    }

    private let state = Mutex(State())

    /// Everything asked so far, in order.
    var calls: [Call] { state.withLock { $0.calls } }

    func setReady(_ ready: Bool, _ reason: String) { state.withLock { $0.ready = (ready, reason) } }
    func setFailCommits(_ fail: Bool) { state.withLock { $0.failCommits = fail } }

    private func record(_ call: Call) { state.withLock { $0.calls.append(call) } }

    static let metricsBody = Array("# TYPE fathom_up gauge\nfathom_up 1\n".utf8)
    static let metricsType = "text/plain; version=0.0.4; charset=utf-8"

    func query(_ q: String, from: String?, to: String?, step: String?) async -> APIResponse {
        record(.query(q: q, from: from, to: to, step: step))
        if q == "bad(" { return .error(400, "parse error at 4: expected an expression") }
        return APIResponse(status: 200, body: Array(#"{"series":[]}"#.utf8))
    }

    func functions(from: String?, to: String?) async -> APIResponse {
        record(.functions(from: from, to: to))
        return APIResponse(status: 200, body: Array(#"{"functions":["checkout"]}"#.utf8))
    }

    func trace(_ id: String) async -> APIResponse {
        record(.trace(id))
        if id == "known" { return APIResponse(status: 200, body: Array(#"{"requestId":"known"}"#.utf8)) }
        return .error(404, "unknown trace \(id)")
    }

    func series(name: String?) async -> APIResponse {
        record(.series(name: name))
        return APIResponse(status: 200, body: Array(#"{"series":["duration_ms"]}"#.utf8))
    }

    func metrics() async -> APIResponse {
        record(.metrics)
        return APIResponse(status: 200, contentType: Self.metricsType, body: Self.metricsBody)
    }

    func ingest(_ body: [UInt8], function: String?, format: String?, source: String) async -> APIResponse {
        record(.ingest(body: body, function: function, format: format, source: source))
        return APIResponse(status: 200, body: Array(#"{"lines":\#(body.filter { $0 == 0x0A }.count)}"#.utf8))
    }

    func ingestEnvelopes(_ envelopes: [[UInt8]], source: String) async throws {
        record(.ingestEnvelopes(envelopes: envelopes, source: source))
        if state.withLock({ $0.failCommits }) { throw CommitFailed() }
    }

    func readiness() async -> (ready: Bool, reason: String) {
        record(.readiness)
        return state.withLock { $0.ready }
    }
}
