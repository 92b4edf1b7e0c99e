/// The prefix a Lambda runtime writes before an application message, taken apart.
public struct RuntimePrefix {
    /// The line's own time, when the prefix has one.
    public var time: Int64?
    /// The request id, when the prefix names one (`undefined` and empty ids are none).
    public var requestID: Range<Int>?
    public var level: LogLevel
    /// Where the message starts.
    public var message: Int

    /// Recognises, at the start of `range`:
    /// - Node.js / .NET: `<ISO ts>\t<id|undefined|>\t<LEVEL>\t<msg>`, and the legacy Node form
    ///   without a level (the third column is a level only when it is a level token);
    /// - Python: `[LEVEL]\t<ISO ts>\t<id|>\t<msg>` (unpadded milliseconds of pre-2021 logs too);
    /// - Java `LambdaLogger`: `[LEVEL] <msg>`; PowerShell `[Information] - <msg>`;
    /// - log4j: `YYYY-MM-DD HH:MM:SS <id> LEVEL <msg>`; Go `log`: `YYYY/MM/DD HH:MM:SS <msg>`;
    /// - Ruby `Logger`: `I, [<ts> #<pid>]  INFO <id> -- <prog>: <msg>`.
    /// Separators may be tabs or runs of spaces. Returns nil when there is no such prefix.
    public static func parse(_ v: ByteView, _ range: Range<Int>) -> RuntimePrefix? {
        let p = range.lowerBound
        let end = range.upperBound
        guard p < end else { return nil }
        let first = v[p]
        if ByteClass.isDigit(first) {
            return parseTimestamped(v, p, end)
        }
        if first == UInt8(ascii: "[") {
            return parseBracketed(v, p, end)
        }
        if v.at(p + 1) == UInt8(ascii: ","), v.at(p + 2) == 32, v.at(p + 3) == UInt8(ascii: "[") {
            return parseRuby(v, p, end)
        }
        return nil
    }

    static func parseTimestamped(_ v: ByteView, _ p: Int, _ end: Int) -> RuntimePrefix? {
        guard let (time, tsEnd) = TimestampParser.parse(v, at: p), tsEnd < end, ByteClass.isSpace(v[tsEnd]) else {
            return nil
        }
        let goStyle = v[p + 4] == UInt8(ascii: "/")
        if goStyle {
            return RuntimePrefix(time: time, requestID: nil, level: .unknown, message: ByteClass.skipSpaces(v, tsEnd, end))
        }
        // Column 2: the request id (may be empty between two tabs, or `undefined`).
        var i = tsEnd
        var idRange: Range<Int>? = nil
        if v[i] == 9 && v.at(i + 1) == 9 {
            i += 2  // Python/Node INIT lines: empty id
        } else {
            let s = ByteClass.skipSpaces(v, i, end)
            let e = ByteClass.nextSpace(v, s, end)
            if ByteClass.isRequestID(v, s..<e) && e < end {
                if !(e - s == 9 && v.matches("undefined", at: s)) { idRange = s..<e }
                i = e
            } else {
                // Not an id: the message follows the time.
                return RuntimePrefix(time: time, requestID: nil, level: .unknown, message: s)
            }
            i = ByteClass.skipSpaces(v, i, end)
            if i == end { return RuntimePrefix(time: time, requestID: idRange, level: .unknown, message: end) }
            // Column 3: a level, or (legacy Node) the message itself.
            let le = ByteClass.nextSpace(v, i, end)
            if let level = LogLevel.parse(v, i..<le) {
                let m = le < end && v[le] == 9 ? le + 1 : ByteClass.skipSpaces(v, le, end)
                return RuntimePrefix(time: time, requestID: idRange, level: level, message: m)
            }
            return RuntimePrefix(time: time, requestID: idRange, level: .unknown, message: i)
        }
        let le = ByteClass.nextSpace(v, i, end)
        if let level = LogLevel.parse(v, i..<le) {
            let m = le < end && v[le] == 9 ? le + 1 : ByteClass.skipSpaces(v, le, end)
            return RuntimePrefix(time: time, requestID: idRange, level: level, message: m)
        }
        return RuntimePrefix(time: time, requestID: idRange, level: .unknown, message: i)
    }

    static func parseBracketed(_ v: ByteView, _ p: Int, _ end: Int) -> RuntimePrefix? {
        guard let close = v.firstIndex(of: UInt8(ascii: "]"), from: p + 1, end: Swift.min(end, p + 14)),
              let level = LogLevel.parse(v, (p + 1)..<close)
        else { return nil }
        var i = close + 1
        guard i < end, ByteClass.isSpace(v[i]) else {
            return RuntimePrefix(time: nil, requestID: nil, level: level, message: i)
        }
        // Python: [LEVEL]\t<ts>\t<id|>\t<msg>
        let s = ByteClass.skipSpaces(v, i, end)
        if let (time, tsEnd) = TimestampParser.parse(v, at: s, shortFractionIsMillis: true), tsEnd < end,
           ByteClass.isSpace(v[tsEnd]) {
            i = tsEnd
            if v[i] == 9 && v.at(i + 1) == 9 {
                return RuntimePrefix(time: time, requestID: nil, level: level, message: i + 2)
            }
            let idStart = ByteClass.skipSpaces(v, i, end)
            let idEnd = ByteClass.nextSpace(v, idStart, end)
            if ByteClass.isRequestID(v, idStart..<idEnd), idEnd < end {
                let m = v[idEnd] == 9 ? idEnd + 1 : ByteClass.skipSpaces(v, idEnd, end)
                return RuntimePrefix(time: time, requestID: idStart..<idEnd, level: level, message: m)
            }
            return RuntimePrefix(time: time, requestID: nil, level: level, message: idStart)
        }
        // Java `[INFO] msg`, PowerShell `[Information] - msg`
        i = s
        if v.at(i) == UInt8(ascii: "-") && v.at(i + 1) == 32 { i += 2 }
        return RuntimePrefix(time: nil, requestID: nil, level: level, message: i)
    }

    static func parseRuby(_ v: ByteView, _ p: Int, _ end: Int) -> RuntimePrefix? {
        // I, [2019-10-26T10:04:01.689856 #8]  INFO 6573a3a0-... -- : msg
        guard let (time, _) = TimestampParser.parse(v, at: p + 4),
              let close = v.firstIndex(of: UInt8(ascii: "]"), from: p + 4, end: Swift.min(end, p + 64))
        else { return nil }
        var i = ByteClass.skipSpaces(v, close + 1, end)
        let le = ByteClass.nextSpace(v, i, end)
        let level = LogLevel.parse(v, i..<le) ?? .unknown
        i = ByteClass.skipSpaces(v, le, end)
        var idRange: Range<Int>? = nil
        let ie = ByteClass.nextSpace(v, i, end)
        if ByteClass.isRequestID(v, i..<ie), !(v.at(i) == UInt8(ascii: "-") && ie - i == 2) {
            idRange = i..<ie
            i = ByteClass.skipSpaces(v, ie, end)
        }
        if v.matches("-- ", at: i), let colon = v.firstIndex(of: UInt8(ascii: ":"), from: i + 3, end: end) {
            i = ByteClass.skipSpaces(v, colon + 1, end)
        }
        return RuntimePrefix(time: time, requestID: idRange, level: level, message: i)
    }
}
