import Testing

@testable import FathomCore

/// Real records, byte-exact.
enum JSONSamples {
    static let platformReport = #"{"time":"2026-10-08T07:30:29.470Z","type":"platform.report","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","metrics":{"durationMs":1233.96,"billedDurationMs":1698,"memorySizeMB":256,"maxMemoryUsedMB":123,"initDurationMs":463.512},"status":"success"}}"#
    static let errorRecord = #"{"timestamp":"2026-10-08T07:30:29.443Z","level":"ERROR","requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","message":"{\"level\":\"ERROR\",\"message\":\"Widget update failed\",\"component\":\"notifier\",\"event\":\"WidgetUpdateFailed\",\"error\":\"SecretUnavailableError\"}"}"#
    static let controlMessage = #"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1680683189085,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}"#
    static let emf = #"{"_aws":{"Timestamp":1656685750622,"CloudWatchMetrics":[{"Namespace":"ServerlessAirline","Dimensions":[["environment","service"]],"Metrics":[{"Name":"TurbineReads","Unit":"Count"}]}]},"environment":"dev","service":"booking","TurbineReads":[1.0,8.0]}"#
    static let all = [platformReport, errorRecord, controlMessage, emf]
}

@Suite struct JSONScannerTests {
    /// Members of the object at `start` as (decoded key, kind, raw value text).
    func members(_ v: ByteView, _ start: Int = 0) -> [(String, JSONKind, String)]? {
        var out: [(String, JSONKind, String)] = []
        let end = JSONScanner.forEachMember(v, objectAt: start) { m in
            var key: [UInt8] = []
            _ = JSONScanner.decodeString(v, (m.key.lowerBound - 1)..<(m.key.upperBound + 1), into: &key)
            out.append((String(decoding: key, as: UTF8.self), m.kind, v.string(m.value)))
        }
        return end == nil ? nil : out
    }

    func skip(_ s: String) -> Int? { withByteView(s) { JSONScanner.skipValue($0, from: 0) } }

    func decode(_ s: String) -> String? {
        withByteView(s) { v in
            var out: [UInt8] = []
            return JSONScanner.decodeString(v, 0..<v.count, into: &out) ? String(decoding: out, as: UTF8.self) : nil
        }
    }

    @Test func platformReport() {
        let s = JSONSamples.platformReport
        withByteView(s) { v in
            #expect(JSONScanner.skipValue(v, from: 0) == v.count)
            let top = members(v)
            #expect(top?.map(\.0) == ["time", "type", "record"])
            #expect(top?[1].2 == #""platform.report""#)
            guard let record = JSONScanner.member(v, objectAt: 0, named: "record") else {
                Issue.record("no record")
                return
            }
            #expect(record.kind == .object)
            guard let metrics = JSONScanner.member(v, objectAt: record.value.lowerBound, named: "metrics") else {
                Issue.record("no metrics")
                return
            }
            var values: [String: Double] = [:]
            let end = JSONScanner.forEachMember(v, objectAt: metrics.value.lowerBound) { m in
                #expect(m.kind == .number)
                values[v.string(m.key)] = JSONScanner.double(v, m.value)
            }
            #expect(end == metrics.value.upperBound)
            #expect(values == [
                "durationMs": 1233.96, "billedDurationMs": 1698, "memorySizeMB": 256, "maxMemoryUsedMB": 123,
                "initDurationMs": 463.512,
            ])
            let status = JSONScanner.member(v, objectAt: record.value.lowerBound, named: "status")
            #expect(status.flatMap { JSONScanner.string(v, $0.value) } == "success")
            let requestID = JSONScanner.member(v, objectAt: record.value.lowerBound, named: "requestId")
            #expect(requestID.map { v.string($0.stringContent) } == "79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36")
        }
    }

    @Test func errorRecordWithEscapedJSONMessage() {
        let inner: [UInt8]? = withByteView(JSONSamples.errorRecord) { v in
            #expect(JSONScanner.skipValue(v, from: 0) == v.count)
            #expect(members(v)?.map(\.0) == ["timestamp", "level", "requestId", "message"])
            guard let message = JSONScanner.member(v, objectAt: 0, named: "message") else { return nil }
            #expect(message.kind == .string)
            var out: [UInt8] = []
            #expect(JSONScanner.decodeString(v, message.value, into: &out))
            return out
        }
        let text = inner.map { String(decoding: $0, as: UTF8.self) }
        #expect(text == #"{"level":"ERROR","message":"Widget update failed","component":"notifier","event":"WidgetUpdateFailed","error":"SecretUnavailableError"}"#)
        withByteView(inner ?? []) { v in
            #expect(JSONScanner.skipValue(v, from: 0) == v.count)
            let error = JSONScanner.member(v, objectAt: 0, named: "error")
            #expect(error.flatMap { JSONScanner.string(v, $0.value) } == "SecretUnavailableError")
            let event = JSONScanner.member(v, objectAt: 0, named: "event")
            #expect(event.flatMap { JSONScanner.string(v, $0.value) } == "WidgetUpdateFailed")
        }
    }

    @Test func cloudWatchControlMessage() {
        withByteView(JSONSamples.controlMessage) { v in
            #expect(JSONScanner.skipValue(v, from: 0) == v.count)
            let top = members(v)
            #expect(top?.map(\.0) == ["messageType", "owner", "logGroup", "logStream", "subscriptionFilters", "logEvents"])
            #expect(top?.map(\.1) == [.string, .string, .string, .string, .array, .array])
            #expect(top?[2].2 == #""""#)
            let filters = JSONScanner.member(v, objectAt: 0, named: "subscriptionFilters")!
            var count = 0
            #expect(JSONScanner.forEachElement(v, arrayAt: filters.value.lowerBound) { _, _, _ in count += 1 } == filters.value.upperBound)
            #expect(count == 0)
            let events = JSONScanner.member(v, objectAt: 0, named: "logEvents")!
            var starts: [Int] = []
            let end = JSONScanner.forEachElement(v, arrayAt: events.value.lowerBound) { start, kind, range in
                #expect(kind == .object)
                #expect(range.lowerBound == start)
                starts.append(start)
                let ts = JSONScanner.member(v, objectAt: start, named: "timestamp")!
                #expect(JSONScanner.int64(v, ts.value) == 1_680_683_189_085)
                #expect(JSONScanner.double(v, ts.value) == 1_680_683_189_085)
                let message = JSONScanner.member(v, objectAt: start, named: "message")!
                #expect(JSONScanner.string(v, message.value) == "CWL CONTROL MESSAGE: Checking health of destination Firehose.")
                let id = JSONScanner.member(v, objectAt: start, named: "id")!
                #expect(JSONScanner.string(v, id.value) == "")
            }
            #expect(end == events.value.upperBound)
            #expect(starts.count == 1)
        }
    }

    @Test func embeddedMetricFormat() {
        withByteView(JSONSamples.emf) { v in
            #expect(JSONScanner.skipValue(v, from: 0) == v.count)
            #expect(members(v)?.map(\.0) == ["_aws", "environment", "service", "TurbineReads"])
            let aws = JSONScanner.member(v, objectAt: 0, named: "_aws")!
            let ts = JSONScanner.member(v, objectAt: aws.value.lowerBound, named: "Timestamp")!
            #expect(JSONScanner.int64(v, ts.value) == 1_656_685_750_622)
            let cwm = JSONScanner.member(v, objectAt: aws.value.lowerBound, named: "CloudWatchMetrics")!
            var namespaces: [String] = []
            var dimensionSets: [[String]] = []
            var metricNames: [String] = []
            _ = JSONScanner.forEachElement(v, arrayAt: cwm.value.lowerBound) { start, _, _ in
                let ns = JSONScanner.member(v, objectAt: start, named: "Namespace")!
                namespaces.append(JSONScanner.string(v, ns.value)!)
                let dims = JSONScanner.member(v, objectAt: start, named: "Dimensions")!
                _ = JSONScanner.forEachElement(v, arrayAt: dims.value.lowerBound) { set, kind, _ in
                    #expect(kind == .array)
                    var names: [String] = []
                    _ = JSONScanner.forEachElement(v, arrayAt: set) { _, _, r in names.append(JSONScanner.string(v, r)!) }
                    dimensionSets.append(names)
                }
                let metrics = JSONScanner.member(v, objectAt: start, named: "Metrics")!
                _ = JSONScanner.forEachElement(v, arrayAt: metrics.value.lowerBound) { m, _, _ in
                    let name = JSONScanner.member(v, objectAt: m, named: "Name")!
                    let unit = JSONScanner.member(v, objectAt: m, named: "Unit")!
                    metricNames.append(JSONScanner.string(v, name.value)! + "/" + JSONScanner.string(v, unit.value)!)
                }
            }
            #expect(namespaces == ["ServerlessAirline"])
            #expect(dimensionSets == [["environment", "service"]])
            #expect(metricNames == ["TurbineReads/Count"])
            let reads = JSONScanner.member(v, objectAt: 0, named: "TurbineReads")!
            var values: [Double] = []
            let end = JSONScanner.forEachElement(v, arrayAt: reads.value.lowerBound) { _, kind, r in
                #expect(kind == .number)
                values.append(JSONScanner.double(v, r) ?? .nan)
            }
            #expect(end == v.count - 1)
            #expect(values == [1.0, 8.0])
        }
    }

    @Test func everyTruncationIsRejected() {
        for sample in JSONSamples.all {
            let bytes = Array(sample.utf8)
            for n in 0..<bytes.count {
                withByteView(bytes, 0..<n) { v in
                    #expect(JSONScanner.skipValue(v, from: 0) == nil, "\(n): \(v.string(0..<n))")
                    #expect(JSONScanner.forEachMember(v, objectAt: 0) { _ in } == nil)
                }
            }
        }
    }

    @Test func garbageAndMutationsNeverTrap() {
        var rng = TestRandom(seed: 42)
        let alphabet = Array(#"{}[]":,\ truefalsn0123456789-.eE"#.utf8) + [0, 0x0A, 0xFF, 0x01]
        for _ in 0..<20_000 {
            let n = Int(rng.next() % 40)
            let bytes = (0..<n).map { _ in
                rng.next() % 4 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            withByteView(bytes) { v in
                if let end = JSONScanner.skipValue(v, from: 0) { #expect(end <= v.count && end > 0) }
                if let end = JSONScanner.forEachMember(v, objectAt: 0, { m in
                    #expect(m.value.upperBound <= v.count)
                    var out: [UInt8] = []
                    _ = JSONScanner.decodeString(v, m.value, into: &out)
                    _ = JSONScanner.double(v, m.value)
                    _ = JSONScanner.int64(v, m.value)
                }) {
                    #expect(end <= v.count)
                }
                _ = JSONScanner.forEachElement(v, arrayAt: 0) { _, _, r in _ = JSONScanner.string(v, r) }
            }
        }
        // Single-byte mutations of the real samples: every verdict stays in bounds.
        for sample in JSONSamples.all {
            var bytes = Array(sample.utf8)
            for _ in 0..<2_000 {
                let at = Int(rng.next() % UInt64(bytes.count))
                let old = bytes[at]
                bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                withByteView(bytes) { v in
                    if let end = JSONScanner.skipValue(v, from: 0) { #expect(end <= v.count) }
                }
                bytes[at] = old
            }
        }
    }

    @Test func deepNestingIsRejectedWithoutStackOverflow() {
        #expect(skip(String(repeating: "[", count: 10_000)) == nil)
        #expect(skip(String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)) == nil)
        #expect(skip(String(repeating: #"{"a":"#, count: 10_000)) == nil)
        let ok = JSONScanner.maxDepth
        #expect(skip(String(repeating: "[", count: ok) + String(repeating: "]", count: ok)) == 2 * ok)
        #expect(skip(String(repeating: "[", count: ok + 1) + String(repeating: "]", count: ok + 1)) == nil)
        // forEachMember counts its own object as depth 1.
        let nested = "{\"a\":" + String(repeating: "[", count: ok - 1) + String(repeating: "]", count: ok - 1) + "}"
        #expect(withByteView(nested) { JSONScanner.forEachMember($0, objectAt: 0) { _ in } } == nested.utf8.count)
        let tooDeep = "{\"a\":" + String(repeating: "[", count: ok) + String(repeating: "]", count: ok) + "}"
        #expect(withByteView(tooDeep) { JSONScanner.forEachMember($0, objectAt: 0) { _ in } } == nil)
    }

    @Test func whitespaceVariants() {
        let s = " {\n\t\"durationMs\" : 147.156 ,\r\n  \"xs\" :[ 1 , 2\t] , \"o\":{ } ,\"e\":[ ]\n}  "
        withByteView(s) { v in
            let start = JSONScanner.skipWhitespace(v, from: 0)
            #expect(start == 1)
            let end = JSONScanner.skipValue(v, from: 0)
            #expect(end == v.count - 2)
            #expect(JSONScanner.skipWhitespace(v, from: end!) == v.count)
            let ms = members(v, start)
            #expect(ms?.map(\.0) == ["durationMs", "xs", "o", "e"])
            #expect(ms?.map(\.2) == ["147.156", "[ 1 , 2\t]", "{ }", "[ ]"])
            let d = JSONScanner.member(v, objectAt: start, named: "durationMs")!
            #expect(JSONScanner.double(v, d.value) == 147.156)
            var elements: [Double] = []
            let xs = JSONScanner.member(v, objectAt: start, named: "xs")!
            _ = JSONScanner.forEachElement(v, arrayAt: xs.value.lowerBound) { _, _, r in elements.append(JSONScanner.double(v, r)!) }
            #expect(elements == [1, 2])
        }
        #expect(skip("  \n 12") == 6)
        withByteView("   ") { #expect(JSONScanner.skipWhitespace($0, from: 0) == 3) }
    }

    @Test func keysWithEscapes() {
        let s = #"{"dur\u0061tionMs":1,"a\"b":2,"plain":3,"\ud83d\ude00":4,"pla\/in":5}"#
        withByteView(s) { v in
            var seen: [(Bool, Bool)] = []
            _ = JSONScanner.forEachMember(v, objectAt: 0) { m in
                seen.append((m.keyHasEscapes, JSONScanner.keyEquals(v, m, "durationMs")))
            }
            #expect(seen.map(\.0) == [true, true, false, true, true])
            #expect(seen.map(\.1) == [true, false, false, false, false])
            #expect(JSONScanner.member(v, objectAt: 0, named: "a\"b").flatMap { JSONScanner.double(v, $0.value) } == 2)
            #expect(JSONScanner.member(v, objectAt: 0, named: "plain").flatMap { JSONScanner.double(v, $0.value) } == 3)
            #expect(JSONScanner.member(v, objectAt: 0, named: "😀").flatMap { JSONScanner.double(v, $0.value) } == 4)
            #expect(JSONScanner.member(v, objectAt: 0, named: "pla/in").flatMap { JSONScanner.double(v, $0.value) } == 5)
            #expect(JSONScanner.member(v, objectAt: 0, named: "plai") == nil)
            #expect(JSONScanner.member(v, objectAt: 0, named: "plainer") == nil)
        }
    }

    @Test func decodingEscapes() {
        #expect(decode(#""a\"b\\c\/d\be\ff\ng\rh\ti""#) == "a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti")
        #expect(decode(#""\u0041\u00e9\u20AC""#) == "Aé€")
        #expect(decode(#""\ud83d\ude00!""#) == "😀!")
        #expect(decode(#""\uD83D\uDE00""#) == "😀")
        #expect(decode(#""x\ud83dy""#) == "x\u{FFFD}y")  // lone high surrogate
        #expect(decode(#""\ude00""#) == "\u{FFFD}")  // lone low surrogate
        #expect(decode(#""\ud83d\u0041""#) == "\u{FFFD}A")  // high followed by a non-surrogate
        #expect(decode(#""\ud83d""#) == "\u{FFFD}")
        #expect(decode(#""""#) == "")
        #expect(decode(#""héllo wörld, no escapes""#) == "héllo wörld, no escapes")
        #expect(decode(#""\x""#) == nil)
        #expect(decode(#""\u12""#) == nil)
        #expect(decode(#""\u12G4""#) == nil)
        #expect(decode(#""abc\""#) == nil)
        #expect(decode(#""abc"#) == nil)
        #expect(decode(#"abc""#) == nil)
        #expect(decode("\"") == nil)
    }

    @Test func stringsContainingEscapedJSON() {
        let s = #"{"log":"{\"a\":[1,{\"b\":\"\\\"q\\\"\"}]}"}"#
        withByteView(s) { v in
            #expect(JSONScanner.skipValue(v, from: 0) == v.count)
            let log = JSONScanner.member(v, objectAt: 0, named: "log")!
            let inner = JSONScanner.string(v, log.value)!
            #expect(inner == #"{"a":[1,{"b":"\"q\""}]}"#)
            withByteView(inner) { w in
                #expect(JSONScanner.skipValue(w, from: 0) == w.count)
            }
        }
    }

    @Test func strictSyntax() {
        let bad = [
            "", "   ", "{", "}", "[", "[1,]", "[,1]", "[1 2]", #"{"a":1,}"#, #"{"a" 1}"#, #"{"a":}"#, "{'a':1}",
            "{a:1}", #"{"a":1"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":1e}"#, #"{"a":+1}"#, #"{"a":-}"#,
            "tru", "nul", "fals", "True", "\"abc", "\"a\u{01}b\"", "\"a\nb\"", #""\q""#, #"{"a":nan}"#,
            #"{"a":Infinity}"#, "\u{FF}", "[\"a\"", "[\"a\",", #"{"a":"b""#,
        ]
        for s in bad {
            let v = skip(s)
            #expect(v == nil, "\(s.debugDescription) -> \(String(describing: v))")
        }
        #expect(skip(#"{"a":1}}"#) == 7)  // the value ends at the first '}': trailing bytes are the caller's
        #expect(skip("01") == 1)
        #expect(skip("-0.5e+10") == 8)
        #expect(skip("1E-2") == 4)
        #expect(skip("true") == 4)
        #expect(skip("false") == 5)
        #expect(skip("null") == 4)
        #expect(skip(#""é\u00e9😀""#) == #""é\u00e9😀""#.utf8.count)
        #expect(skip("[true,false,null,\"\",{},[],0]") == 28)
        withByteView("[1]") { #expect(JSONScanner.forEachMember($0, objectAt: 0) { _ in } == nil) }
        withByteView("{}") {
            #expect(JSONScanner.forEachElement($0, arrayAt: 0) { _, _, _ in } == nil)
            #expect(JSONScanner.forEachMember($0, objectAt: 5) { _ in } == nil)
            #expect(JSONScanner.forEachMember($0, objectAt: -1) { _ in } == nil)
        }
    }

    @Test func stoppingEarly() {
        withByteView(JSONSamples.platformReport) { v in
            var keys: [String] = []
            let end = JSONScanner.forEachMemberWhile(v, objectAt: 0, { m in
                keys.append(v.string(m.key))
                return keys.count < 2
            })
            #expect(end == nil)
            #expect(keys == ["time", "type"])
            let all = JSONScanner.forEachMemberWhile(v, objectAt: 0, { _ in true })
            #expect(all == v.count)
        }
        withByteView("[1,2,3]") { v in
            var n = 0
            #expect(JSONScanner.forEachElementWhile(v, arrayAt: 0, { _, _, _ in n += 1; return n < 2 }) == nil)
            #expect(n == 2)
        }
    }

    @Test func valuesAsNumbers() {
        let s = #"{"a":"432.10","b":432.1,"c":true,"d":null,"e":"NaN","f":" 1","g":"","h":-17,"i":"-9223372036854775808","j":9223372036854775808,"k":1.5,"l":[1]}"#
        withByteView(s) { v in
            func m(_ k: StaticString) -> JSONMember { JSONScanner.member(v, objectAt: 0, named: k)! }
            #expect(JSONScanner.double(v, m("a").value) == 432.1)
            #expect(JSONScanner.double(v, m("b").value) == 432.1)
            #expect(JSONScanner.double(v, m("c").value) == nil)
            #expect(JSONScanner.double(v, m("d").value) == nil)
            #expect(JSONScanner.double(v, m("e").value)?.isNaN == true)
            #expect(JSONScanner.double(v, m("f").value) == nil)
            #expect(JSONScanner.double(v, m("g").value) == nil)
            #expect(JSONScanner.double(v, m("l").value) == nil)
            #expect(JSONScanner.int64(v, m("h").value) == -17)
            #expect(JSONScanner.int64(v, m("i").value) == Int64.min)
            #expect(JSONScanner.int64(v, m("j").value) == nil)
            #expect(JSONScanner.int64(v, m("k").value) == nil)
            #expect(JSONScanner.int64(v, m("c").value) == nil)
            #expect(JSONScanner.string(v, m("b").value) == nil)
        }
    }

    @Test func kinds() {
        let s = #"{"s":"x","n":-1,"o":{},"a":[],"t":true,"f":false,"z":null}"#
        withByteView(s) { v in
            var kinds: [JSONKind] = []
            _ = JSONScanner.forEachMember(v, objectAt: 0) { kinds.append($0.kind) }
            #expect(kinds == [.string, .number, .object, .array, .bool, .bool, .null])
        }
    }

    /// Long strings cross the eight-byte fast scan at every alignment.
    @Test func longStringsAtEveryAlignment() {
        for pad in 0..<9 {
            for len in [0, 1, 7, 8, 9, 15, 16, 17, 40] {
                let body = String(repeating: "é", count: len / 2) + String(repeating: "x", count: len)
                let s = String(repeating: " ", count: pad) + "[\"" + body + "\\n" + body + "\"]"
                #expect(skip(s) == s.utf8.count, "\(pad) \(len)")
                let ctl = String(repeating: " ", count: pad) + "[\"" + body + "\u{1F}" + body + "\"]"
                #expect(skip(ctl) == nil)
            }
        }
    }
}
