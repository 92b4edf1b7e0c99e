/// Fast, correctly rounded parsing of decimal numbers straight from bytes (every REPORT field and
/// metric value goes through here).
///
/// Results equal Swift's `Double(String)` for every input this parser accepts. Accepted syntax:
/// `[+-]? (digits ('.' digits*)? | '.' digits) ([eE] [+-]? digits)?` — so `"+1"`, `".5"`, `"1."`
/// and `"007"` are accepted (as `Double(String)` does) — plus `NaN`, `Inf` and `Infinity` in any
/// case and with an optional sign, returned as non-finite values for the caller to quarantine.
/// Rejected (nil): empty input, surrounding spaces, hex floats (`0x1p3`), `nan(...)` payloads,
/// digit separators and anything else.
///
/// Fast path (Clinger): up to 19 significant digits in a `UInt64` and a decimal exponent `k`;
/// when the digits fit in 53 bits and |k| <= 22, `Double(m) * 10^k` (or `/ 10^-k`) is one
/// correctly rounded operation on exact operands. Everything else — more than 19 significant
/// digits, more than 53 bits with a non-zero exponent, huge or tiny exponents — falls back to
/// `Double(String)` after the syntax has been checked here.
public enum DecimalParser {
    /// Exact powers of ten representable as Double (10^0 ... 10^22).
    @usableFromInline
    static let powers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses an optional sign, digits, optional fraction and optional exponent filling exactly
    /// `range` of `v`; also `NaN`, `Inf`, `Infinity` (any case, optional sign) as non-finite
    /// values. Returns nil when `range` does not hold a number (or lies outside `v`). Exponents
    /// out of range give ±infinity or ±0, like `Double(String)` (`1e400` -> +infinity).
    public static func parse(_ v: ByteView, _ range: Range<Int>) -> Double? {
        guard range.lowerBound >= 0, range.upperBound <= v.count, !range.isEmpty else { return nil }
        let p = v.base
        let end = range.upperBound
        var i = range.lowerBound
        var negative = false
        if p[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        } else if p[i] == UInt8(ascii: "+") {
            i += 1
        }
        guard i < end else { return nil }
        if p[i] &- UInt8(ascii: "0") >= 10 && p[i] != UInt8(ascii: ".") {
            return special(p, i, end, negative: negative)
        }

        var mantissa: UInt64 = 0
        var significant = 0  // digits in `mantissa`, leading zeros excluded
        var tooMany = false  // more than 19 significant digits: fall back
        var exponent = 0  // decimal exponent of the last digit kept in `mantissa`
        var digits = 0  // all mantissa digits seen, to reject "." and "e5"

        // Integer part.
        while i < end {
            let d = p[i] &- UInt8(ascii: "0")
            if d >= 10 { break }
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { significant += 1 }
            } else {
                tooMany = true
            }
            digits += 1
            i += 1
        }
        // Fraction.
        if i < end && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < end {
                let d = p[i] &- UInt8(ascii: "0")
                if d >= 10 { break }
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else {
                    tooMany = true
                }
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else { return nil }
        // Exponent.
        if i < end && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < end && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < end else { return nil }
            var e = 0
            while i < end {
                let d = p[i] &- UInt8(ascii: "0")
                if d >= 10 { return nil }
                if e < 100_000_000 { e = e * 10 + Int(d) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return nil }

        if mantissa == 0 && !tooMany { return negative ? -0.0 : 0.0 }
        if !tooMany {
            if let d = fast(mantissa, exponent) { return negative ? -d : d }
        }
        return slow(v, range)
    }

    /// Clinger's fast path: `m * 10^k` when it takes exactly one rounding; nil otherwise.
    @inline(__always)
    static func fast(_ m: UInt64, _ k: Int) -> Double? {
        if k == 0 { return Double(m) }  // one rounding (UInt64 -> Double is correctly rounded)
        guard m <= 1 << 53 else { return nil }
        if k < 0 {
            return k >= -22 ? Double(m) / powers[-k] : nil
        }
        if k <= 22 { return Double(m) * powers[k] }
        // "Disguised" fast path: move surplus powers of ten into the mantissa while it stays exact.
        if k <= 22 + 15 {
            var mm = m
            for _ in 0..<(k - 22) {
                mm *= 10
                if mm > 1 << 53 { return nil }
            }
            return Double(mm) * 1e22
        }
        return nil
    }

    /// The correctly rounded slow path: the syntax was already checked, so `Double(String)` only
    /// does the arithmetic. Inputs of up to 15 bytes make a small string (no allocation).
    @inline(never)
    static func slow(_ v: ByteView, _ range: Range<Int>) -> Double? {
        Double(v.string(range))
    }

    /// `nan`, `inf` or `infinity` (ASCII case-insensitive) filling `i..<end`, else nil.
    @inline(never)
    static func special(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int, negative: Bool) -> Double? {
        func equals(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard end - i == n else { return false }
            for k in 0..<n where p[i + k] | 0x20 != word.utf8Start[k] { return false }
            return true
        }
        if equals("nan") { return .nan }
        if equals("inf") || equals("infinity") { return negative ? -.infinity : .infinity }
        return nil
    }

    /// Parses a non-negative integer written with ASCII digits only, filling exactly `range` of
    /// `v`; nil when empty, when any other byte appears, or on Int64 overflow.
    public static func parseInt(_ v: ByteView, _ range: Range<Int>) -> Int64? {
        guard range.lowerBound >= 0, range.upperBound <= v.count, !range.isEmpty else { return nil }
        let p = v.base
        var r: Int64 = 0
        var i = range.lowerBound
        // Up to 18 digits cannot overflow: skip the checks.
        let safeEnd = Swift.min(range.upperBound, i + 18)
        while i < safeEnd {
            let d = p[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            r = r &* 10 &+ Int64(d)
            i += 1
        }
        while i < range.upperBound {
            let d = p[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = r.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            r = s
            i += 1
        }
        return r
    }
}
