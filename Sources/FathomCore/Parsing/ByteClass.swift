/// Byte predicates shared by the parsers.
public enum ByteClass {
    @inline(__always)
    public static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 }

    @inline(__always)
    public static func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }

    /// Characters of request ids: letters, digits, `-` and `_` (UUIDs, `xmpl` placeholders, `req-1`).
    @inline(__always)
    public static func isIDByte(_ b: UInt8) -> Bool {
        (b | 0x20) &- 97 < 26 || b &- 48 < 10 || b == 45 || b == 95
    }

    /// The index of the first byte at or after `i` (before `end`) that is not a space or tab.
    public static func skipSpaces(_ v: ByteView, _ i: Int, _ end: Int) -> Int {
        var j = i
        while j < end && isSpace(v[j]) { j += 1 }
        return j
    }

    /// The index of the first space or tab at or after `i` (or `end`).
    public static func nextSpace(_ v: ByteView, _ i: Int, _ end: Int) -> Int {
        var j = i
        while j < end && !isSpace(v[j]) { j += 1 }
        return j
    }

    /// `range` without trailing spaces, tabs, CR and LF.
    public static func trimEnd(_ v: ByteView, _ range: Range<Int>) -> Range<Int> {
        var e = range.upperBound
        while e > range.lowerBound, v[e - 1] == 32 || v[e - 1] == 9 || v[e - 1] == 13 || v[e - 1] == 10 { e -= 1 }
        return range.lowerBound..<e
    }

    /// Whether `range` is a request id: 1 to 64 id bytes.
    public static func isRequestID(_ v: ByteView, _ range: Range<Int>) -> Bool {
        guard !range.isEmpty, range.count <= 64 else { return false }
        for i in range where !isIDByte(v[i]) { return false }
        return true
    }
}
