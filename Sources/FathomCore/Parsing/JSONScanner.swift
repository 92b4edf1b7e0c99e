/// A validating, non-allocating JSON scanner over bytes: the hot path for CloudWatch envelopes,
/// Lambda JSON log records and EMF.
///
/// Nothing is decoded up front; callers walk members and elements as byte ranges and decode only
/// what they need. Strict RFC 8259 syntax: no comments, no trailing commas, no raw control bytes
/// in strings, no leading zeros or `+` in numbers. UTF-8 inside strings is not validated (decoding
/// to `String` repairs it). Nesting deeper than `maxDepth` counts as malformed, so hostile input
/// cannot overflow the stack. Nothing here traps on any input.
public enum JSONScanner {
    /// The deepest nesting of objects and arrays accepted by `skipValue` (and below one member).
    public static let maxDepth = 128

    // MARK: Whitespace

    /// Index of the first non-whitespace byte at or after `i` (space, tab, CR, LF); `v.count` at most.
    @inlinable
    public static func skipWhitespace(_ v: ByteView, from i: Int) -> Int {
        var j = Swift.max(i, 0)
        while j < v.count {
            switch v[j] {
            case 0x20, 0x0A, 0x0D, 0x09: j += 1
            default: return j
            }
        }
        return j
    }

    // MARK: Skipping values

    /// Validates and skips one JSON value starting at `i` (leading whitespace is skipped too);
    /// returns the index just past it, or nil when it is malformed, truncated or nested deeper than
    /// `maxDepth`. A number or literal at the very end of the view is complete (`"12"` -> 2).
    public static func skipValue(_ v: ByteView, from i: Int) -> Int? {
        skip(v, skipWhitespace(v, from: i), depth: 0)
    }

    /// Skips the value at exactly `i`; `depth` is the number of containers already open.
    @usableFromInline
    static func skip(_ v: ByteView, _ i: Int, depth: Int) -> Int? {
        switch v.at(i) {
        case UInt8(ascii: "\""):
            var escapes = false
            return scanString(v, i, hasEscapes: &escapes)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return scanNumber(v, i)
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { return nil }
            return members(v, i, depth: depth + 1) { _ in true }
        case UInt8(ascii: "["):
            guard depth < maxDepth else { return nil }
            return elements(v, i, depth: depth + 1) { _, _, _ in true }
        case UInt8(ascii: "t"):
            return v.matches("true", at: i) ? i + 4 : nil
        case UInt8(ascii: "f"):
            return v.matches("false", at: i) ? i + 5 : nil
        case UInt8(ascii: "n"):
            return v.matches("null", at: i) ? i + 4 : nil
        default:
            return nil
        }
    }

    /// Scans the string whose opening quote is at `i`; returns the index past the closing quote.
    /// Sets `hasEscapes` when a backslash escape is seen. Escapes are validated (`\uXXXX` needs four
    /// hex digits); raw bytes below 0x20 are rejected. Searches eight bytes at a time.
    @usableFromInline
    static func scanString(_ v: ByteView, _ i: Int, hasEscapes: inout Bool) -> Int? {
        guard v.at(i) == UInt8(ascii: "\"") else { return nil }
        let n = v.count
        let base = v.base
        var j = i + 1
        while true {
            // Skip eight ordinary bytes at a time: stop at the first quote, backslash or control byte.
            while j + 8 <= n {
                let w = UInt64(littleEndian: UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self))
                let q = w ^ 0x2222_2222_2222_2222
                let b = w ^ 0x5C5C_5C5C_5C5C_5C5C
                let hits = ((q &- 0x0101_0101_0101_0101) & ~q)
                    | ((b &- 0x0101_0101_0101_0101) & ~b)
                    | ((w &- 0x2020_2020_2020_2020) & ~w)
                let m = hits & 0x8080_8080_8080_8080
                if m != 0 {
                    j += m.trailingZeroBitCount >> 3
                    break
                }
                j += 8
            }
            guard j < n else { return nil }
            let c = base[j]
            if c == UInt8(ascii: "\"") { return j + 1 }
            if c == UInt8(ascii: "\\") {
                hasEscapes = true
                switch v.at(j + 1) {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    j += 2
                case UInt8(ascii: "u"):
                    guard hex4(v, j + 2) != nil else { return nil }
                    j += 6
                default:
                    return nil
                }
            } else if c < 0x20 {
                return nil
            } else {
                j += 1
            }
        }
    }

    /// Scans a JSON number starting at `i` (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`);
    /// returns the index just past it.
    @usableFromInline
    static func scanNumber(_ v: ByteView, _ i: Int) -> Int? {
        var j = i
        if v.at(j) == UInt8(ascii: "-") { j += 1 }
        let first = v.at(j)
        if first == UInt8(ascii: "0") {
            j += 1
        } else if isDigit(first) {
            j += 1
            while isDigit(v.at(j)) { j += 1 }
        } else {
            return nil
        }
        if v.at(j) == UInt8(ascii: ".") {
            j += 1
            guard isDigit(v.at(j)) else { return nil }
            while isDigit(v.at(j)) { j += 1 }
        }
        let e = v.at(j)
        if e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            j += 1
            let s = v.at(j)
            if s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { j += 1 }
            guard isDigit(v.at(j)) else { return nil }
            while isDigit(v.at(j)) { j += 1 }
        }
        return j
    }

    @inlinable @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// The value of the four hex digits at `i`, or nil.
    @usableFromInline
    static func hex4(_ v: ByteView, _ i: Int) -> UInt32? {
        var r: UInt32 = 0
        for k in 0..<4 {
            let c = v.at(i + k)
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            r = r << 4 | UInt32(d)
        }
        return r
    }

    // MARK: Objects and arrays

    /// Calls `body` for each member of the object starting at `start` (`v[start] == '{'`), in
    /// order; returns the index just past the closing `}`, or nil when the object is malformed,
    /// truncated or too deep (`body` may already have run for earlier members). Every value is
    /// validated, nested ones included.
    public static func forEachMember(_ v: ByteView, objectAt start: Int, _ body: (JSONMember) -> Void) -> Int? {
        members(v, start, depth: 1) { body($0); return true }
    }

    /// Like `forEachMember`, but continues only while `body` returns true. Returns the index just
    /// past the closing `}` only when every member was visited and the whole object is valid; nil
    /// when it stopped early or the object is malformed (members after the stop are not checked).
    public static func forEachMemberWhile(
        _ v: ByteView, objectAt start: Int, _ body: (JSONMember) -> Bool
    ) -> Int? {
        members(v, start, depth: 1, body)
    }

    /// The first member of the object at `start` whose key equals `key`, or nil (also when the
    /// object is malformed before that member). Stops scanning at the match.
    public static func member(_ v: ByteView, objectAt start: Int, named key: StaticString) -> JSONMember? {
        var found: JSONMember?
        _ = members(v, start, depth: 1) { m in
            if keyEquals(v, m, key) {
                found = m
                return false
            }
            return true
        }
        return found
    }

    /// Walks the object at `start` at nesting `depth` (counting itself); `body` returns false to
    /// stop, which makes the result nil.
    @usableFromInline
    static func members(_ v: ByteView, _ start: Int, depth: Int, _ body: (JSONMember) -> Bool) -> Int? {
        guard v.at(start) == UInt8(ascii: "{") else { return nil }
        var i = skipWhitespace(v, from: start + 1)
        if v.at(i) == UInt8(ascii: "}") { return i + 1 }
        while true {
            let keyStart = i
            var escapes = false
            guard let keyEnd = scanString(v, keyStart, hasEscapes: &escapes) else { return nil }
            i = skipWhitespace(v, from: keyEnd)
            guard v.at(i) == UInt8(ascii: ":") else { return nil }
            i = skipWhitespace(v, from: i + 1)
            guard let kind = JSONKind(firstByte: v.at(i)), let valueEnd = skip(v, i, depth: depth) else {
                return nil
            }
            let m = JSONMember(
                key: (keyStart + 1)..<(keyEnd - 1), keyHasEscapes: escapes, kind: kind, value: i..<valueEnd)
            if !body(m) { return nil }
            i = skipWhitespace(v, from: valueEnd)
            switch v.at(i) {
            case UInt8(ascii: ","): i = skipWhitespace(v, from: i + 1)
            case UInt8(ascii: "}"): return i + 1
            default: return nil
            }
        }
    }

    /// Calls `body` with the start index, kind and whole range of each element of the array
    /// starting at `start` (`v[start] == '['`), in order; returns the index just past the closing
    /// `]`, or nil when the array is malformed, truncated or too deep (`body` may already have run).
    public static func forEachElement(
        _ v: ByteView, arrayAt start: Int, _ body: (Int, JSONKind, Range<Int>) -> Void
    ) -> Int? {
        elements(v, start, depth: 1) { i, kind, range in body(i, kind, range); return true }
    }

    /// Like `forEachElement`, but continues only while `body` returns true; the result is nil when
    /// it stopped early.
    public static func forEachElementWhile(
        _ v: ByteView, arrayAt start: Int, _ body: (Int, JSONKind, Range<Int>) -> Bool
    ) -> Int? {
        elements(v, start, depth: 1, body)
    }

    /// Walks the array at `start` at nesting `depth` (counting itself).
    @usableFromInline
    static func elements(
        _ v: ByteView, _ start: Int, depth: Int, _ body: (Int, JSONKind, Range<Int>) -> Bool
    ) -> Int? {
        guard v.at(start) == UInt8(ascii: "[") else { return nil }
        var i = skipWhitespace(v, from: start + 1)
        if v.at(i) == UInt8(ascii: "]") { return i + 1 }
        while true {
            guard let kind = JSONKind(firstByte: v.at(i)), let end = skip(v, i, depth: depth) else { return nil }
            if !body(i, kind, i..<end) { return nil }
            i = skipWhitespace(v, from: end)
            switch v.at(i) {
            case UInt8(ascii: ","): i = skipWhitespace(v, from: i + 1)
            case UInt8(ascii: "]"): return i + 1
            default: return nil
            }
        }
    }

    // MARK: Keys and values

    /// Whether the member's key equals `literal`: a byte comparison when the key has no escapes,
    /// otherwise the key is decoded first (so `"a\u0062"` equals `"ab"`).
    @inlinable
    public static func keyEquals(_ v: ByteView, _ m: JSONMember, _ literal: StaticString) -> Bool {
        if !m.keyHasEscapes {
            return m.key.count == literal.utf8CodeUnitCount && v.matches(literal, at: m.key.lowerBound)
        }
        return escapedKeyEquals(v, m, literal)
    }

    @usableFromInline
    static func escapedKeyEquals(_ v: ByteView, _ m: JSONMember, _ literal: StaticString) -> Bool {
        var decoded: [UInt8] = []
        guard decodeString(v, (m.key.lowerBound - 1)..<(m.key.upperBound + 1), into: &decoded) else { return false }
        guard decoded.count == literal.utf8CodeUnitCount else { return false }
        let p = literal.utf8Start
        for k in 0..<decoded.count where decoded[k] != p[k] { return false }
        return true
    }

    /// Decodes the string value `value` (a range including both quotes) into UTF-8 bytes appended
    /// to `out`: handles `\" \\ \/ \b \f \n \r \t` and `\uXXXX` including surrogate pairs; a
    /// lone surrogate becomes U+FFFD. Returns false (leaving partial output) when the quotes or an
    /// escape are malformed. Other bytes are copied as they are.
    public static func decodeString(_ v: ByteView, _ value: Range<Int>, into out: inout [UInt8]) -> Bool {
        guard value.lowerBound >= 0, value.upperBound <= v.count, value.count >= 2,
            v[value.lowerBound] == UInt8(ascii: "\""), v[value.upperBound - 1] == UInt8(ascii: "\"")
        else { return false }
        let end = value.upperBound - 1
        var i = value.lowerBound + 1
        while i < end {
            guard let slash = v.firstIndex(of: UInt8(ascii: "\\"), from: i, end: end) else {
                v.append(i..<end, to: &out)
                return true
            }
            if slash > i { v.append(i..<slash, to: &out) }
            guard slash + 1 < end else { return false }
            i = slash + 2
            switch v[slash + 1] {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard i + 4 <= end, let unit = hex4(v, i) else { return false }
                i += 4
                var scalar = unit
                if unit >= 0xD800 && unit < 0xDC00 {
                    // A high surrogate: combine with a following low one, else it stands alone.
                    if i + 6 <= end, v[i] == UInt8(ascii: "\\"), v[i + 1] == UInt8(ascii: "u"),
                        let low = hex4(v, i + 2), low >= 0xDC00 && low < 0xE000
                    {
                        scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if unit >= 0xDC00 && unit < 0xE000 {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar, to: &out)
            default:
                return false
            }
        }
        return true
    }

    /// Appends the UTF-8 encoding of the (valid, non-surrogate) scalar value `s`.
    @usableFromInline
    static func appendUTF8(_ s: UInt32, to out: inout [UInt8]) {
        switch s {
        case 0..<0x80:
            out.append(UInt8(s))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | s >> 6))
            out.append(UInt8(0x80 | s & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | s >> 12))
            out.append(UInt8(0x80 | s >> 6 & 0x3F))
            out.append(UInt8(0x80 | s & 0x3F))
        default:
            out.append(UInt8(0xF0 | s >> 18))
            out.append(UInt8(0x80 | s >> 12 & 0x3F))
            out.append(UInt8(0x80 | s >> 6 & 0x3F))
            out.append(UInt8(0x80 | s & 0x3F))
        }
    }

    /// The string value `value` (range including quotes) decoded to a `String` (invalid UTF-8
    /// repaired with U+FFFD), or nil when it is not a well-formed string.
    public static func string(_ v: ByteView, _ value: Range<Int>) -> String? {
        guard value.lowerBound >= 0, value.upperBound <= v.count, value.count >= 2,
            v[value.lowerBound] == UInt8(ascii: "\""), v[value.upperBound - 1] == UInt8(ascii: "\"")
        else { return nil }
        let inner = (value.lowerBound + 1)..<(value.upperBound - 1)
        if v.firstIndex(of: UInt8(ascii: "\\"), from: inner.lowerBound, end: inner.upperBound) == nil {
            return v.string(inner)
        }
        var out: [UInt8] = []
        out.reserveCapacity(inner.count)
        guard decodeString(v, value, into: &out) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// A number value, or a string value holding a number (`"432.10"`, no spaces), as a Double;
    /// nil otherwise. Strings may hold `NaN`/`Infinity` (see `DecimalParser.parse`): those come
    /// back non-finite for the caller to quarantine.
    @inlinable
    public static func double(_ v: ByteView, _ value: Range<Int>) -> Double? {
        guard value.count >= 1, value.lowerBound >= 0, value.upperBound <= v.count else { return nil }
        if v[value.lowerBound] == UInt8(ascii: "\"") {
            guard value.count >= 3, v[value.upperBound - 1] == UInt8(ascii: "\"") else { return nil }
            return DecimalParser.parse(v, (value.lowerBound + 1)..<(value.upperBound - 1))
        }
        return DecimalParser.parse(v, value)
    }

    /// A number value (or a string holding one) that is an integer without fraction or exponent,
    /// optionally negative, as an Int64 (e.g. epoch-millisecond timestamps); nil otherwise or on
    /// overflow.
    public static func int64(_ v: ByteView, _ value: Range<Int>) -> Int64? {
        guard value.count >= 1, value.lowerBound >= 0, value.upperBound <= v.count else { return nil }
        var r = value
        if v[r.lowerBound] == UInt8(ascii: "\"") {
            guard r.count >= 3, v[r.upperBound - 1] == UInt8(ascii: "\"") else { return nil }
            r = (r.lowerBound + 1)..<(r.upperBound - 1)
        }
        if v[r.lowerBound] == UInt8(ascii: "-") {
            let digits = (r.lowerBound + 1)..<r.upperBound
            guard !digits.isEmpty else { return nil }
            // Parse as negative to admit Int64.min.
            var acc: Int64 = 0
            for i in digits {
                let d = v[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                let (m, o1) = acc.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.subtractingReportingOverflow(Int64(d))
                guard !o1, !o2 else { return nil }
                acc = s
            }
            return acc
        }
        return DecimalParser.parseInt(v, r)
    }
}
