import FathomCore
import FathomIO
import Hummingbird
import Logging

/// POST /api/v1/firehose: an Amazon Data Firehose "HTTP endpoint" destination fed by a CloudWatch
/// Logs subscription filter.
///
/// Authentication is the `X-Amz-Firehose-Access-Key` header (compared in constant time with the
/// configured key), not the bearer token: Firehose cannot send an `Authorization` header, so
/// this route is registered ahead of `BearerAuthMiddleware`. Without a configured key the route
/// answers 404 (an endpoint that nobody may call is off).
///
/// The body (gzip when Firehose's content encoding is GZIP) is
/// `{"requestId","timestamp","records":[{"data":base64}]}`; each record's data is gzip holding
/// one CloudWatch Logs envelope per gzip member. All records are decoded before anything is
/// handed to the daemon: one bad record (not base64, not gzip, corrupt, over the size limit)
/// refuses the whole request with 400 naming the record, and nothing of it is ingested.
///
/// Every answer has Firehose's shape, `{"requestId":"…","timestamp":<ms>}` with 200, or with
/// `"errorMessage"` and 400 (bad request or record), 401/403 (missing/wrong key), 404 (off),
/// 413 (body too large), 415 (unknown encoding) or 500 (the daemon could not commit; Firehose
/// retries the same request id).
struct FirehoseRoute<API: DaemonAPI>: Sendable {
    static var accessKeyHeader: String { "X-Amz-Firehose-Access-Key" }
    static var requestIDHeader: String { "X-Amz-Firehose-Request-Id" }

    let api: API
    /// The configured access key; nil turns the route off.
    let accessKey: [UInt8]?
    let bodies: BodyReader
    let stats: HTTPStats
    /// Milliseconds since the epoch, for the response's `timestamp`.
    let now: @Sendable () -> Int64

    func handle(_ request: Request, _ context: FathomRequestContext) async throws -> Response {
        // The header carries the same id as the body; it is all there is when the body is bad.
        let headerID = request.headers[.init(Self.requestIDHeader)!] ?? ""
        guard let accessKey else {
            return reply(404, headerID, "the Firehose endpoint is off: no Firehose access key is configured")
        }
        guard let given = request.headers[.init(Self.accessKeyHeader)!] else {
            stats.reject(.firehoseUnauthorized)
            return reply(401, headerID, "missing X-Amz-Firehose-Access-Key header")
        }
        guard ConstantTime.equals(given.utf8, accessKey) else {
            stats.reject(.firehoseUnauthorized)
            return reply(403, headerID, "invalid access key")
        }

        let body: [UInt8]
        do {
            body = try await bodies.read(request)
        } catch let failure as BodyFailure {
            stats.reject(failure.rejection)
            return reply(failure.status, headerID, failure.message)
        }
        let parsed: FirehoseRequest
        switch FirehoseRequest.parse(body) {
        case .success(let p): parsed = p
        case .failure(let error):
            stats.reject(.badFirehoseRequest)
            return reply(400, error.requestID ?? headerID, error.message)
        }

        let envelopes: [[UInt8]]
        switch decodeRecords(parsed.records) {
        case .success(let e): envelopes = e
        case .failure(let failure):
            stats.reject(.badFirehoseRecord)
            return reply(400, parsed.requestID, failure.message)
        }
        if !envelopes.isEmpty {
            do {
                try await api.ingestEnvelopes(envelopes, source: "firehose:\(parsed.requestID)")
            } catch {
                context.logger.error(
                    "firehose request not committed",
                    metadata: ["requestId": "\(parsed.requestID)", "error": "\(String(describing: error))"])
                return reply(500, parsed.requestID, "could not commit the records: \(String(describing: error))")
            }
        }
        return reply(200, parsed.requestID, nil)
    }

    /// The envelopes in the records, in order (a record with several gzip members gives one per
    /// member; empty members are dropped), or the first bad record's problem. The records'
    /// decompressed sizes together may not exceed `bodies.maxDecodedBytes`.
    func decodeRecords(_ records: [[UInt8]]) -> Result<[[UInt8]], RecordFailure> {
        var envelopes: [[UInt8]] = []
        envelopes.reserveCapacity(records.count)
        var budget = bodies.maxDecodedBytes
        for (index, record) in records.enumerated() {
            let name = "records[\(index)]"
            guard isGzip(record) else {
                return .failure(RecordFailure(message:
                    "\(name): data is not gzip (expected a CloudWatch Logs subscription record; "
                        + "leave Firehose's decompression of CloudWatch Logs records off)"))
            }
            let members: [[UInt8]]
            do {
                members = try gunzipMembers(record, maxOutput: budget, name: name)
            } catch {
                if error.isOutputLimit {
                    return .failure(RecordFailure(message:
                        "\(name): decompressed records exceed the limit of \(bodies.maxDecodedBytes) bytes per request"))
                }
                return .failure(RecordFailure(message: error.message))
            }
            for member in members where !member.isEmpty {
                budget -= member.count
                stats.addDecodedBytes(member.count)
                envelopes.append(member)
            }
        }
        return .success(envelopes)
    }

    /// Firehose's response shape with `status`.
    func reply(_ status: Int, _ requestID: String, _ errorMessage: String?) -> Response {
        Reply.bytes(
            status, contentType: "application/json",
            FirehoseResponse.body(requestID: requestID, timestamp: now(), errorMessage: errorMessage))
    }
}

/// Why a Firehose record was refused; the message names the record (`records[2]: …`).
struct RecordFailure: Error, Sendable {
    let message: String
}
