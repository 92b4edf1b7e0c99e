import Foundation
import Testing

@testable import FathomCore
@testable import FathomIO

@Suite struct GunzipTests {
    /// `printf 'hello gzip\nsecond line\n' | gzip -n -9`: the real tool's output.
    static let fromGzipTool: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57,
        0x48, 0xaf, 0xca, 0x2c, 0xe0, 0x2a, 0x4e, 0x4d, 0xce, 0xcf, 0x4b, 0x51, 0xc8, 0xc9, 0xcc, 0x4b,
        0xe5, 0x02, 0x00, 0x63, 0x78, 0x66, 0xeb, 0x17, 0x00, 0x00, 0x00,
    ]
    static let fromGzipToolText = Array("hello gzip\nsecond line\n".utf8)

    /// The error `body` throws, or nil when it does not throw.
    func failure(_ body: () throws(InputError) -> [UInt8]) -> InputError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    // MARK: Magic

    @Test func magic() {
        #expect(isGzip(Self.fromGzipTool))
        #expect(isGzip([0x1f, 0x8b]))
        #expect(isGzip(gzipCompress([])[...]))
        #expect(!isGzip([0x1f]))
        #expect(!isGzip([]))
        #expect(!isGzip([0x8b, 0x1f]))
        #expect(!isGzip(Array(#"{"requestId":"x"}"#.utf8)))
        #expect(!isGzip(Deflate.compress([1, 2, 3])))
    }

    // MARK: Decoding

    @Test func decodesOutputOfTheGzipTool() throws {
        #expect(try gunzip(Self.fromGzipTool, maxOutput: 1000) == Self.fromGzipToolText)
    }

    @Test(arguments: [0, 1, 100, 70_000, 3_000_000])
    func roundTrip(size: Int) throws {
        let original = sampleLog(bytes: size) + noise(bytes: size / 10)
        let output = try gunzip(gzipCompress(original), maxOutput: 10 << 20)
        #expect(mismatch(output, original) == nil)
    }

    @Test func incompressibleAndLevels() throws {
        let original = noise(bytes: 200_000)
        for level: Int32 in [0, 1, 9] {
            #expect(mismatch(try gunzip(gzipCompress(original, level: level), maxOutput: 200_000), original) == nil)
        }
    }

    @Test func multiMemberWithZeroPadding() throws {
        let a = sampleLog(bytes: 300_000, seed: 1)
        let b = sampleLog(bytes: 10, seed: 2)
        let joined = gzipCompress(a) + gzipCompress([]) + [0, 0, 0] + gzipCompress(b) + Self.fromGzipTool + [0, 0]
        let expected = a + b + Self.fromGzipToolText
        #expect(mismatch(try gunzip(joined, maxOutput: expected.count), expected) == nil)
        let members = try gunzipMembers(joined, maxOutput: expected.count)
        #expect(members.count == 4)
        #expect(members == [a, [], b, Self.fromGzipToolText])
    }

    @Test func zlibFormatIsAcceptedToo() throws {
        let original = sampleLog(bytes: 5000)
        #expect(try gunzip(Deflate.compress(original), maxOutput: 5000) == original)
    }

    // MARK: Damage

    @Test func emptyInputIsTruncated() {
        let e = failure { () throws(InputError) in try gunzip([], maxOutput: 100, name: "request body") }
        #expect(e?.kind == .truncatedGzip(decompressedOffset: 0))
        #expect(e?.message == "request body: empty input: no gzip stream")
        #expect(e?.path == "request body")
    }

    @Test func everyTruncationIsReportedAsTruncated() {
        let packed = gzipCompress(sampleLog(bytes: 20_000))
        for length in 1..<packed.count {
            let e = failure { () throws(InputError) in try gunzip(Array(packed.prefix(length)), maxOutput: 1 << 20) }
            guard case .truncatedGzip(let offset) = e?.kind else {
                Issue.record("prefix \(length): \(String(describing: e))")
                continue
            }
            #expect(offset <= 20_000)
        }
        let e = failure { () throws(InputError) in try gunzip(Array(packed.dropLast()), maxOutput: 1 << 20, name: "b") }
        #expect(e?.message.hasPrefix("b: truncated gzip stream: input ended before the end of the stream at decompressed offset 20000") == true)
    }

    @Test func truncatedSecondMember() {
        let packed = gzipCompress(Array("first".utf8)) + gzipCompress(Array("second".utf8)).dropLast(3)
        let e = failure { () throws(InputError) in try gunzip(packed, maxOutput: 100) }
        #expect(e?.kind == .truncatedGzip(decompressedOffset: 11))
    }

    @Test func corruptDataIsReported() {
        var packed = gzipCompress(sampleLog(bytes: 50_000))
        packed[40] ^= 0x55
        packed[41] ^= 0xAA
        let e = failure { () throws(InputError) in try gunzip(packed, maxOutput: 1 << 20, name: "records[0]") }
        guard case .corruptGzip = e?.kind else {
            Issue.record("expected corruptGzip, got \(String(describing: e))")
            return
        }
        #expect(e?.message.hasPrefix("records[0]: corrupt gzip data at decompressed offset ") == true)
    }

    @Test func badChecksumIsCorrupt() {
        var packed = Self.fromGzipTool
        packed[packed.count - 8] ^= 1  // CRC-32
        let e = failure { () throws(InputError) in try gunzip(packed, maxOutput: 1000) }
        #expect(e?.kind == .corruptGzip(decompressedOffset: 23))
        #expect(e?.message.hasSuffix("incorrect data check") == true)
        var sized = Self.fromGzipTool
        sized[sized.count - 4] ^= 1  // ISIZE
        let f = failure { () throws(InputError) in try gunzip(sized, maxOutput: 1000) }
        #expect(f?.message.hasSuffix("incorrect length check") == true)
    }

    @Test func notGzipAndTrailingGarbage() {
        let text = failure { () throws(InputError) in try gunzip(Array("hello world".utf8), maxOutput: 1000, name: "x") }
        #expect(text?.kind == .corruptGzip(decompressedOffset: 0))
        #expect(text?.message == "x: corrupt gzip data at decompressed offset 0 (compressed offset 2): incorrect header check")
        let trailing = failure { () throws(InputError) in try gunzip(Self.fromGzipTool + Array("junk".utf8), maxOutput: 1000) }
        #expect(trailing?.kind == .corruptGzip(decompressedOffset: 23))
        #expect(trailing?.isOutputLimit == false)
    }

    // MARK: Decompression bombs

    @Test func bombIsStoppedAtTheLimit() {
        let zeros = [UInt8](repeating: 0, count: 20 << 20)
        let bomb = gzipCompress(zeros, level: 9)
        #expect(bomb.count < 50_000)
        let e = failure { () throws(InputError) in try gunzip(bomb, maxOutput: 1 << 20, name: "request body") }
        #expect(e?.kind == .outputLimitExceeded(limit: 1 << 20))
        #expect(e?.isOutputLimit == true)
        #expect(e?.message.hasPrefix("request body: decompressed size exceeds the limit of 1048576 bytes (stopped at compressed offset ") == true)
        // Stopped early: far less than the whole bomb was read.
        let stoppedAt = e.flatMap { Int($0.message.split(separator: " ").last!.dropLast()) } ?? .max
        #expect(stoppedAt < bomb.count / 4)
    }

    @Test func limitIsInclusive() throws {
        let original = sampleLog(bytes: 100_000)
        let packed = gzipCompress(original)
        #expect(try gunzip(packed, maxOutput: 100_000) == original)
        let e = failure { () throws(InputError) in try gunzip(packed, maxOutput: 99_999) }
        #expect(e?.isOutputLimit == true)
        #expect(try gunzip(gzipCompress([]), maxOutput: 0) == [])
        #expect(failure { () throws(InputError) in try gunzip(gzipCompress([7]), maxOutput: 0) }?.isOutputLimit == true)
        #expect(failure { () throws(InputError) in try gunzip(gzipCompress([7]), maxOutput: -5) }?.isOutputLimit == true)
    }

    @Test func limitCoversAllMembers() {
        let one = gzipCompress(sampleLog(bytes: 60_000))
        let e = failure { () throws(InputError) in try gunzip(one + one, maxOutput: 100_000) }
        #expect(e?.isOutputLimit == true)
        let m = failure { () throws(InputError) in try gunzipMembers(one + one, maxOutput: 100_000).flatMap { $0 } }
        #expect(m?.isOutputLimit == true)
    }

    // MARK: Firehose end to end

    /// A CloudWatch Logs subscription envelope with `count` events for `group`.
    func envelope(group: String, count: Int, first: Int64) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("messageType", "DATA_MESSAGE")
        w.field("owner", "123456789012")
        w.field("logGroup", group)
        w.field("logStream", "2026/11/20/[$LATEST]abc")
        w.key("subscriptionFilters")
        w.beginArray()
        w.string("f")
        w.endArray()
        w.key("logEvents")
        w.beginArray()
        for k in 0..<count {
            w.beginObject()
            w.field("id", "3900000000000000000000000000000000000000000000000000\(1000 + k)")
            w.field("timestamp", first + Int64(k))
            w.field("message", k == 0
                ? "START RequestId: 8f5e2c4a-1b3d-4e6f-9a0b-2c4d6e8f0a1b Version: $LATEST\n"
                : "2026-11-20T10:00:00.\(k)Z\t8f5e2c4a-1b3d-4e6f-9a0b-2c4d6e8f0a1b\tINFO\tline \(k) \"quoted\"\n")
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    @Test func firehoseRequestOfCloudWatchLogsRecords() throws {
        let envelopes = [
            envelope(group: "/aws/lambda/orders", count: 1, first: 1_763_632_800_000),
            envelope(group: "/aws/lambda/orders", count: 500, first: 1_763_632_800_100),
            envelope(group: "/aws/lambda/payments", count: 3, first: 1_763_632_801_000),
        ]
        // Built as AWS builds it, with Foundation's base64 (an independent encoder).
        var body = #"{"requestId":"ed4acda5-034f-9f42-bba1-f29aea6d7d8f","timestamp":1763632805000,"records":["#
        for (k, e) in envelopes.enumerated() {
            body += (k > 0 ? "," : "") + #"{"data":""# + Data(gzipCompress(e)).base64EncodedString() + #""}"#
        }
        body += "]}"

        // The whole body sent with `Content-Encoding: gzip`.
        let wire = gzipCompress(Array(body.utf8))
        #expect(isGzip(wire))
        let plain = try gunzip(wire, maxOutput: 16 << 20, name: "request body")

        let request = try FirehoseRequest.parse(plain).get()
        #expect(request.requestID == "ed4acda5-034f-9f42-bba1-f29aea6d7d8f")
        #expect(request.timestamp == 1_763_632_805_000)
        #expect(request.records.count == 3)
        var decoded: [[UInt8]] = []
        for (k, record) in request.records.enumerated() {
            #expect(isGzip(record))
            decoded.append(try gunzip(record, maxOutput: 1 << 20, name: "records[\(k)]"))
        }
        #expect(decoded == envelopes)
        // Each envelope is one JSON document on one line, as the `cwl` ingestion format reads it.
        for e in decoded {
            #expect(!e.contains(0x0A))
            withByteView(e) { v in #expect(JSONScanner.skipValue(v, from: 0) == v.count) }
        }
    }

    @Test func firehoseRecordGzippedByPython() throws {
        let body = #"{"requestId":"a1b2","timestamp":1763632805123,"records":[{"data":""#
            + "H4sIAAAAAAACA52Py2rDMBREf8WILmP0sKPY3hnqhkK7iUU3qSmSdR0MflVSGkrIv/cmbX8gWp6ZO5o5kxG81wdQ3wuQgjyWqvx4req63FZkRebTBA4xF0m6lpssZ1wgHubD1s3HBRWqT54OejRW09lZcP5Xr4MDPaJBMCEp51Qwun94KVVVq0abFl3+aHzr+iX08/TUD+F6W+xJR5pbQvUFU7iSM+ktBiU5u+vhT6HHlUGPWJhvZCITkd2k1f96jK9VuVPRDj6PaH22RZR1axBtqmNuEhunILs418zEyKyErGOam+gNS2P9Ivqb9j6RS3P5Ae1UMYFWAQAA"
            + #""}]}"#
        let request = try FirehoseRequest.parse(Array(body.utf8)).get()
        let envelope = try gunzip(request.records[0], maxOutput: 4096)
        #expect(String(decoding: envelope, as: UTF8.self)
            == #"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/orders","logStream":"2026/11/20/[$LATEST]abc","subscriptionFilters":["f"],"logEvents":[{"id":"39000000000000000000000000000000000000000000000000000000","timestamp":1763632800000,"message":"START RequestId: 8f5e2c4a-1b3d-4e6f-9a0b-2c4d6e8f0a1b Version: $LATEST\n"}]}"#)
    }

    @Test func foundationDecodesWhatBase64Encodes() {
        let bytes = noise(bytes: 10_000)
        let ours = Base64.encode(bytes)
        #expect(String(decoding: ours, as: UTF8.self) == Data(bytes).base64EncodedString())
        #expect(Base64.decode(Array(Data(bytes).base64EncodedString().utf8)) == bytes)
    }
}
