import FathomIO
import Hummingbird

/// Reads request bodies with a size limit and undoes gzip content encoding with another.
struct BodyReader: Sendable {
    /// The most bytes accepted on the wire.
    let maxBodyBytes: Int
    /// The most bytes a body may decompress to.
    let maxDecodedBytes: Int
    let stats: HTTPStats

    /// The request body, decompressed when it is gzip (by `Content-Encoding` or by its magic
    /// number). Throws `BodyFailure` for a refused body, or the transport's error when the client
    /// goes away.
    func read(_ request: Request) async throws -> [UInt8] {
        let encoding = try contentEncoding(request)
        let raw = try await collect(request)
        return try decode(raw, gzipDeclared: encoding)
    }

    /// Whether the request declares gzip; throws for an encoding other than gzip or identity.
    func contentEncoding(_ request: Request) throws(BodyFailure) -> Bool {
        guard let header = request.headers[.contentEncoding] else { return false }
        let value = header.trimmingSpaces().lowercased()
        switch value {
        case "", "identity": return false
        case "gzip", "x-gzip": return true
        default: throw .unsupportedEncoding(header)
        }
    }

    /// The body bytes as sent, refusing (413) as soon as they exceed the limit; a declared
    /// `Content-Length` over the limit is refused before reading anything.
    func collect(_ request: Request) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap({ Int($0.trimmingSpaces()) }), length > maxBodyBytes {
            throw BodyFailure.tooLarge(limit: maxBodyBytes)
        }
        var bytes: [UInt8] = []
        for try await buffer in request.body {
            if bytes.count + buffer.readableBytes > maxBodyBytes {
                stats.addBodyBytes(bytes.count + buffer.readableBytes)
                throw BodyFailure.tooLarge(limit: maxBodyBytes)
            }
            bytes.append(contentsOf: buffer.readableBytesView)
        }
        stats.addBodyBytes(bytes.count)
        return bytes
    }

    /// `raw` decompressed when declared or detected as gzip, else `raw`. An empty body stays empty.
    func decode(_ raw: [UInt8], gzipDeclared: Bool) throws(BodyFailure) -> [UInt8] {
        guard !raw.isEmpty, gzipDeclared || isGzip(raw) else { return raw }
        do {
            let decoded = try gunzip(raw, maxOutput: maxDecodedBytes, name: "body")
            stats.addDecodedBytes(decoded.count)
            return decoded
        } catch {
            if error.isOutputLimit { throw .decodedTooLarge(limit: maxDecodedBytes) }
            throw .badGzip(error.message)
        }
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
