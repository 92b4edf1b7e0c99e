/// Times and durations as users type them on the command line, in milliseconds since the epoch.
///
/// Instants (`parseInstant`):
/// - `now`; `-1h`, `-30m`, `-90s`, `-2d`, `-1w` (that long before now); `now-1h`, `now+5m`;
/// - RFC 3339: `2026-11-20T08:00:00Z`, `2026-11-20T08:00:00.123456789+02:00`; lowercase `t`/`z`
///   and a space instead of `T` are accepted, seconds may be left out, and a time without an
///   offset is taken as UTC (Fathom has no local time zone);
/// - a date, `2026-11-20`: midnight UTC;
/// - epoch digits, read by magnitude like the rest of Fathom: below 1e11 seconds, below 1e14
///   milliseconds, below 1e17 microseconds, else nanoseconds.
///
/// Durations (`parseDuration`): `500ms`, `60s`, `5m`, `1h`, `1d`, `1w`, concatenations such as
/// `1h30m`, or a bare number of seconds.
///
/// Mistakes throw a `QueryError` whose `query` is the input and whose `position` is the column
/// of the mistake.
public enum TimeSpec {
    static let instantForms =
        "expected now, -1h, now-30m, an RFC 3339 time such as 2026-11-20T08:00:00Z, a date such as 2026-11-20, or epoch seconds or milliseconds"

    /// The instant `s` names, in ms since the epoch; relative forms count back from `now` (ms).
    public static func parseInstant(_ s: String, now: Int64) throws(QueryError) -> Int64 {
        let c = Array(s)
        var lo = 0, hi = c.count
        while lo < hi, c[lo].isWhitespace { lo += 1 }
        while hi > lo, c[hi - 1].isWhitespace { hi -= 1 }
        func fail(_ message: String, _ at: Int) -> QueryError { QueryError(message: message, position: at, query: s) }
        guard lo < hi else { throw fail("empty time (\(instantForms))", lo) }

        let word = String(c[lo..<hi]).lowercased()
        if word == "now" { return now }
        var start = lo
        if word.hasPrefix("now") {
            start = lo + 3
            guard start < hi, c[start] == "-" || c[start] == "+" else {
                throw fail("expected '-' or '+' and a duration after 'now' (e.g. now-1h), found \(describe(c, start, hi))", start)
            }
        }
        if c[start] == "-" || c[start] == "+" {
            let d = try duration(c, start + 1, hi, query: s)
            let (r, overflow) = c[start] == "-" ? now.subtractingReportingOverflow(d) : now.addingReportingOverflow(d)
            if overflow { throw fail("time out of range", start) }
            return r
        }
        guard isDigit(c[lo]) else { throw fail("invalid time \(describe(c, lo, hi)) (\(instantForms))", lo) }
        var n = lo
        while n < hi, isDigit(c[n]) { n += 1 }
        if n == hi { return try epoch(c, lo, hi, query: s) }
        if n - lo == 4, c[n] == "-" { return try rfc3339(c, lo, hi, query: s) }
        throw fail("unexpected \(describe(c, n, hi)) in time (\(instantForms))", n)
    }

    /// The time range a read command or API call covers: `from`/`to` as given (any form
    /// `parseInstant` takes), else the data's own range; one end alone extends an hour back, or
    /// up to `now`. Nil when there is no data and no bound. The ends come out in order.
    public static func range(from: String?, to: String?, data: (from: Int64, to: Int64)?,
                             now: Int64) throws(QueryError) -> (from: Int64, to: Int64)? {
        var f = data?.from
        var t = data?.to
        if let from { f = try parseInstant(from, now: now) }
        if let to { t = try parseInstant(to, now: now) }
        guard var lo = f, var hi = t else {
            if f == nil && t == nil { return nil }
            return (f ?? (t! - 3_600_000), t ?? now)
        }
        if hi <= lo { swap(&lo, &hi) }
        return (lo, hi)
    }

    /// The length of the duration `s` in milliseconds (`5m` → 300 000; `90` → 90 000).
    public static func parseDuration(_ s: String) throws(QueryError) -> Int64 {
        let c = Array(s)
        var lo = 0, hi = c.count
        while lo < hi, c[lo].isWhitespace { lo += 1 }
        while hi > lo, c[hi - 1].isWhitespace { hi -= 1 }
        return try duration(c, lo, hi, query: s)
    }

    /// A duration as written in files and flags, the inverse of ``parseDuration(_:)``: `5m`,
    /// `1h`, `90s`, `1d`, `250ms` — the largest unit that divides it exactly.
    public static func formatDuration(_ ms: Int64) -> String {
        if ms <= 0 { return "0s" }
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where ms % size == 0 {
            return "\(ms / size)\(unit)"
        }
        return "\(ms)ms"
    }

    /// `2026-11-20T08:00:00Z`, or `2026-11-20T08:00:00.123Z` when `ms` is not a whole second.
    public static func format(_ ms: Int64) -> String {
        let days = CivilDate.floorDiv(ms, 86_400_000)
        let inDay = ms - days * 86_400_000
        let (y, m, d) = CivilDate.date(days: days)
        var s = (y < 0 ? "-" : "") + pad(abs(y), 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
        s += "T" + pad(inDay / 3_600_000, 2) + ":" + pad(inDay / 60_000 % 60, 2) + ":" + pad(inDay / 1000 % 60, 2)
        if inDay % 1000 != 0 { s += "." + pad(inDay % 1000, 3) }
        return s + "Z"
    }

    // MARK: Pieces

    static func pad(_ v: Int64, _ width: Int) -> String {
        let digits = String(v)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    static func isDigit(_ c: Character) -> Bool { c.asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }

    static func digitValue(_ c: Character) -> Int64 { Int64(c.asciiValue! - 0x30) }

    /// `'x'` for the word or character at `i`, `end of input` past `hi`.
    static func describe(_ c: [Character], _ i: Int, _ hi: Int) -> String {
        guard i < hi else { return "end of input" }
        var j = i + 1
        if c[i].isLetter || isDigit(c[i]) { while j < hi, c[j].isLetter || isDigit(c[j]) { j += 1 } }
        return "'" + String(c[i..<j]) + "'"
    }

    static func duration(_ c: [Character], _ lo: Int, _ hi: Int, query: String) throws(QueryError) -> Int64 {
        func fail(_ message: String, _ at: Int) -> QueryError { QueryError(message: message, position: at, query: query) }
        let forms = "expected e.g. 60s, 5m, 1h, 1d, 1w, or a number of seconds"
        guard lo < hi else { throw fail("empty duration (\(forms))", lo) }
        var i = lo
        var total: Int64 = 0
        while i < hi {
            let numberStart = i
            var n: Int64 = 0
            while i < hi, isDigit(c[i]) {
                let (m, o1) = n.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(digitValue(c[i]))
                if o1 || o2 { throw fail("duration too large", numberStart) }
                n = a
                i += 1
            }
            guard i > numberStart else {
                throw fail("expected a number in the duration, found \(describe(c, i, hi)) (\(forms))", i)
            }
            let unitStart = i
            while i < hi, c[i].isLetter { i += 1 }
            let unit = String(c[unitStart..<i])
            let scale: Int64
            switch unit {
            case "" where numberStart == lo && i == hi: scale = 1000
            case "": throw fail("expected a unit (ms, s, m, h, d or w) after '\(n)', found \(describe(c, i, hi))", i)
            case "ms": scale = 1
            case "s": scale = 1000
            case "m": scale = 60_000
            case "h": scale = 3_600_000
            case "d": scale = 86_400_000
            case "w": scale = 604_800_000
            default: throw fail("unknown unit '\(unit)' in duration (expected ms, s, m, h, d or w)", unitStart)
            }
            let (part, o1) = n.multipliedReportingOverflow(by: scale)
            let (sum, o2) = total.addingReportingOverflow(part)
            if o1 || o2 { throw fail("duration too large", numberStart) }
            total = sum
        }
        return total
    }

    /// Epoch digits, read by magnitude.
    static func epoch(_ c: [Character], _ lo: Int, _ hi: Int, query: String) throws(QueryError) -> Int64 {
        var v: Int64 = 0
        for i in lo..<hi {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(digitValue(c[i]))
            if o1 || o2 { throw QueryError(message: "epoch time out of range", position: lo, query: query) }
            v = a
        }
        if v < 100_000_000_000 { return v * 1000 }  // seconds
        if v < 100_000_000_000_000 { return v }  // milliseconds
        if v < 100_000_000_000_000_000 { return v / 1000 }  // microseconds
        return v / 1_000_000  // nanoseconds
    }

    /// `YYYY-MM-DD[(T|t| )hh:mm[:ss[.fraction]][Z|z|±hh[:mm]]]`.
    static func rfc3339(_ c: [Character], _ lo: Int, _ hi: Int, query: String) throws(QueryError) -> Int64 {
        var i = lo
        func fail(_ message: String, _ at: Int) -> QueryError { QueryError(message: message, position: at, query: query) }
        func number(_ width: Int, _ what: String) throws(QueryError) -> Int64 {
            var v: Int64 = 0
            for k in 0..<width {
                guard i + k < hi, isDigit(c[i + k]) else {
                    throw fail("expected \(width) digits for the \(what), found \(describe(c, i + k, hi))", i + k)
                }
                v = v * 10 + digitValue(c[i + k])
            }
            i += width
            return v
        }
        func expect(_ separator: Character, _ after: String) throws(QueryError) {
            guard i < hi, c[i] == separator else {
                throw fail("expected '\(separator)' after the \(after), found \(describe(c, i, hi))", i)
            }
            i += 1
        }
        func check(_ v: Int64, _ range: ClosedRange<Int64>, _ what: String, _ at: Int, _ note: String) throws(QueryError) {
            guard range.contains(v) else { throw fail("invalid \(what) '\(pad(v, 2))' (\(note))", at) }
        }

        let year = try number(4, "year")
        try expect("-", "year")
        let monthAt = i
        let month = try number(2, "month")
        try check(month, 1...12, "month", monthAt, "expected 01 to 12")
        try expect("-", "month")
        let dayAt = i
        let day = try number(2, "day")
        let monthDays = CivilDate.daysInMonth(year: year, month: month)
        try check(day, 1...monthDays, "day", dayAt, "\(pad(year, 4))-\(pad(month, 2)) has \(monthDays) days")
        var ms = CivilDate.days(year: year, month: month, day: day) * 86_400_000
        if i == hi { return ms }

        guard c[i] == "T" || c[i] == "t" || c[i] == " " else {
            throw fail("expected 'T' and a time after the date, found \(describe(c, i, hi))", i)
        }
        i += 1
        let hourAt = i
        let hour = try number(2, "hour")
        try check(hour, 0...23, "hour", hourAt, "expected 00 to 23")
        try expect(":", "hour")
        let minuteAt = i
        let minute = try number(2, "minute")
        try check(minute, 0...59, "minute", minuteAt, "expected 00 to 59")
        var second: Int64 = 0
        if i < hi, c[i] == ":" {
            i += 1
            let secondAt = i
            second = try number(2, "second")
            try check(second, 0...59, "second", secondAt, "expected 00 to 59")
        }
        var fractionMs: Int64 = 0
        if i < hi, c[i] == "." || c[i] == "," {
            i += 1
            let start = i
            while i < hi, isDigit(c[i]) { i += 1 }
            let digits = i - start
            guard digits >= 1, digits <= 9 else {
                throw fail("expected 1 to 9 digits of fraction, found \(digits == 0 ? describe(c, i, hi) : "\(digits)")", start)
            }
            for k in 0..<3 { fractionMs = fractionMs * 10 + (k < digits ? digitValue(c[start + k]) : 0) }
        }
        ms += ((hour * 60 + minute) * 60 + second) * 1000 + fractionMs

        if i == hi { return ms }  // no offset: UTC
        if c[i] == "Z" || c[i] == "z" {
            i += 1
        } else if c[i] == "+" || c[i] == "-" {
            let sign: Int64 = c[i] == "+" ? 1 : -1
            i += 1
            let offsetAt = i
            let oh = try number(2, "offset hours")
            try check(oh, 0...23, "offset hours", offsetAt, "expected 00 to 23")
            var om: Int64 = 0
            if i < hi, c[i] == ":" { i += 1 }
            if i < hi {
                let omAt = i
                om = try number(2, "offset minutes")
                try check(om, 0...59, "offset minutes", omAt, "expected 00 to 59")
            }
            ms -= sign * (oh * 60 + om) * 60_000
        } else {
            throw fail("expected 'Z' or an offset such as +02:00 after the time, found \(describe(c, i, hi))", i)
        }
        guard i == hi else { throw fail("unexpected \(describe(c, i, hi)) after the time", i) }
        return ms
    }
}
