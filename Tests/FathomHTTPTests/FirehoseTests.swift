import Foundation
import Testing

@testable import FathomHTTP

/// POST /api/v1/firehose as Amazon Data Firehose calls it.
struct FirehoseTests {
    static let key = "fh-access-key-0123456789"
    static let config = HTTPServerConfig(firehoseAccessKey: key)
    static let requestID = "ed4acda5-034f-9f42-bba1-f29aea6d7d8f"

    static let envelopes: [[UInt8]] = [
        utf8(#"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1714557600000,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}"#),
        utf8(#"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/checkout","logStream":"2024/05/01/[$LATEST]0a1b","subscriptionFilters":["fathom"],"logEvents":[{"id":"1","timestamp":1714557600000,"message":"START RequestId: 5f0c Version: $LATEST\n"}]}"#),
        utf8(#"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/checkout","logStream":"2024/05/01/[$LATEST]0a1b","subscriptionFilters":["fathom"],"logEvents":[{"id":"2","timestamp":1714557600120,"message":"END RequestId: 5f0c\n"}]}"#),
    ]

    /// A request body in the documented shape with the given records' `data` strings.
    static func body(_ data: [String], requestID: String = requestID) -> [UInt8] {
        let records = data.map { #"{"data":"\#($0)"}"# }.joined(separator: ",")
        return utf8(#"{"requestId":"\#(requestID)","timestamp":1578090901599,"records":[\#(records)]}"#)
    }

    /// The headers Firehose sends (Content-Encoding only when `gzip`).
    static func headers(key: String? = key, gzip: Bool = false) -> [(String, String)] {
        var h = [
            ("Content-Type", "application/json"),
            ("X-Amz-Firehose-Protocol-Version", "1.0"),
            ("X-Amz-Firehose-Request-Id", requestID),
            ("X-Amz-Firehose-Source-Arn", "arn:aws:firehose:us-east-1:123456789012:deliverystream/fathom"),
            ("X-Amz-Firehose-Common-Attributes", #"{"commonAttributes":{}}"#),
        ]
        if let key { h.append(("X-Amz-Firehose-Access-Key", key)) }
        if gzip { h.append(("Content-Encoding", "gzip")) }
        return h
    }

    /// Checks the Firehose response shape: requestId echoed, a millisecond timestamp near now.
    static func expectShape(_ answer: TestServer.Answer, requestID: String = requestID, error: Bool) {
        #expect(answer.header("Content-Type") == "application/json")
        let json = answer.json
        #expect(json["requestId"] as? String == requestID)
        let timestamp = (json["timestamp"] as? NSNumber)?.int64Value ?? 0
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(abs(now - timestamp) < 60_000, "timestamp \(timestamp)")
        #expect((json["errorMessage"] != nil) == error)
        #expect(Set(json.keys).isSubset(of: ["requestId", "timestamp", "errorMessage"]))
    }

    @Test func gzipRequestOfGzipRecordsIsIngested() async throws {
        try await TestServer.with(Self.config) { server in
            let body = Self.body(Self.envelopes.map { base64(gzip($0)) })
            let answer = try await server.send(
                .POST, "/api/v1/firehose", headers: Self.headers(gzip: true), body: gzip(body))
            #expect(answer.status == 200)
            Self.expectShape(answer, error: false)
            #expect(server.api.calls == [.ingestEnvelopes(envelopes: Self.envelopes, source: "firehose:\(Self.requestID)")])
        }
    }

    @Test func uncompressedRequestAndMultiMemberRecord() async throws {
        try await TestServer.with(Self.config) { server in
            // One record holding two gzip members gives two envelopes.
            let twoMembers = gzip(Self.envelopes[1]) + gzip(Self.envelopes[2])
            let body = Self.body([base64(gzip(Self.envelopes[0])), base64(twoMembers)], requestID: "req-2")
            let answer = try await server.send(.POST, "/api/v1/firehose", headers: Self.headers(), body: body)
            #expect(answer.status == 200)
            Self.expectShape(answer, requestID: "req-2", error: false)
            #expect(server.api.calls == [.ingestEnvelopes(envelopes: Self.envelopes, source: "firehose:req-2")])
        }
    }

    @Test func emptyRecordsAnswer200WithoutCommitting() async throws {
        try await TestServer.with(Self.config) { server in
            let answer = try await server.send(.POST, "/api/v1/firehose", headers: Self.headers(), body: Self.body([]))
            #expect(answer.status == 200)
            Self.expectShape(answer, error: false)
            #expect(server.api.calls.isEmpty)
        }
    }

    @Test func wrongOrMissingAccessKey() async throws {
        try await TestServer.with(Self.config) { server in
            let body = Self.body(Self.envelopes.map { base64(gzip($0)) })
            let missing = try await server.send(.POST, "/api/v1/firehose", headers: Self.headers(key: nil), body: body)
            #expect(missing.status == 401)
            Self.expectShape(missing, error: true)
            #expect(missing.json["errorMessage"] as? String == "missing X-Amz-Firehose-Access-Key header")
            let wrong = try await server.send(
                .POST, "/api/v1/firehose", headers: Self.headers(key: "fh-access-key-0123456788"), body: body)
            #expect(wrong.status == 403)
            Self.expectShape(wrong, error: true)
            #expect(wrong.json["errorMessage"] as? String == "invalid access key")
            #expect(server.api.calls.isEmpty)
            #expect(server.stats.rejections(.firehoseUnauthorized) == 2)
        }
    }

    @Test func noConfiguredKeyTurnsTheRouteOff() async throws {
        try await TestServer.with { server in
            let body = Self.body([base64(gzip(Self.envelopes[1]))])
            let answer = try await server.send(.POST, "/api/v1/firehose", headers: Self.headers(), body: body)
            #expect(answer.status == 404)
            Self.expectShape(answer, error: true)
            #expect(server.api.calls.isEmpty)
        }
    }

    @Test(arguments: [
        ("notgzip", "records[2]: data is not gzip"),
        ("corrupt", "records[2]: corrupt gzip data"),
        ("truncated", "records[2]: truncated gzip stream"),
        ("base64", "records[2].data is not base64"),
    ])
    func badRecordAtIndexTwoRefusesTheWholeRequest(kind: String, expected: String) async throws {
        try await TestServer.with(Self.config) { server in
            var data = Self.envelopes.map { base64(gzip($0)) }
            var corrupt = gzip(Self.envelopes[2])
            corrupt[12] ^= 0xFF
            corrupt[13] ^= 0xFF
            switch kind {
            case "notgzip": data.append(base64(Self.envelopes[2]))
            case "corrupt": data.append(base64(corrupt))
            case "truncated": data.append(base64(Array(gzip(Self.envelopes[2]).dropLast(10))))
            default: data.append("not*base64!")
            }
            data.swapAt(2, 3)  // the bad record at index 2, a good one after it
            let answer = try await server.send(
                .POST, "/api/v1/firehose", headers: Self.headers(gzip: true), body: gzip(Self.body(data)))
            #expect(answer.status == 400)
            Self.expectShape(answer, error: true)
            let message = answer.json["errorMessage"] as? String ?? ""
            #expect(message.hasPrefix(expected), "\(message)")
            #expect(server.api.calls.isEmpty)
        }
    }

    @Test func recordsOverTheDecodedLimitAre400NamingTheRecord() async throws {
        let limit = Self.envelopes.map(\.count).reduce(0, +) + 100
        let config = HTTPServerConfig(firehoseAccessKey: Self.key, maxDecodedBytes: limit)
        try await TestServer.with(config) { server in
            let data = Self.envelopes.map { base64(gzip($0)) } + [base64(gzip([UInt8](repeating: 0x20, count: 4096)))]
            let answer = try await server.send(.POST, "/api/v1/firehose", headers: Self.headers(), body: Self.body(data))
            #expect(answer.status == 400)
            Self.expectShape(answer, error: true)
            #expect(answer.json["errorMessage"] as? String == "records[3]: decompressed records exceed the limit of \(limit) bytes per request")
            #expect(server.api.calls.isEmpty)
            #expect(server.stats.rejections(.badFirehoseRecord) == 1)
        }
    }

    @Test func malformedBodies() async throws {
        let config = HTTPServerConfig(firehoseAccessKey: Self.key, maxBodyBytes: 2048)
        try await TestServer.with(config) { server in
            let notJSON = try await server.send(.POST, "/api/v1/firehose", headers: Self.headers(), body: utf8("hello"))
            #expect(notJSON.status == 400)
            Self.expectShape(notJSON, error: true)  // the id comes from the header
            #expect(notJSON.json["errorMessage"] as? String == "body is not a JSON object")
            let noRecords = try await server.send(
                .POST, "/api/v1/firehose", headers: Self.headers(), body: utf8(#"{"requestId":"from-body","timestamp":1}"#))
            #expect(noRecords.status == 400)
            Self.expectShape(noRecords, requestID: "from-body", error: true)
            let badGzip = try await server.send(
                .POST, "/api/v1/firehose", headers: Self.headers(gzip: true), body: utf8(#"{"requestId":"x"}"#))
            #expect(badGzip.status == 400)
            Self.expectShape(badGzip, error: true)
            let big = Self.body([base64([UInt8](repeating: 7, count: 4096))])
            let tooLarge = try await server.send(.POST, "/api/v1/firehose", headers: Self.headers(), body: big)
            #expect(tooLarge.status == 413)
            Self.expectShape(tooLarge, error: true)
            #expect(tooLarge.json["errorMessage"] as? String == "request body exceeds the limit of 2048 bytes")
            let get = try await server.send("/api/v1/firehose")
            #expect(get.status == 405)
            #expect(server.api.calls.isEmpty)
        }
    }

    @Test func commitFailureIs500() async throws {
        let api = FakeDaemonAPI()
        api.setFailCommits(true)
        try await TestServer.with(Self.config, api: api) { server in
            let body = Self.body([base64(gzip(Self.envelopes[1]))])
            let answer = try await server.send(.POST, "/api/v1/firehose", headers: Self.headers(), body: body)
            #expect(answer.status == 500)
            Self.expectShape(answer, error: true)
            #expect(answer.json["errorMessage"] as? String == "could not commit the records: disk full")
            #expect(server.stats.snapshot().map { "\($0.route) \($0.status)" } == ["/api/v1/firehose 500"])
        }
    }
}
