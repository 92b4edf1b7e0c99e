import Testing

@testable import FathomCore

@Suite struct JSONWriterTests {
    /// One object with every kind of value, nested containers and empty ones.
    func sample(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("name", "fn-a")
        w.field("p99", 1233.96)
        w.field("count", Int64(3))
        w.field("cold", true)
        w.field("missing", nil as Double?)
        w.key("series")
        w.beginArray()
        w.number(1)
        w.beginObject()
        w.field("k", "v")
        w.endObject()
        w.beginArray()
        w.endArray()
        w.null()
        w.endArray()
        w.key("empty")
        w.beginObject()
        w.endObject()
        w.endObject()
    }

    @Test func compactExact() {
        var w = JSONWriter()
        sample(&w)
        #expect(w.isComplete)
        #expect(w.text == #"{"name":"fn-a","p99":1233.96,"count":3,"cold":true,"missing":null,"series":[1,{"k":"v"},[],null],"empty":{}}"#)
    }

    @Test func prettyExact() {
        var w = JSONWriter(pretty: true)
        sample(&w)
        let expected = """
            {
              "name": "fn-a",
              "p99": 1233.96,
              "count": 3,
              "cold": true,
              "missing": null,
              "series": [
                1,
                {
                  "k": "v"
                },
                [],
                null
              ],
              "empty": {}
            }
            """
        #expect(w.text == expected)
    }

    @Test func topLevelValuesAreSeparatedByNewlines() {
        var w = JSONWriter()
        w.beginObject()
        w.field("a", 1)
        w.endObject()
        w.beginArray()
        w.endArray()
        w.string("x")
        #expect(w.text == "{\"a\":1}\n[]\n\"x\"")
        var e = JSONWriter(pretty: true)
        e.beginArray()
        e.endArray()
        #expect(e.text == "[]")
        var s = JSONWriter(pretty: true)
        s.integer(-5)
        #expect(s.text == "-5")
    }

    @Test func escapesEveryControlCharacter() {
        var input = ""
        var expected = ""
        let short: [UInt8: String] = [0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"]
        let hex = Array("0123456789abcdef")
        for c in UInt8(0)..<0x20 {
            input.unicodeScalars.append(Unicode.Scalar(c))
            expected += short[c] ?? "\\u00\(hex[Int(c >> 4)])\(hex[Int(c & 15)])"
        }
        var w = JSONWriter()
        w.string(input)
        #expect(w.text == "\"" + expected + "\"")
        #expect(expected.hasPrefix(#"\u0000\u0001"#))
        #expect(expected.hasSuffix(#"\u001e\u001f"#))
    }

    @Test func escapesQuotesAndBackslashesOnly() {
        var w = JSONWriter()
        w.string("say \"hi\" \\ to / é € 😀 \u{7F} del")
        #expect(w.text == "\"say \\\"hi\\\" \\\\ to / é € 😀 \u{7F} del\"")
        var k = JSONWriter()
        k.beginObject()
        k.field("a\"b\n", "")
        k.endObject()
        #expect(k.text == #"{"a\"b\n":""}"#)
    }

    @Test func numbers() {
        func render(_ d: Double?) -> String {
            var w = JSONWriter()
            w.number(d)
            return w.text
        }
        #expect(render(42) == "42")
        #expect(render(-42) == "-42")
        #expect(render(0) == "0")
        #expect(render(-0.0) == "0")
        #expect(render(0.1) == "0.1")
        #expect(render(0.1 + 0.2) == "0.30000000000000004")
        #expect(render(1233.96) == "1233.96")
        #expect(render(1e-7) == "1e-07")
        #expect(render(1.5e300) == "1.5e+300")
        #expect(render(-2.5e-300) == "-2.5e-300")
        #expect(render(9_007_199_254_740_992) == "9007199254740992")
        #expect(render(-9_007_199_254_740_992) == "-9007199254740992")
        #expect(render(9_007_199_254_740_994) == "9.007199254740994e+15")
        #expect(render(1e20) == "1e+20")
        #expect(render(.greatestFiniteMagnitude) == "1.7976931348623157e+308")
        #expect(render(.leastNonzeroMagnitude) == "5e-324")
        #expect(render(nil) == "null")
        #expect(render(.nan) == "null")
        #expect(render(.infinity) == "null")
        #expect(render(-.infinity) == "null")
    }

    @Test func integers() {
        var w = JSONWriter()
        w.beginArray()
        for i: Int64 in [0, 7, -7, 10, 1_680_683_189_085, .max, .min] { w.integer(i) }
        w.endArray()
        #expect(w.text == "[0,7,-7,10,1680683189085,9223372036854775807,-9223372036854775808]")
    }

    @Test func roundTripThroughScanner() {
        var rng = TestRandom(seed: 7)
        var strings: [String] = [
            "", "plain", "quote\"back\\slash", "\u{0}\u{1}\u{1F}\n\r\t", "é€😀", #"{"json":"inside"}"#, "/",
        ]
        for _ in 0..<200 {
            var s = ""
            for _ in 0..<(rng.next() % 20) {
                let pick = rng.next() % 5
                let scalar: Unicode.Scalar
                switch pick {
                case 0: scalar = Unicode.Scalar(UInt8(rng.next() % 0x20))
                case 1: scalar = Unicode.Scalar(UInt32(0x20 + rng.next() % 0x5F))!
                case 2: scalar = Unicode.Scalar(UInt32(0xA0 + rng.next() % 0x700))!
                case 3: scalar = Unicode.Scalar(UInt32(0x1F600 + rng.next() % 0x40))!
                default: scalar = ["\"", "\\", "/"][Int(rng.next() % 3)]
                }
                s.unicodeScalars.append(scalar)
            }
            strings.append(s)
        }
        var numbers: [Double] = [0, -1, 0.1, 1e-7, 1e300, 9_007_199_254_740_994, 1233.96]
        for _ in 0..<500 {
            let d = Double(bitPattern: rng.next())
            if d.isFinite { numbers.append(d) }
        }
        for pretty in [false, true] {
            var w = JSONWriter(pretty: pretty)
            w.beginObject()
            w.key("strings")
            w.beginArray()
            for s in strings { w.string(s) }
            w.endArray()
            w.key("numbers")
            w.beginArray()
            for d in numbers { w.number(d) }
            w.endArray()
            for (i, s) in strings.prefix(20).enumerated() { w.field(s + "#\(i)", Int64(i)) }
            w.field("flag", false)
            w.endObject()

            withByteView(w.bytes) { v in
                #expect(JSONScanner.skipValue(v, from: 0) == v.count)
                var decodedStrings: [String] = []
                var decodedNumbers: [Double] = []
                var keys: [String] = []
                let end = JSONScanner.forEachMember(v, objectAt: 0) { m in
                    var key: [UInt8] = []
                    _ = JSONScanner.decodeString(v, (m.key.lowerBound - 1)..<(m.key.upperBound + 1), into: &key)
                    keys.append(String(decoding: key, as: UTF8.self))
                    if JSONScanner.keyEquals(v, m, "strings") {
                        _ = JSONScanner.forEachElement(v, arrayAt: m.value.lowerBound) { _, _, r in
                            decodedStrings.append(JSONScanner.string(v, r) ?? "<bad>")
                        }
                    } else if JSONScanner.keyEquals(v, m, "numbers") {
                        _ = JSONScanner.forEachElement(v, arrayAt: m.value.lowerBound) { _, _, r in
                            decodedNumbers.append(JSONScanner.double(v, r) ?? .nan)
                        }
                    }
                }
                #expect(end == v.count)
                #expect(decodedStrings == strings)
                #expect(decodedNumbers.map(\.bitPattern) == numbers.map { $0 == 0 ? 0 : $0.bitPattern })
                #expect(keys == ["strings", "numbers"] + strings.prefix(20).enumerated().map { "\($1)#\($0)" } + ["flag"])
            }
        }
    }

    @Test func rawValuesAndFieldOverloads() {
        var w = JSONWriter()
        w.beginObject()
        w.key("record")
        w.raw(Array(#"{"a":[1,2]}"#.utf8))
        w.field("i", 5)
        w.field("d", 2.5)
        w.field("n", Int64(-1))
        w.endObject()
        #expect(w.text == #"{"record":{"a":[1,2]},"i":5,"d":2.5,"n":-1}"#)
    }
}
