/// A line written by the Lambda platform (not the runtime) in the text log format.
public enum PlatformLine {
    case start(requestID: Range<Int>, version: Range<Int>?)
    case end(requestID: Range<Int>)
    case report(requestID: Range<Int>, ReportFields)
    /// `XRAY TraceId: …` — the second line of a REPORT event.
    case xray(traceID: Range<Int>)
    /// `INIT_START`, `INIT_REPORT`, `RESTORE_*`, `EXTENSION`, `TELEMETRY`, `LOGS`: environment lines.
    case environment
    /// `RequestId: <id> Error: Runtime exited …` / `Process exited before completing request`.
    case runtimeExit(requestID: Range<Int>, killed: Bool)
    /// A REPORT whose request id or duration could not be read.
    case malformedReport

    /// Recognises a platform line at the start of `range`, or returns nil.
    public static func parse(_ v: ByteView, _ range: Range<Int>) -> PlatformLine? {
        let p = range.lowerBound
        let end = range.upperBound
        guard end - p >= 4 else { return nil }
        switch v[p] {
        case UInt8(ascii: "S"):
            guard v.matches("START RequestId:", at: p) else { return nil }
            let s = ByteClass.skipSpaces(v, p + 16, end)
            let e = ByteClass.nextSpace(v, s, end)
            guard e > s else { return nil }
            var version: Range<Int>? = nil
            let k = ByteClass.skipSpaces(v, e, end)
            if v.matches("Version:", at: k) {
                let vs = ByteClass.skipSpaces(v, k + 8, end)
                let ve = ByteClass.nextSpace(v, vs, end)
                if ve > vs { version = vs..<ve }
            }
            return .start(requestID: s..<e, version: version)
        case UInt8(ascii: "E"):
            if v.matches("END RequestId:", at: p) {
                let s = ByteClass.skipSpaces(v, p + 14, end)
                let e = ByteClass.nextSpace(v, s, end)
                return e > s ? .end(requestID: s..<e) : nil
            }
            if v.matches("EXTENSION", at: p) && ByteClass.isSpace(v.at(p + 9)) { return .environment }
            return nil
        case UInt8(ascii: "R"):
            if v.matches("REPORT ", at: p) { return parseReport(v, p, end) }
            if v.matches("RequestId:", at: p) {
                let s = ByteClass.skipSpaces(v, p + 10, end)
                let e = ByteClass.nextSpace(v, s, end)
                guard e > s else { return nil }
                let rest = ByteClass.skipSpaces(v, e, end)
                if v.matches("Error: Runtime exited", at: rest) || v.matches("Process exited before completing", at: rest) {
                    let killed = v.firstIndex(of: "signal: killed", from: rest, end: end) != nil
                    return .runtimeExit(requestID: s..<e, killed: killed)
                }
                return nil
            }
            if v.matches("RESTORE_START", at: p) || v.matches("RESTORE_REPORT", at: p) { return .environment }
            return nil
        case UInt8(ascii: "I"):
            if v.matches("INIT_START", at: p) || v.matches("INIT_REPORT", at: p) || v.matches("INIT_RUNTIME_DONE", at: p) {
                return .environment
            }
            return nil
        case UInt8(ascii: "X"):
            guard v.matches("XRAY TraceId:", at: p) else { return nil }
            let s = ByteClass.skipSpaces(v, p + 13, end)
            let e = ByteClass.nextSpace(v, s, end)
            return e > s ? .xray(traceID: s..<e) : nil
        case UInt8(ascii: "T"):
            return v.matches("TELEMETRY", at: p) && ByteClass.isSpace(v.at(p + 9)) ? .environment : nil
        case UInt8(ascii: "L"):
            return v.matches("LOGS", at: p) && v.at(p + 4) == 9 ? .environment : nil
        default:
            return nil
        }
    }

    /// Key-anchored REPORT scanner: fields in any order, separated by tabs or runs of spaces;
    /// `Duration` is matched only at a field start, so `Billed Duration` never feeds it.
    static func parseReport(_ v: ByteView, _ p: Int, _ end: Int) -> PlatformLine {
        var i = ByteClass.skipSpaces(v, p + 7, end)
        guard v.matches("RequestId:", at: i) else { return .malformedReport }
        let s = ByteClass.skipSpaces(v, i + 10, end)
        let e = ByteClass.nextSpace(v, s, end)
        guard e > s else { return .malformedReport }
        var f = ReportFields()
        i = e
        @inline(__always) func number(_ at: Int) -> (Double?, Int) {
            let ns = ByteClass.skipSpaces(v, at, end)
            let ne = ByteClass.nextSpace(v, ns, end)
            let value = DecimalParser.parse(v, ns..<ne)
            // Skip the unit (`ms`, `MB`).
            var k = ByteClass.skipSpaces(v, ne, end)
            if k + 1 < end, (v[k] == UInt8(ascii: "m") && v[k + 1] == UInt8(ascii: "s"))
                || (v[k] == UInt8(ascii: "M") && v[k + 1] == UInt8(ascii: "B")) {
                k += 2
            }
            return (value.flatMap { $0.isFinite ? $0 : nil }, k)
        }
        @inline(__always) func word(_ at: Int) -> (Range<Int>, Int) {
            let ws = ByteClass.skipSpaces(v, at, end)
            let we = ByteClass.nextSpace(v, ws, end)
            return (ws..<we, we)
        }
        while true {
            i = ByteClass.skipSpaces(v, i, end)
            guard i < end else { break }
            switch v[i] {
            case UInt8(ascii: "D") where v.matches("Duration:", at: i):
                (f.durationMs, i) = number(i + 9)
                continue
            case UInt8(ascii: "B") where v.matches("Billed Duration:", at: i):
                (f.billedDurationMs, i) = number(i + 16)
                continue
            case UInt8(ascii: "B") where v.matches("Billed Restore Duration:", at: i):
                (f.billedRestoreDurationMs, i) = number(i + 24)
                continue
            case UInt8(ascii: "M") where v.matches("Memory Size:", at: i):
                (f.memorySizeMB, i) = number(i + 12)
                continue
            case UInt8(ascii: "M") where v.matches("Max Memory Used:", at: i):
                (f.maxMemoryUsedMB, i) = number(i + 16)
                continue
            case UInt8(ascii: "I") where v.matches("Init Duration:", at: i):
                (f.initDurationMs, i) = number(i + 14)
                continue
            case UInt8(ascii: "R") where v.matches("Restore Duration:", at: i):
                (f.restoreDurationMs, i) = number(i + 17)
                continue
            case UInt8(ascii: "S") where v.matches("Status:", at: i):
                let (w, next) = word(i + 7)
                f.status = ReportFields.status(v, w)
                i = next
                continue
            case UInt8(ascii: "E") where v.matches("Error Type:", at: i):
                let (w, next) = word(i + 11)
                if !w.isEmpty { f.errorType = w }
                i = next
                continue
            case UInt8(ascii: "X") where v.matches("XRAY TraceId:", at: i):
                let (w, next) = word(i + 13)
                if !w.isEmpty { f.xrayTraceID = w }
                i = next
                continue
            default:
                break
            }
            i = ByteClass.nextSpace(v, i, end)
        }
        guard f.durationMs != nil else { return .malformedReport }
        return .report(requestID: s..<e, f)
    }
}
