/// One Amazon Data Firehose HTTP-endpoint delivery request, decoded.
///
/// The body is `{"requestId":"…","timestamp":<epoch ms>,"records":[{"data":"<base64>"},…]}`.
/// Each record's data is returned decoded from base64 and otherwise untouched: for a CloudWatch
/// Logs subscription it is a gzip member holding one envelope JSON document (`DATA_MESSAGE` or
/// `CONTROL_MESSAGE`); decompressing it is the caller's job (FathomIO's `gunzip`). If the body
/// itself arrived with `Content-Encoding: gzip`, decompress it before `parse`.
public struct FirehoseRequest: Sendable, Equatable {
    /// The request's id, to be echoed in the response (`requestId`).
    public var requestID: String
    /// When Firehose sent the request, in milliseconds since the epoch (`timestamp`).
    public var timestamp: Int64
    /// The records' data, base64-decoded, in request order.
    public var records: [[UInt8]]

    /// A request from its parts.
    public init(requestID: String, timestamp: Int64, records: [[UInt8]]) {
        self.requestID = requestID
        self.timestamp = timestamp
        self.records = records
    }

    /// Decodes a request body (UTF-8 JSON, not compressed).
    ///
    /// Strict JSON (see `JSONScanner`); whitespace around the object is allowed, anything else
    /// after it is not. `requestId` (a string), `timestamp` (an integer, or a string holding one)
    /// and `records` (an array of objects, each with a base64 string `data`) are required; the
    /// first occurrence of a repeated key counts; unknown members, in the body and in records,
    /// are ignored. An empty `records` array is valid. On failure the error says what and where,
    /// and carries the request id whenever it could be read, so the error response can echo it.
    public static func parse(_ body: [UInt8]) -> Result<FirehoseRequest, FirehoseError> {
        withByteView(body) { v in parse(v) }
    }

    private static func parse(_ v: ByteView) -> Result<FirehoseRequest, FirehoseError> {
        let start = JSONScanner.skipWhitespace(v, from: 0)
        guard start < v.count else { return .failure(FirehoseError("body is empty")) }
        guard v[start] == UInt8(ascii: "{") else {
            return .failure(FirehoseError("body is not a JSON object"))
        }

        var idMember: JSONMember?
        var timestampMember: JSONMember?
        var recordsMember: JSONMember?
        let end = JSONScanner.forEachMember(v, objectAt: start) { m in
            if idMember == nil && JSONScanner.keyEquals(v, m, "requestId") {
                idMember = m
            } else if timestampMember == nil && JSONScanner.keyEquals(v, m, "timestamp") {
                timestampMember = m
            } else if recordsMember == nil && JSONScanner.keyEquals(v, m, "records") {
                recordsMember = m
            }
        }

        // The request id first: every later error can then carry it.
        var requestID: String?
        if let m = idMember ?? JSONScanner.member(v, objectAt: start, named: "requestId"), m.kind == .string {
            requestID = JSONScanner.string(v, m.value)
        }
        func fail(_ message: String) -> Result<FirehoseRequest, FirehoseError> {
            .failure(FirehoseError(message, requestID: requestID))
        }

        guard let end else { return fail("body is not valid JSON") }
        let after = JSONScanner.skipWhitespace(v, from: end)
        if after < v.count { return fail("body has unexpected bytes after the JSON object, at offset \(after)") }

        guard let idMember else { return fail("missing requestId") }
        guard idMember.kind == .string, let id = requestID else { return fail("requestId is not a string") }
        guard let timestampMember else { return fail("missing timestamp") }
        guard timestampMember.kind == .number || timestampMember.kind == .string,
            let timestamp = JSONScanner.int64(v, timestampMember.value)
        else { return fail("timestamp is not an integer") }
        guard let recordsMember else { return fail("missing records") }
        guard recordsMember.kind == .array else { return fail("records is not an array") }

        var records: [[UInt8]] = []
        var problem: String?
        var index = 0
        _ = JSONScanner.forEachElementWhile(v, arrayAt: recordsMember.value.lowerBound) { _, kind, range in
            defer { index += 1 }
            guard kind == .object else {
                problem = "records[\(index)] is not an object"
                return false
            }
            guard let data = JSONScanner.member(v, objectAt: range.lowerBound, named: "data") else {
                problem = "records[\(index)] has no data"
                return false
            }
            guard data.kind == .string else {
                problem = "records[\(index)].data is not a string"
                return false
            }
            guard let bytes = decodeData(v, data) else {
                problem = "records[\(index)].data is not base64"
                return false
            }
            records.append(bytes)
            return true
        }
        if let problem { return fail(problem) }
        return .success(FirehoseRequest(requestID: id, timestamp: timestamp, records: records))
    }

    /// The base64-decoded bytes of the string member `m`; escapes (`\/` is legal JSON for `/`)
    /// are undone first. Nil when not base64.
    private static func decodeData(_ v: ByteView, _ m: JSONMember) -> [UInt8]? {
        let content = m.stringContent
        if v.firstIndex(of: UInt8(ascii: "\\"), from: content.lowerBound, end: content.upperBound) == nil {
            return Base64.decode(buffer: UnsafeBufferPointer(start: v.base + content.lowerBound, count: content.count))
        }
        var text: [UInt8] = []
        text.reserveCapacity(content.count)
        guard JSONScanner.decodeString(v, m.value, into: &text) else { return nil }
        return Base64.decode(text)
    }
}

/// Why a Firehose request body could not be decoded: `message` says what and where
/// ("records[3].data is not base64", "missing requestId"), suitable as the response's
/// `errorMessage`.
public struct FirehoseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, and where in the body.
    public var message: String
    /// The request's `requestId` when it could be read before the problem, for the error response.
    public var requestID: String?

    /// An error with `message`, and the request id if known.
    public init(_ message: String, requestID: String? = nil) {
        self.message = message
        self.requestID = requestID
    }

    /// `message`.
    public var description: String { message }
}

/// The JSON bodies of responses to Firehose HTTP-endpoint delivery requests.
public enum FirehoseResponse {
    /// `{"requestId":"…","timestamp":…}` for success (send with status 200), or with
    /// `"errorMessage":"…"` appended for a failure (send with a non-200 status). `timestamp` is
    /// the response time in milliseconds since the epoch. Strings are JSON-escaped.
    public static func body(requestID: String, timestamp: Int64, errorMessage: String?) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("requestId", requestID)
        w.field("timestamp", timestamp)
        if let errorMessage { w.field("errorMessage", errorMessage) }
        w.endObject()
        return w.bytes
    }
}
