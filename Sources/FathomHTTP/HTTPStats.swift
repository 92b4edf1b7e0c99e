import Synchronization

/// Why the HTTP edge refused a request before (or instead of) handing it to the daemon.
public enum HTTPRejection: String, Sendable, CaseIterable, Comparable {
    /// Missing or wrong `Authorization: Bearer` token.
    case unauthorized
    /// Missing or wrong `X-Amz-Firehose-Access-Key`.
    case firehoseUnauthorized = "firehose_unauthorized"
    /// The body on the wire exceeded `maxBodyBytes`.
    case bodyTooLarge = "body_too_large"
    /// The decompressed body (or the Firehose records together) exceeded `maxDecodedBytes`.
    case decodedTooLarge = "decoded_too_large"
    /// The body claimed or looked like gzip but was not valid gzip.
    case badGzip = "bad_gzip"
    /// A `Content-Encoding` other than gzip or identity.
    case unsupportedEncoding = "unsupported_encoding"
    /// A malformed query string (bad percent-encoding, not UTF-8) or a missing required parameter.
    case badParameters = "bad_parameters"
    /// A Firehose body that is not a valid Firehose request document.
    case badFirehoseRequest = "bad_firehose_request"
    /// A Firehose record that is not gzip or is too large (the whole request is refused).
    case badFirehoseRecord = "bad_firehose_record"

    /// Orders by raw value.
    public static func < (a: HTTPRejection, b: HTTPRejection) -> Bool { a.rawValue < b.rawValue }
}

/// Counters of the HTTP edge, shared by all requests; the daemon renders them on `/metrics`.
public final class HTTPStats: Sendable {
    private struct RouteStatus: Hashable {
        var route: String
        var status: Int
    }

    private struct State {
        var responses: [RouteStatus: Int] = [:]
        var bodyBytes = 0
        var decodedBytes = 0
        var rejections: [HTTPRejection: Int] = [:]
    }

    private let state = Mutex(State())

    /// Empty counters.
    public init() {}

    /// Counts one response: `route` is the matched route pattern (`/api/v1/traces/{id}`), or
    /// `unmatched` for a path no route knows.
    public func record(route: String, status: Int) {
        state.withLock { $0.responses[RouteStatus(route: route, status: status), default: 0] += 1 }
    }

    /// Adds `count` request-body bytes received (as sent, before decompression).
    public func addBodyBytes(_ count: Int) {
        state.withLock { $0.bodyBytes += count }
    }

    /// Adds `count` bytes obtained by decompressing bodies and Firehose records.
    public func addDecodedBytes(_ count: Int) {
        state.withLock { $0.decodedBytes += count }
    }

    /// Counts one refused request.
    public func reject(_ reason: HTTPRejection) {
        state.withLock { $0.rejections[reason, default: 0] += 1 }
    }

    /// Responses so far by route pattern and status, sorted by route then status.
    public func snapshot() -> [(route: String, status: Int, count: Int)] {
        let responses = state.withLock { $0.responses }
        return responses
            .map { (route: $0.key.route, status: $0.key.status, count: $0.value) }
            .sorted { ($0.route, $0.status) < ($1.route, $1.status) }
    }

    /// Request-body bytes received so far (before decompression).
    public var bodyBytesReceived: Int { state.withLock { $0.bodyBytes } }

    /// Bytes produced by decompression so far.
    public var decodedBytes: Int { state.withLock { $0.decodedBytes } }

    /// Every rejection reason with its count (zero included), sorted by reason.
    public func rejections() -> [(reason: HTTPRejection, count: Int)] {
        let counts = state.withLock { $0.rejections }
        return HTTPRejection.allCases.sorted().map { (reason: $0, count: counts[$0] ?? 0) }
    }

    /// How many requests were refused for `reason`.
    public func rejections(_ reason: HTTPRejection) -> Int {
        state.withLock { $0.rejections[reason] ?? 0 }
    }
}
