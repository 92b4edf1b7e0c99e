import Testing
@testable import FathomCore

/// Shared fixtures of the renderer tests.
enum RenderFixture {
    /// 2025-11-20T08:00:00Z in ms.
    static let t0: Int64 = 1_763_625_600_000
}

/// A JSON value read back with `JSONScanner`, to check renderer output parses and has its keys.
indirect enum RenderJSON: Equatable {
    case object([(String, RenderJSON)])
    case array([RenderJSON])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// Parses `text`, which must be one JSON value and nothing but whitespace after it.
    static func parse(_ text: String) -> RenderJSON? {
        withByteView(text) { v in
            let start = JSONScanner.skipWhitespace(v, from: 0)
            guard let end = JSONScanner.skipValue(v, from: start), JSONScanner.skipWhitespace(v, from: end) == v.count
            else { return nil }
            return value(v, start..<end)
        }
    }

    static func value(_ v: ByteView, _ r: Range<Int>) -> RenderJSON? {
        switch JSONKind(firstByte: v[r.lowerBound]) {
        case .object:
            var members: [(String, RenderJSON)] = []
            var ok = true
            _ = JSONScanner.forEachMember(v, objectAt: r.lowerBound) { m in
                guard let k = JSONScanner.string(v, (m.key.lowerBound - 1)..<(m.key.upperBound + 1)),
                    let x = value(v, m.value)
                else { ok = false; return }
                members.append((k, x))
            }
            return ok ? .object(members) : nil
        case .array:
            var items: [RenderJSON] = []
            var ok = true
            _ = JSONScanner.forEachElement(v, arrayAt: r.lowerBound) { _, _, range in
                if let x = value(v, range) { items.append(x) } else { ok = false }
            }
            return ok ? .array(items) : nil
        case .string: return JSONScanner.string(v, r).map(RenderJSON.string)
        case .number: return JSONScanner.double(v, r).map(RenderJSON.number)
        case .bool: return .bool(v[r.lowerBound] == UInt8(ascii: "t"))
        case .null: return .null
        case nil: return nil
        }
    }

    /// The keys of an object, in order; [] for other values.
    var keys: [String] {
        if case .object(let m) = self { return m.map(\.0) }
        return []
    }

    /// The member `key` of an object.
    subscript(key: String) -> RenderJSON? {
        if case .object(let m) = self { return m.first { $0.0 == key }?.1 }
        return nil
    }

    /// Element `i` of an array.
    subscript(i: Int) -> RenderJSON? {
        if case .array(let a) = self, a.indices.contains(i) { return a[i] }
        return nil
    }

    var count: Int {
        switch self {
        case .array(let a): return a.count
        case .object(let m): return m.count
        default: return 0
        }
    }

    static func == (a: RenderJSON, b: RenderJSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let x), .array(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }
}

@Test func renderFixedDecimals() {
    #expect(NumberFormat.fixed(2.345, 2) == "2.35")  // 2.345 is stored just above
    #expect(NumberFormat.fixed(0.125, 2) == "0.13")
    #expect(NumberFormat.fixed(3, 1) == "3.0")
    #expect(NumberFormat.fixed(-0.004, 2) == "0.00")
    #expect(NumberFormat.fixed(-1.5, 0) == "-2")
    #expect(NumberFormat.fixed(1234567.891, 2) == "1234567.89")
    #expect(NumberFormat.fixed(0.05, 3) == "0.050")
    #expect(NumberFormat.fixed(.nan, 2) == "nan")
    #expect(NumberFormat.fixed(-.infinity, 2) == "-inf")
    #expect(NumberFormat.fixed(1e300, 2) == "1e+300")
}

@Test func renderCompactAndExactNumbers() {
    #expect(NumberFormat.compact(42) == "42")
    #expect(NumberFormat.compact(-7) == "-7")
    #expect(NumberFormat.compact(12.345) == "12.35")
    #expect(NumberFormat.compact(0.5) == "0.50")
    #expect(NumberFormat.compact(0.0000021) == "0.00000210")
    #expect(NumberFormat.compact(0.0123) == "0.0123")
    #expect(NumberFormat.compact(0.05) == "0.0500")
    #expect(NumberFormat.compact(-0.25) == "-0.25")
    #expect(NumberFormat.exact(42) == "42")
    #expect(NumberFormat.exact(0.1) == "0.1")
    #expect(NumberFormat.exact(1.25e-6) == "1.25e-06")
    #expect(NumberFormat.exact(nil) == nil)
    #expect(NumberFormat.exact(.infinity) == nil)
}

@Test func renderPercentMillisCostAndBytes() {
    #expect(NumberFormat.percent(1, of: 3) == "33.3")
    #expect(NumberFormat.percent(0, of: 0) == "-")
    #expect(NumberFormat.millis(nil) == "-")
    #expect(NumberFormat.millis(10) == "10.00")
    #expect(NumberFormat.usd(0.0123) == "$0.0123")
    #expect(NumberFormat.usd(0) == "$0.0000")
    #expect(NumberFormat.usd(12.5) == "$12.5000")
    #expect(NumberFormat.usd(0.0000021) == "$0.000002")
    #expect(NumberFormat.usd(0.00000002) == "$0.00000002")
    #expect(NumberFormat.megabytes(2_500_000) == "2.50 MB")
}

@Test func renderTextTableAlignsAndTrims() {
    var t = TextTable([.init("NAME"), .init("N", .right), .init("NOTE")])
    t.add(["alpha", "1", "x"])
    t.add(["b", "1234"])
    t.add(["tab\there", "5", "line\nbreak", "extra cell dropped"])
    #expect(
        t.text == """
            NAME          N  NOTE
            alpha         1  x
            b          1234
            tab\\there     5  line\\nbreak

            """)
}

@Test func renderTextTableEscapesControlCharacters() {
    #expect(TextTable.clean("a\u{1b}[31mb\r") == "a\\u{1B}[31mb\\r")
    #expect(TextTable.clean("plain █") == "plain █")
    // Width counts characters, so a multi-byte bar lines up.
    var t = TextTable([.init("BAR"), .init("X")])
    t.add(["██░", "1"])
    t.add(["#", "2"])
    #expect(t.text == "BAR  X\n██░  1\n#    2\n")
}

@Test func renderCSVQuoting() {
    var c = CSVWriter()
    c.row(["plain", "a,b", "say \"hi\"", "two\nlines", " padded", ""])
    c.row(["x"])
    #expect(c.text == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded\",\nx\n")
    #expect(CSVWriter.escape("cr\r") == "\"cr\r\"")
}

@Test func renderJSONReaderReadsBack() {
    let j = RenderJSON.parse("{\"a\": [1, null, \"x\\ty\"], \"b\": true}\n")
    #expect(j?.keys == ["a", "b"])
    #expect(j?["a"]?[2] == .string("x\ty"))
    #expect(RenderJSON.parse("{\"a\": 1} trailing") == nil)
}
