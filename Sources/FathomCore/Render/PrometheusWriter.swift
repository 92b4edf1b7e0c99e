/// The type of a Prometheus metric family, as written on its `# TYPE` line.
public enum PrometheusType: String, Sendable, Hashable {
    /// A total that only goes up; names end in `_total`.
    case counter
    /// A value that goes up and down.
    case gauge
    /// Quantile samples (label `quantile`) plus `_sum` and `_count`.
    case summary
    /// Cumulative `_bucket` samples (label `le`) plus `_sum` and `_count`.
    case histogram
    /// No declared type.
    case untyped
}

/// Writes the Prometheus text exposition format (version 0.0.4) as bytes.
///
/// The writer only formats and escapes; it is the caller's job to write each family once, with
/// its samples together and names that are already valid (see `metricName` and `labelName`).
public struct PrometheusWriter: Sendable {
    /// The exposition written so far (UTF-8).
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// The exposition written so far, as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Writes the `# HELP` line (when `help` is not empty; `\` and newlines escaped) and the
    /// `# TYPE` line that start family `name`.
    public mutating func family(_ name: String, type: PrometheusType, help: String) {
        if !help.isEmpty {
            append("# HELP ")
            append(name)
            bytes.append(0x20)
            for b in help.utf8 {
                switch b {
                case 0x5C: append("\\\\")
                case 0x0A: append("\\n")
                default: bytes.append(b)
                }
            }
            bytes.append(0x0A)
        }
        append("# TYPE ")
        append(name)
        bytes.append(0x20)
        append(type.rawValue)
        bytes.append(0x0A)
    }

    /// Writes one sample line: `name{label="value",...} value`. Label values have `\`, `"` and
    /// newlines escaped; the value is formatted by `formatValue`.
    public mutating func sample(_ name: String, labels: [(String, String)] = [], value: Double) {
        append(name)
        if !labels.isEmpty {
            bytes.append(0x7B)  // {
            for (i, (label, text)) in labels.enumerated() {
                if i > 0 { bytes.append(0x2C) }
                append(label)
                append("=\"")
                for b in text.utf8 {
                    switch b {
                    case 0x5C: append("\\\\")
                    case 0x22: append("\\\"")
                    case 0x0A: append("\\n")
                    default: bytes.append(b)
                    }
                }
                bytes.append(0x22)
            }
            bytes.append(0x7D)  // }
        }
        bytes.append(0x20)
        append(Self.formatValue(value))
        bytes.append(0x0A)
    }

    /// A sample value as Prometheus (Go's `ParseFloat`) reads it: integral values below 1e15 in
    /// magnitude without fraction or exponent (`42`, `-3`, `0`), others in Swift's shortest
    /// round-trip form (`0.1`, `1e-07`, `1.5e+20`) without a trailing `.0`
    /// (`1000000000000000`), and `+Inf`, `-Inf`, `NaN`.
    public static func formatValue(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
        if v == v.rounded(.towardZero) && v.magnitude < 1e15 { return String(Int64(v)) }
        let text = v.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// `raw` made a valid metric name, `[a-zA-Z_:][a-zA-Z0-9_:]*`: every other character becomes
    /// `_` (one per Unicode scalar), a leading digit gets a `_` prefix, and an empty name is `_`.
    /// `orders.placed` → `orders_placed`, `2xx` → `_2xx`.
    public static func metricName(_ raw: String) -> String {
        sanitise(raw, colon: true)
    }

    /// `raw` made a valid label name, `[a-zA-Z_][a-zA-Z0-9_]*`, by the rules of `metricName`
    /// (a colon also becomes `_`). Names starting with `__` are reserved by Prometheus, so they
    /// get the prefix `tag_`: `__name__` → `tag___name__`, `a.b` → `a_b`, `1st` → `_1st`.
    public static func labelName(_ raw: String) -> String {
        let name = sanitise(raw, colon: false)
        return name.hasPrefix("__") ? "tag_" + name : name
    }

    private static func sanitise(_ raw: String, colon: Bool) -> String {
        var out = String.UnicodeScalarView()
        for s in raw.unicodeScalars {
            let v = s.value
            let letter = (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x5F || (colon && v == 0x3A)
            let digit = v >= 0x30 && v <= 0x39
            if out.isEmpty && digit { out.append("_") }
            out.append(letter || digit ? s : "_")
        }
        return out.isEmpty ? "_" : String(out)
    }

    private mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
    }
}
