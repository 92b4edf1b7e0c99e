/// Number and time formatting for the renderers, without Foundation: fixed decimals, compact
/// values, and the shortest round-trip form used in JSON and CSV.
public enum NumberFormat {
    /// `x` rounded to `decimals` places (half away from zero), e.g. `fixed(2.345, 2)` → `"2.35"`
    /// (within the limits of binary floating point), `fixed(3, 1)` → `"3.0"`. Non-finite values
    /// print as `nan`, `inf`, `-inf`; magnitudes too large for exact integer arithmetic fall back
    /// to Swift's shortest form.
    public static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
        let places = Swift.max(0, Swift.min(decimals, 15))
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (x.magnitude * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9_007_199_254_740_992 else { return x.description }
        let n = Int64(scaled)
        var s = n != 0 && x < 0 ? "-" : ""
        s += String(n / scale)
        if places > 0 {
            let frac = String(n % scale)
            s += "." + String(repeating: "0", count: places - frac.count) + frac
        }
        return s
    }

    /// The shortest form that reads back to the same double, as JSON writes it: integral values
    /// up to 2^53 without a fraction (`42`), others like `0.1` or `1e-07`; `nil` and non-finite
    /// values give `nil`.
    public static func exact(_ x: Double?) -> String? {
        guard let x, x.isFinite else { return nil }
        if x == x.rounded(.towardZero) && x.magnitude <= 9_007_199_254_740_992 { return String(Int64(x)) }
        return x.description
    }

    /// A value of any metric for a table: integral values as integers, magnitudes of at least
    /// 0.1 with 2 decimals (`0.50`), smaller ones with 3 significant digits (`0.0123`,
    /// `0.00000210`), up to 12 decimals.
    public static func compact(_ x: Double) -> String {
        guard x.isFinite else { return fixed(x, 0) }
        if x == x.rounded(.towardZero) && x.magnitude < 1e15 { return String(Int64(x)) }
        var decimals = 2
        if x.magnitude >= 0.1 { return fixed(x, decimals) }
        var scaled = x.magnitude * 100
        while scaled < 100 && decimals < 12 {
            decimals += 1
            scaled *= 10
        }
        return fixed(x, decimals)
    }

    /// A duration in ms for a table (2 decimals), `-` when absent.
    public static func millis(_ x: Double?) -> String {
        guard let x else { return "-" }
        return fixed(x, 2)
    }

    /// `part / whole` as a percentage with 1 decimal (`12.5`), `-` when `whole` is 0.
    public static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "-" }
        return fixed(Double(part) / Double(whole) * 100, 1)
    }

    /// A cost in USD: `$0.0123`; amounts that would round to `$0.0000` get 2 more decimals at a
    /// time (up to 10) until a digit shows (`$0.000002`).
    public static func usd(_ x: Double) -> String {
        var decimals = 4
        while x != 0 && decimals < 10 && fixed(x.magnitude, decimals).allSatisfy({ $0 == "0" || $0 == "." }) {
            decimals += 2
        }
        return (x < 0 ? "-$" : "$") + fixed(x.magnitude, decimals)
    }

    /// A byte count in decimal megabytes with 2 decimals (`1.23 MB`).
    public static func megabytes(_ bytes: Int64) -> String {
        fixed(Double(bytes) / 1_000_000, 2) + " MB"
    }
}
