import Testing

@testable import FathomCore

/// Firehose HTTP-endpoint delivery bodies, byte-exact.
enum FirehoseSamples {
    /// The example request body from AWS's "HTTP endpoint delivery request and response
    /// specifications", verbatim.
    static let awsExample = #"{"requestId":"ed4acda5-034f-9f42-bba1-f29aea6d7d8f","timestamp":1578090901599,"records":[{"data":"aGVsbG8="},{"data":"aGVsbG8gd29ybGQ="}]}"#

    /// A CloudWatch Logs subscription envelope, as CloudWatch Logs writes it (compact JSON).
    static let envelope = #"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/orders","logStream":"2026/11/20/[$LATEST]abc","subscriptionFilters":["f"],"logEvents":[{"id":"39000000000000000000000000000000000000000000000000000000","timestamp":1763632800000,"message":"START RequestId: 8f5e2c4a-1b3d-4e6f-9a0b-2c4d6e8f0a1b Version: $LATEST\n"}]}"#

    /// `base64.b64encode(gzip.compress(envelope, mtime=0))` from Python: one record as Firehose
    /// delivers a CloudWatch Logs subscription.
    static let gzippedEnvelopeBase64 = "H4sIAAAAAAACA52Py2rDMBREf8WILmP0sKPY3hnqhkK7iUU3qSmSdR0MflVSGkrIv/cmbX8gWp6ZO5o5kxG81wdQ3wuQgjyWqvx4req63FZkRebTBA4xF0m6lpssZ1wgHubD1s3HBRWqT54OejRW09lZcP5Xr4MDPaJBMCEp51Qwun94KVVVq0abFl3+aHzr+iX08/TUD+F6W+xJR5pbQvUFU7iSM+ktBiU5u+vhT6HHlUGPWJhvZCITkd2k1f96jK9VuVPRDj6PaH22RZR1axBtqmNuEhunILs418zEyKyErGOam+gNS2P9Ivqb9j6RS3P5Ae1UMYFWAQAA"
}

@Suite struct FirehoseRequestTests {
    func parse(_ body: String) -> Result<FirehoseRequest, FirehoseError> {
        FirehoseRequest.parse(Array(body.utf8))
    }

    func error(_ body: String) -> FirehoseError? {
        if case .failure(let e) = parse(body) { return e }
        return nil
    }

    /// CRC-32 (IEEE, as in the gzip trailer), bit by bit.
    func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    @Test func awsDocumentedExample() throws {
        let request = try parse(FirehoseSamples.awsExample).get()
        #expect(request.requestID == "ed4acda5-034f-9f42-bba1-f29aea6d7d8f")
        #expect(request.timestamp == 1_578_090_901_599)
        #expect(request.records == [Array("hello".utf8), Array("hello world".utf8)])
    }

    @Test func cloudWatchLogsRecordIsTheGzipMemberOfTheEnvelope() throws {
        let body = #"{"requestId":"a1b2","timestamp":1763632805123,"records":[{"data":""#
            + FirehoseSamples.gzippedEnvelopeBase64 + #""}]}"#
        let request = try parse(body).get()
        #expect(request.records.count == 1)
        let member = request.records[0]
        let envelope = Array(FirehoseSamples.envelope.utf8)
        #expect(member.count == 252)
        #expect(Array(member.prefix(4)) == [0x1f, 0x8b, 0x08, 0x00])
        // The gzip trailer: CRC-32 and length of the envelope, little-endian.
        let trailer = member.suffix(8).map { UInt32($0) }
        #expect(trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24 == crc32(envelope))
        #expect(trailer[4] | trailer[5] << 8 | trailer[6] << 16 | trailer[7] << 24 == UInt32(envelope.count))
    }

    @Test func whitespaceUnknownMembersAndOrder() throws {
        let body = """

            {
              "records": [ { "extra": [1, {"data": "bm90IHRoaXM="}], "data" : "Zmlyc3Q=" } , {"data":"c2Vjb25k"} ],
              "unknown": {"requestId": "nested, ignored"},
              "timestamp": 7,
              "requestId": "id-\\u0031"
            }\r\n
            """
        let request = try parse(body).get()
        #expect(request.requestID == "id-1")
        #expect(request.timestamp == 7)
        #expect(request.records == [Array("first".utf8), Array("second".utf8)])
    }

    @Test func recordsMayBeEmptyAndDataMayBeEmpty() throws {
        let none = try parse(#"{"requestId":"r","timestamp":0,"records":[]}"#).get()
        #expect(none.records.isEmpty)
        let empty = try parse(#"{"requestId":"r","timestamp":0,"records":[{"data":""}]}"#).get()
        #expect(empty.records == [[]])
    }

    @Test func escapedDataAndUnpaddedData() throws {
        // `\/` is JSON for `/`; Base64 of FB FF BF is `+/+/`.
        let request = try parse(#"{"requestId":"r","timestamp":1,"records":[{"data":"+\/+\/"},{"data":"aGVsbG8"}]}"#).get()
        #expect(request.records == [[0xFB, 0xFF, 0xBF], Array("hello".utf8)])
    }

    @Test func binaryRecords() throws {
        var random = TestRandom(seed: 3)
        let records = (0..<50).map { n in (0..<(n * 37)).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
        var body = #"{"requestId":"bin","timestamp":-5,"records":["#
        for (k, r) in records.enumerated() {
            if k > 0 { body += "," }
            body += #"{"data":""# + String(decoding: Base64.encode(r), as: UTF8.self) + #""}"#
        }
        body += "]}"
        let request = try parse(body).get()
        #expect(request.records == records)
        #expect(request.timestamp == -5)
    }

    @Test func timestampAsAString() throws {
        #expect(try parse(#"{"requestId":"r","timestamp":"1578090901599","records":[]}"#).get().timestamp
            == 1_578_090_901_599)
    }

    @Test func firstOccurrenceOfARepeatedKeyCounts() throws {
        let request = try parse(#"{"requestId":"one","requestId":"two","timestamp":1,"records":[],"records":[1]}"#).get()
        #expect(request.requestID == "one")
        #expect(request.records.isEmpty)
    }

    @Test(arguments: [
        ("", "body is empty", nil),
        (" \n ", "body is empty", nil),
        ("[1]", "body is not a JSON object", nil),
        (#""text""#, "body is not a JSON object", nil),
        ("\u{FEFF}{}", "body is not a JSON object", nil),
        (#"{"timestamp":1,"records":[]}"#, "missing requestId", nil),
        (#"{"requestId":5,"timestamp":1,"records":[]}"#, "requestId is not a string", nil),
        (#"{"requestId":"r","records":[]}"#, "missing timestamp", "r"),
        (#"{"requestId":"r","timestamp":1.5,"records":[]}"#, "timestamp is not an integer", "r"),
        (#"{"requestId":"r","timestamp":"soon","records":[]}"#, "timestamp is not an integer", "r"),
        (#"{"requestId":"r","timestamp":99999999999999999999,"records":[]}"#, "timestamp is not an integer", "r"),
        (#"{"requestId":"r","timestamp":1}"#, "missing records", "r"),
        (#"{"requestId":"r","timestamp":1,"records":{}}"#, "records is not an array", "r"),
        (#"{"requestId":"r","timestamp":1,"records":[{"data":"aGk="},"aGk="]}"#, "records[1] is not an object", "r"),
        (#"{"requestId":"r","timestamp":1,"records":[{"Data":"aGk="}]}"#, "records[0] has no data", "r"),
        (#"{"requestId":"r","timestamp":1,"records":[{"data":null}]}"#, "records[0].data is not a string", "r"),
        (#"{"requestId":"r","timestamp":1,"records":[{"data":"aGk="},{"data":"aGk="},{"data":"aGk="},{"data":"a"}]}"#,
         "records[3].data is not base64", "r"),
        (#"{"requestId":"r","timestamp":1,"records":[{"data":"aGVs bG8="}]}"#, "records[0].data is not base64", "r"),
        (#"{"requestId":"r2","timestamp":1,"records":["#, "body is not valid JSON", "r2"),
        (#"{"requestId":"r","timestamp":1,"records":[],}"#, "body is not valid JSON", "r"),
        (#"{"timestamp":01,"requestId":"r","records":[]}"#, "body is not valid JSON", nil),
        (#"{"requestId":"r","timestamp":1,"records":[]} {}"#,
         "body has unexpected bytes after the JSON object, at offset 45", "r"),
    ] as [(String, String, String?)])
    func errorsSayWhatAndWhere(_ body: String, _ message: String, _ requestID: String?) {
        let e = error(body)
        #expect(e?.message == message)
        #expect(e?.requestID == requestID)
        #expect(e?.description == message)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let body = #"{"requestId":"deep","timestamp":1,"records":[],"x":"# + String(repeating: "[", count: 100_000)
        #expect(error(body)?.message == "body is not valid JSON")
    }

    // MARK: Responses

    @Test func successResponse() {
        let body = FirehoseResponse.body(
            requestID: "ed4acda5-034f-9f42-bba1-f29aea6d7d8f", timestamp: 1_578_090_902_257, errorMessage: nil)
        #expect(String(decoding: body, as: UTF8.self)
            == #"{"requestId":"ed4acda5-034f-9f42-bba1-f29aea6d7d8f","timestamp":1578090902257}"#)
    }

    @Test func errorResponseEscapesStrings() throws {
        let message = "records[3].data is not base64: \"quoted\" \\ back\nslash\t\u{1}é"
        let body = FirehoseResponse.body(requestID: "id\"1", timestamp: 42, errorMessage: message)
        #expect(String(decoding: body, as: UTF8.self)
            == #"{"requestId":"id\"1","timestamp":42,"errorMessage":"records[3].data is not base64: \"quoted\" \\ back\nslash\t\u0001é"}"#)
        // It is valid JSON that reads back as what was written.
        try withByteView(body) { v in
            #expect(JSONScanner.skipValue(v, from: 0) == v.count)
            let id = try #require(JSONScanner.member(v, objectAt: 0, named: "requestId"))
            let text = try #require(JSONScanner.member(v, objectAt: 0, named: "errorMessage"))
            let ts = try #require(JSONScanner.member(v, objectAt: 0, named: "timestamp"))
            #expect(JSONScanner.string(v, id.value) == "id\"1")
            #expect(JSONScanner.string(v, text.value) == message)
            #expect(JSONScanner.int64(v, ts.value) == 42)
        }
    }

    @Test func errorResponseForAParseFailureEchoesTheID() {
        let e = error(#"{"requestId":"abc","timestamp":1,"records":[{"data":"!"}]}"#)
        let body = FirehoseResponse.body(requestID: e?.requestID ?? "", timestamp: 2, errorMessage: e?.message)
        #expect(String(decoding: body, as: UTF8.self)
            == #"{"requestId":"abc","timestamp":2,"errorMessage":"records[0].data is not base64"}"#)
    }
}
