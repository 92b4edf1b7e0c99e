/// Hand-written timestamp parsers for the layouts Lambda logs use, to milliseconds since the
/// Unix epoch. A `DateFormatter` costs ~29 µs a parse; these cost tens of nanoseconds.
public enum TimestampParser {
    @inline(__always)
    static func digits(_ v: ByteView, _ at: Int, _ n: Int) -> Int? {
        var value = 0
        for k in 0..<n {
            let d = Int(v.at(at + k)) - 48
            guard d >= 0 && d <= 9 else { return nil }
            value = value * 10 + d
        }
        return value
    }

    /// Parses `YYYY-MM-DD[T| ]HH:MM:SS[.fraction][Z|z|±HH:MM|±HHMM|+00:00]` at `start`.
    /// Also accepts the `/` date separators of Go's `log` (`2020/03/27 03:40:05`).
    /// With `shortFractionIsMillis` a fraction of fewer than 3 digits counts whole milliseconds
    /// (Python's runtime wrote `.5Z` for 5 ms before January 2021).
    /// - Returns: the time and the index just past the timestamp, or nil.
    public static func parse(_ v: ByteView, at start: Int, shortFractionIsMillis: Bool = false) -> (ms: Int64, end: Int)? {
        guard let year = digits(v, start, 4) else { return nil }
        let sep = v.at(start + 4)
        guard sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/"), v.at(start + 7) == sep,
              let month = digits(v, start + 5, 2), let day = digits(v, start + 8, 2),
              month >= 1, month <= 12, day >= 1, day <= 31
        else { return nil }
        let t = v.at(start + 10)
        guard t == UInt8(ascii: "T") || t == UInt8(ascii: " ") || t == UInt8(ascii: "t"),
              let hour = digits(v, start + 11, 2), v.at(start + 13) == UInt8(ascii: ":"),
              let minute = digits(v, start + 14, 2), v.at(start + 16) == UInt8(ascii: ":"),
              let second = digits(v, start + 17, 2), hour < 24, minute < 60, second <= 60
        else { return nil }
        var i = start + 19
        var millis = 0
        if v.at(i) == UInt8(ascii: ".") || v.at(i) == UInt8(ascii: ",") {
            i += 1
            var n = 0
            var frac = 0
            while true {
                let d = Int(v.at(i)) - 48
                guard d >= 0 && d <= 9 else { break }
                if n < 3 { frac = frac * 10 + d }
                n += 1
                i += 1
            }
            guard n > 0 else { return nil }
            if n < 3 && !shortFractionIsMillis {
                for _ in n..<3 { frac *= 10 }
            }
            millis = frac
        }
        var offsetMinutes = 0
        let z = v.at(i)
        if z == UInt8(ascii: "Z") || z == UInt8(ascii: "z") {
            i += 1
        } else if z == UInt8(ascii: "+") || z == UInt8(ascii: "-") {
            guard let oh = digits(v, i + 1, 2) else { return nil }
            var om = 0
            if v.at(i + 3) == UInt8(ascii: ":"), let m = digits(v, i + 4, 2) {
                om = m
                i += 6
            } else if let m = digits(v, i + 3, 2) {
                om = m
                i += 5
            } else {
                i += 3
            }
            offsetMinutes = (oh * 60 + om) * (z == UInt8(ascii: "-") ? -1 : 1)
        }
        let days = CivilDate.days(year: Int64(year), month: Int64(month), day: Int64(day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return (seconds * 1000 + Int64(millis), i)
    }

    /// Converts an epoch number in seconds, milliseconds, microseconds or nanoseconds (decided by
    /// magnitude: < 1e11 s, < 1e14 ms, < 1e17 µs, else ns) to milliseconds.
    public static func epochToMillis(_ x: Double) -> Int64? {
        guard x.isFinite, x >= 0 else { return nil }
        let ms: Double
        if x < 1e11 { ms = x * 1000 } else if x < 1e14 { ms = x } else if x < 1e17 { ms = x / 1000 } else { ms = x / 1_000_000 }
        guard ms < 9e15 else { return nil }
        return Int64(ms.rounded(.down))
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` for a time in ms (UTC), always with milliseconds.
    public static func formatMillis(_ ms: Int64) -> String {
        var out: [UInt8] = []
        appendISO(ms, to: &out, fraction: true)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS[.mmm]Z` for `ms` to `out`.
    public static func appendISO(_ ms: Int64, to out: inout [UInt8], fraction: Bool) {
        let secs = CivilDate.floorDiv(ms, 1000)
        let millis = Int(ms - secs * 1000)
        let days = CivilDate.floorDiv(secs, 86_400)
        let rem = Int(secs - days * 86_400)
        let (year, month, day) = CivilDate.date(days: days)
        let (y, m, d) = (Int(year), Int(month), Int(day))
        func put(_ value: Int, _ width: Int) {
            var digits = [UInt8](repeating: 48, count: width)
            var x = value
            var k = width - 1
            while k >= 0 {
                digits[k] = UInt8(48 + x % 10)
                x /= 10
                k -= 1
            }
            out.append(contentsOf: digits)
        }
        put(y, 4); out.append(UInt8(ascii: "-")); put(m, 2); out.append(UInt8(ascii: "-")); put(d, 2)
        out.append(UInt8(ascii: "T"))
        put(rem / 3600, 2); out.append(UInt8(ascii: ":")); put(rem / 60 % 60, 2); out.append(UInt8(ascii: ":")); put(rem % 60, 2)
        if fraction {
            out.append(UInt8(ascii: "."))
            put(millis, 3)
        }
        out.append(UInt8(ascii: "Z"))
    }
}
