/// UTC calendar arithmetic and RFC 3339 formatting for the generator (no Foundation).
///
/// `civil(days:)` comes from `CivilDate`; formatting keeps the last day it
/// formatted, since consecutive lines almost always fall on the same day.
struct GenTime {
    /// A UTC date.
    struct Civil: Equatable {
        var year: Int
        var month: Int
        var day: Int
    }

    private var cachedDay = Int64.min
    private var cachedDate: [UInt8] = []

    init() {}

    /// The date of day `z` after 1970-01-01 (proleptic Gregorian).
    static func civil(days z: Int64) -> Civil {
        let (y, m, d) = CivilDate.date(days: z)
        return Civil(year: Int(y), month: Int(m), day: Int(d))
    }

    /// Floor division for possibly negative epoch values (b > 0).
    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { CivilDate.floorDiv(a, b) }

    /// Appends `YYYY-MM-DDTHH:MM:SS.mmmZ` for `ms` milliseconds since the epoch.
    mutating func appendISO(ms: Int64, to out: inout [UInt8]) {
        let day = Self.floorDiv(ms, 86_400_000)
        if day != cachedDay {
            cachedDay = day
            cachedDate.removeAll(keepingCapacity: true)
            let c = Self.civil(days: day)
            GenBytes.appendPadded(c.year, width: 4, to: &cachedDate)
            cachedDate.append(UInt8(ascii: "-"))
            GenBytes.appendPadded(c.month, width: 2, to: &cachedDate)
            cachedDate.append(UInt8(ascii: "-"))
            GenBytes.appendPadded(c.day, width: 2, to: &cachedDate)
        }
        out.append(contentsOf: cachedDate)
        let inDay = Int(ms - day * 86_400_000)
        out.append(UInt8(ascii: "T"))
        GenBytes.appendPadded(inDay / 3_600_000, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        GenBytes.appendPadded(inDay / 60_000 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        GenBytes.appendPadded(inDay / 1000 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        GenBytes.appendPadded(inDay % 1000, width: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` for `ms` milliseconds since the epoch.
    static func iso(ms: Int64) -> String {
        var t = GenTime()
        var out: [UInt8] = []
        t.appendISO(ms: ms, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `YYYY/MM/DD` for the day holding `ms` (the date part of Lambda log stream names).
    static func dayPath(ms: Int64) -> [UInt8] {
        let c = civil(days: floorDiv(ms, 86_400_000))
        var out: [UInt8] = []
        GenBytes.appendPadded(c.year, width: 4, to: &out)
        out.append(UInt8(ascii: "/"))
        GenBytes.appendPadded(c.month, width: 2, to: &out)
        out.append(UInt8(ascii: "/"))
        GenBytes.appendPadded(c.day, width: 2, to: &out)
        return out
    }

    /// Microseconds since the epoch of `seconds`, floored (CloudWatch event ids).
    @inline(__always)
    static func micros(_ seconds: Double) -> Int64 { Int64((seconds * 1_000_000).rounded(.down)) }

    /// Milliseconds since the epoch of `seconds`, floored as the printed timestamps are (and
    /// always the leading digits of `micros`).
    @inline(__always)
    static func ms(_ seconds: Double) -> Int64 { floorDiv(micros(seconds), 1000) }
}
