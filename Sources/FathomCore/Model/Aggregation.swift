/// How many raw points are reduced to one number: the aggregations of the query language
/// and of every read command.
public enum Aggregation: Hashable, Sendable, CaseIterable {
    case sum, count, avg, min, max, last
    /// A quantile in 0...1, estimated from the series' DDSketch (1 % relative accuracy).
    case quantile(Double)

    public static let allCases: [Aggregation] = [
        .sum, .count, .avg, .min, .max, .last,
        .quantile(0.5), .quantile(0.75), .quantile(0.9), .quantile(0.95), .quantile(0.99), .quantile(0.999),
    ]

    /// Parses `sum`, `count`, `avg`, `min`, `max`, `last`, `p50`, `p75`, `p90`, `p95`, `p99`, `p999`
    /// (and any `pNN`/`pNNN` between 0 and 100).
    public init?(name: String) {
        switch name {
        case "sum": self = .sum
        case "count": self = .count
        case "avg", "mean": self = .avg
        case "min": self = .min
        case "max": self = .max
        case "last": self = .last
        default:
            guard name.utf8.count >= 2, name.utf8.first == UInt8(ascii: "p") else { return nil }
            let digits = name.utf8.dropFirst()
            guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(String(decoding: digits, as: UTF8.self))
            else { return nil }
            // p50 → 0.50, p999 → 0.999, p9999 → 0.9999: the digits are the decimals after "0."
            // except that two-digit names are percentages (p50, p99) and "p100" is the maximum.
            if digits.count <= 2 {
                self = .quantile(Double(n) / 100)
            } else if n == 100 {
                self = .quantile(1)
            } else {
                var scale = 1.0
                for _ in 0..<digits.count { scale *= 10 }
                self = .quantile(Double(n) / scale)
            }
        }
    }

    /// The name as written in queries and JSON output (`p99`, `p999`, `sum` …).
    public var name: String {
        switch self {
        case .sum: return "sum"
        case .count: return "count"
        case .avg: return "avg"
        case .min: return "min"
        case .max: return "max"
        case .last: return "last"
        case .quantile(let q):
            if q >= 1 { return "p100" }
            // 0.5 → "50", 0.99 → "99", 0.999 → "999"
            var digits = ""
            var x = q
            for i in 0..<6 {
                x *= 10
                let d = Int((x + 1e-9).rounded(.down))
                digits += String(d)
                x -= Double(d)
                if i >= 1 && abs(x) < 1e-7 { break }
            }
            return "p" + digits
        }
    }
}
