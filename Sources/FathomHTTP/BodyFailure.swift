/// Why a request body was refused before reaching the daemon: the status to answer, the
/// message for the client, and the reason to count.
struct BodyFailure: Error, Sendable {
    let status: Int
    let message: String
    let rejection: HTTPRejection

    /// The body on the wire is larger than `limit` bytes (413).
    static func tooLarge(limit: Int) -> BodyFailure {
        BodyFailure(
            status: 413, message: "request body exceeds the limit of \(limit) bytes", rejection: .bodyTooLarge)
    }

    /// The body decompresses to more than `limit` bytes (413).
    static func decodedTooLarge(limit: Int) -> BodyFailure {
        BodyFailure(
            status: 413, message: "decompressed request body exceeds the limit of \(limit) bytes",
            rejection: .decodedTooLarge)
    }

    /// The body is not valid gzip (400); `detail` is the decoder's message.
    static func badGzip(_ detail: String) -> BodyFailure {
        BodyFailure(status: 400, message: "request body is not valid gzip: \(detail)", rejection: .badGzip)
    }

    /// A `Content-Encoding` other than gzip or identity (415).
    static func unsupportedEncoding(_ encoding: String) -> BodyFailure {
        BodyFailure(
            status: 415, message: "unsupported Content-Encoding '\(encoding)' (use gzip or none)",
            rejection: .unsupportedEncoding)
    }
}
