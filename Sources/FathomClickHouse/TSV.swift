/// Rows in ClickHouse's `TabSeparated` format, built and read as bytes.
///
/// Strings are arbitrary bytes (binary rollups included): `\`, tab, newline, carriage return, NUL,
/// backspace and form feed are escaped with a backslash, every other byte goes as it is. Arrays are
/// written as ClickHouse's quoted literal (`['a','b\'c']`), which the TSV reader parses as it is.
/// `\N` is NULL.
struct TSVWriter {
    private(set) var bytes: [UInt8] = []
    private var fieldsInRow = 0
    private(set) var rows = 0

    init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    private mutating func separate() {
        if fieldsInRow > 0 { bytes.append(0x09) }
        fieldsInRow += 1
    }

    mutating func endRow() {
        bytes.append(0x0A)
        fieldsInRow = 0
        rows += 1
    }

    mutating func string(_ s: String) {
        separate()
        TSV.escape(s.utf8, into: &bytes)
    }

    mutating func bytes(_ b: [UInt8]) {
        separate()
        TSV.escape(b, into: &bytes)
    }

    mutating func int(_ n: Int64) {
        separate()
        bytes.append(contentsOf: String(n).utf8)
    }

    mutating func uint(_ n: UInt64) {
        separate()
        bytes.append(contentsOf: String(n).utf8)
    }

    mutating func double(_ x: Double) {
        separate()
        if x.isNaN {
            bytes.append(contentsOf: "nan".utf8)
        } else if x.isInfinite {
            bytes.append(contentsOf: (x < 0 ? "-inf" : "inf").utf8)
        } else {
            bytes.append(contentsOf: "\(x)".utf8)
        }
    }

    mutating func optionalDouble(_ x: Double?) {
        if let x { double(x) } else { null() }
    }

    mutating func optionalString(_ s: String?) {
        if let s { string(s) } else { null() }
    }

    mutating func optionalInt(_ n: Int64?) {
        if let n { int(n) } else { null() }
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "\\N".utf8)
    }

    /// A `Date` column: the day of `ms` (UTC) as `YYYY-MM-DD`.
    mutating func date(ms: Int64) {
        separate()
        bytes.append(contentsOf: TSV.dayText(ms: ms).utf8)
    }

    mutating func stringArray(_ items: [String]) {
        separate()
        bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "'"))
            for b in item.utf8 {
                switch b {
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
                case UInt8(ascii: "'"): bytes.append(contentsOf: [0x5C, UInt8(ascii: "'")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x00: bytes.append(contentsOf: [0x5C, UInt8(ascii: "0")])
                default: bytes.append(b)
                }
            }
            bytes.append(UInt8(ascii: "'"))
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

enum TSV {
    static func escape<C: Sequence>(_ s: C, into out: inout [UInt8]) where C.Element == UInt8 {
        for b in s {
            switch b {
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x00: out.append(0x5C); out.append(UInt8(ascii: "0"))
            case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
            default: out.append(b)
            }
        }
    }

    /// A SQL string literal of `s` (`'…'` with `\` and `'` escaped), for queries.
    static func literal(_ s: String) -> String {
        var out: [UInt8] = [UInt8(ascii: "'")]
        for b in s.utf8 {
            switch b {
            case 0x5C: out += [0x5C, 0x5C]
            case UInt8(ascii: "'"): out += [0x5C, UInt8(ascii: "'")]
            case 0x00: out += [0x5C, UInt8(ascii: "0")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "'"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `YYYY-MM-DD` of the UTC day holding `ms`, clamped to the days a `Date` column holds
    /// (1970-01-01 … 2105-12-31 on every version): a row with an absurd time still goes in (its
    /// exact time is in its own column) instead of failing its whole flight again and again.
    static func dayText(ms: Int64) -> String {
        let ms = min(max(ms, 0), ClickHouseStore.lastDay)
        let days = ms / 86_400_000
        let (y, m, d) = civil(days: days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)-\(two(m))-\(two(d))"
    }

    /// `YYYYMMDD` (a partition id) of the UTC day holding `ms`.
    static func partitionID(ms: Int64) -> Int64 {
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let (y, m, d) = civil(days: days)
        return y * 10_000 + m * 100 + d
    }

    /// The start (ms) of the UTC day of a partition id `YYYYMMDD`.
    static func dayStart(partition: Int64) -> Int64 {
        let y = partition / 10_000, m = partition / 100 % 100, d = partition % 100
        // Howard Hinnant's days_from_civil.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return (era * 146_097 + doe - 719_468) * 86_400_000
    }

    /// Howard Hinnant's civil_from_days.
    private static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// The rows of a `TabSeparated` answer. Fields are raw (still escaped) byte ranges; the accessors
/// unescape them.
struct TSVRows: Sequence {
    let data: [UInt8]

    func makeIterator() -> Iterator { Iterator(data: data) }

    struct Iterator: IteratorProtocol {
        let data: [UInt8]
        var position = 0

        mutating func next() -> TSVRow? {
            guard position < data.count else { return nil }
            var fields: [Range<Int>] = []
            var start = position
            var i = position
            while i < data.count {
                let b = data[i]
                if b == 0x5C {
                    i += 2
                    continue
                }
                if b == 0x09 {
                    fields.append(start..<i)
                    start = i + 1
                } else if b == 0x0A {
                    break
                }
                i += 1
            }
            let end = Swift.min(i, data.count)
            fields.append(start..<end)
            position = end + 1
            return TSVRow(data: data, fields: fields)
        }
    }
}

/// One row of a `TabSeparated` answer.
struct TSVRow {
    let data: [UInt8]
    let fields: [Range<Int>]

    var count: Int { fields.count }

    func isNull(_ i: Int) -> Bool {
        let r = fields[i]
        return r.count == 2 && data[r.lowerBound] == 0x5C && data[r.lowerBound + 1] == UInt8(ascii: "N")
    }

    func bytes(_ i: Int) -> [UInt8] { TSV.unescape(data[fields[i]]) }

    func string(_ i: Int) -> String { String(decoding: bytes(i), as: UTF8.self) }

    func optionalString(_ i: Int) -> String? { isNull(i) ? nil : string(i) }

    func int(_ i: Int) throws(ClickHouseError) -> Int64 {
        guard let n = Int64(raw(i)) else { throw .badResponse("'\(raw(i))' is not an integer") }
        return n
    }

    func uint(_ i: Int) throws(ClickHouseError) -> UInt64 {
        guard let n = UInt64(raw(i)) else { throw .badResponse("'\(raw(i))' is not an unsigned integer") }
        return n
    }

    func optionalInt(_ i: Int) throws(ClickHouseError) -> Int64? { isNull(i) ? nil : try int(i) }

    func double(_ i: Int) throws(ClickHouseError) -> Double {
        let text = raw(i)
        switch text {
        case "nan", "-nan": return .nan
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        default:
            guard let x = Double(text) else { throw .badResponse("'\(text)' is not a number") }
            return x
        }
    }

    func optionalDouble(_ i: Int) throws(ClickHouseError) -> Double? { isNull(i) ? nil : try double(i) }

    /// An `Array(String)` field: `['a','b']`.
    func stringArray(_ i: Int) throws(ClickHouseError) -> [String] {
        // Written and read as ClickHouse's quoted literal, with no TSV escaping on top.
        let raw = Array(data[fields[i]])
        guard raw.first == UInt8(ascii: "["), raw.last == UInt8(ascii: "]") else {
            throw .badResponse("'\(String(decoding: raw, as: UTF8.self))' is not an array")
        }
        var items: [String] = []
        var j = 1
        let end = raw.count - 1
        while j < end {
            guard raw[j] == UInt8(ascii: "'") else { j += 1; continue }
            j += 1
            var item: [UInt8] = []
            while j < end, raw[j] != UInt8(ascii: "'") {
                if raw[j] == 0x5C, j + 1 < end {
                    TSV.unescapeOne(raw, at: &j, into: &item)
                } else {
                    item.append(raw[j])
                    j += 1
                }
            }
            j += 1
            items.append(String(decoding: item, as: UTF8.self))
        }
        return items
    }

    private func raw(_ i: Int) -> String { String(decoding: data[fields[i]], as: UTF8.self) }
}

extension TSV {
    static func unescape(_ field: ArraySlice<UInt8>) -> [UInt8] {
        guard field.contains(0x5C) else { return Array(field) }
        let a = Array(field)
        var out: [UInt8] = []
        out.reserveCapacity(a.count)
        var j = 0
        while j < a.count {
            if a[j] == 0x5C, j + 1 < a.count {
                unescapeOne(a, at: &j, into: &out)
            } else {
                out.append(a[j])
                j += 1
            }
        }
        return out
    }

    /// Reads the escape sequence at `a[j]` (a backslash) and moves `j` past it.
    static func unescapeOne(_ a: [UInt8], at j: inout Int, into out: inout [UInt8]) {
        let c = a[j + 1]
        j += 2
        switch c {
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "0"): out.append(0x00)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "a"): out.append(0x07)
        case UInt8(ascii: "v"): out.append(0x0B)
        case UInt8(ascii: "e"): out.append(0x1B)
        case UInt8(ascii: "x"):
            if j + 1 < a.count, let v = UInt8(String(decoding: a[j..<(j + 2)], as: UTF8.self), radix: 16) {
                out.append(v)
                j += 2
            } else {
                out.append(c)
            }
        default: out.append(c)
        }
    }
}
