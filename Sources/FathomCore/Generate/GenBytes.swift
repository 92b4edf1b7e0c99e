/// Byte-level text building for the generator's renderers: literals, integers, fixed-point
/// numbers, hex and JSON string escaping, appended to a `[UInt8]` without `String`.
enum GenBytes {
    /// Appends an ASCII literal.
    @inline(__always)
    static func append(_ s: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Appends the UTF-8 of `s`.
    @inline(__always)
    static func append(_ s: String, to out: inout [UInt8]) { out.append(contentsOf: s.utf8) }

    /// Appends a decimal integer.
    static func appendInt<I: BinaryInteger>(_ value: I, to out: inout [UInt8]) {
        var v = Int64(value)
        if v < 0 {
            out.append(UInt8(ascii: "-"))
            if v == .min {
                append("9223372036854775808", to: &out)
                return
            }
            v = -v
        }
        appendPadded(v, width: 1, to: &out)
    }

    /// Appends a non-negative integer left-padded with zeros to at least `width` digits.
    static func appendPadded<I: BinaryInteger>(_ value: I, width: Int, to out: inout [UInt8]) {
        var v = UInt64(value)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[23 - n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            } while v != 0 || n < width
            out.append(contentsOf: buf[(24 - n)...])
        }
    }

    /// Appends `c / 100` with exactly two decimals (`12.30`): Python's `f"{x:.2f}"` of the value
    /// whose hundredths are `c` (c ≥ 0).
    static func appendFixed2(centis c: Int64, to out: inout [UInt8]) {
        appendPadded(c / 100, width: 1, to: &out)
        out.append(UInt8(ascii: "."))
        appendPadded(c % 100, width: 2, to: &out)
    }

    /// Appends `c / 100` as Python's `repr(float)` prints it (`12.3`, `12.0`, `12.34`), which is
    /// also the shortest round-trip form, for c ≥ 0 below 10^17.
    static func appendRepr2(centis c: Int64, to out: inout [UInt8]) {
        appendPadded(c / 100, width: 1, to: &out)
        out.append(UInt8(ascii: "."))
        let f = c % 100
        if f % 10 == 0 {
            appendPadded(f / 10, width: 1, to: &out)
        } else {
            appendPadded(f, width: 2, to: &out)
        }
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// Appends the 16 lower-case hex digits of `v`.
    static func appendHex64(_ v: UInt64, to out: inout [UInt8]) {
        let h = hexDigits.utf8Start
        var shift: UInt64 = 60
        while true {
            out.append(h[Int((v >> shift) & 15)])
            if shift == 0 { break }
            shift -= 4
        }
    }

    /// Appends `bytes` as the inside of a JSON string (no quotes), escaped as Python's
    /// `json.dumps` does for ASCII: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, else `\u00XX`.
    static func appendJSONEscaped<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        let h = hexDigits.utf8Start
        for c in bytes {
            switch c {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(c)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(c)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0..<0x20:
                append("\\u00", to: &out)
                out.append(h[Int(c >> 4)])
                out.append(h[Int(c & 15)])
            default: out.append(c)
            }
        }
    }

    /// Appends `"s"` with `s` JSON-escaped.
    static func appendJSONString<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        out.append(UInt8(ascii: "\""))
        appendJSONEscaped(bytes, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// Appends a metric value whose hundredths are `c` (c ≥ 0) the way genlogs prints it: an
    /// integral value as an integer (`str(int(v))`), any other with Python's `f"{v:g}"` (six
    /// significant digits, half-even, trailing zeros stripped, `1.23457e+06` beyond 10^6).
    /// Returns the hundredths of the value printed, which is what a reader of the line gets.
    @discardableResult
    static func appendMetricValue(centis c: Int64, to out: inout [UInt8]) -> Int64 {
        if c % 100 == 0 {
            appendInt(c / 100, to: &out)
            return c
        }
        var length = 0
        var probe = c
        while probe > 0 {
            length += 1
            probe /= 10
        }
        var exponent = length - 3  // decimal exponent of the leading digit of c / 100
        var sig = c
        var scale = 0  // the value printed is sig · 10^(scale − 2)
        if length > 6 {
            let drop = length - 6
            var div: Int64 = 1
            for _ in 0..<drop { div *= 10 }
            var q = c / div
            let rem = c % div
            if rem * 2 > div || (rem * 2 == div && q % 2 == 1) { q += 1 }
            scale = drop
            if q == 1_000_000 {
                q = 100_000
                scale += 1
                exponent += 1
            }
            sig = q
        }
        var printed = sig
        for _ in 0..<scale { printed *= 10 }
        if exponent < -4 || exponent >= 6 {
            var digits: [UInt8] = []
            appendPadded(sig, width: 1, to: &digits)
            while digits.count > 1 && digits.last == UInt8(ascii: "0") { digits.removeLast() }
            out.append(digits[0])
            if digits.count > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[1...])
            }
            out.append(UInt8(ascii: "e"))
            out.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            appendPadded(abs(exponent), width: 2, to: &out)
            return printed
        }
        let e10 = scale - 2
        if e10 >= 0 {
            appendInt(printed / 100, to: &out)
            return printed
        }
        var div: Int64 = 1
        for _ in 0..<(-e10) { div *= 10 }
        appendPadded(sig / div, width: 1, to: &out)
        var frac: [UInt8] = []
        appendPadded(sig % div, width: -e10, to: &frac)
        while frac.last == UInt8(ascii: "0") { frac.removeLast() }
        if !frac.isEmpty {
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: frac)
        }
        return printed
    }

    /// The head of a CloudWatch Logs subscription envelope, up to `"logEvents":`.
    static func appendEnvelopeHead(function: [UInt8], stream: [UInt8], to out: inout [UInt8]) {
        append("{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"/aws/lambda/", to: &out)
        appendJSONEscaped(function, to: &out)
        append("\",\"logStream\":", to: &out)
        appendJSONString(stream, to: &out)
        append(",\"subscriptionFilters\":[\"fathom\"],\"logEvents\":", to: &out)
    }
}
