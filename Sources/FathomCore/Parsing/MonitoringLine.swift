/// A metric printed into a log line: `MONITORING|<epoch>|<value>|<type>|<name>[|#tag:v,…]`
/// (Datadog's form) or `MONITORING|<value>|<unit>|<name>|<namespace>[|k=v, …]` (the 5-field
/// form of Yan Cui's and Lumigo's tools, without a timestamp).
public struct MonitoringLine {
    public var value: Double
    /// The metric's own time in ms, when the line has one.
    public var time: Int64?
    public var kind: MetricKind
    public var name: Range<Int>
    /// Tag list: `#a:b,c` (Datadog, `#` optional) or `k=v, k2=v2` (5-field form).
    public var tags: Range<Int>?
    /// The namespace of the 5-field form, kept as tag `namespace`.
    public var namespace: Range<Int>?

    /// Why a MONITORING line was refused.
    public enum Failure: Error {
        case tooFewFields
        case badValue
        case nonFinite
        case unknownType(Range<Int>)
        case emptyName
    }

    /// CloudWatch refuses values beyond ±2^360; so do we.
    public static let largestValue = 2.348_542_582_773_833_2e108

    /// The kind named by a type token, without allocating for the common tokens.
    static func kindToken(_ v: ByteView, _ r: Range<Int>) -> MetricKind? {
        let p = r.lowerBound
        switch r.count {
        case 5 where v.matches("count", at: p): return .count
        case 5 where v.matches("gauge", at: p): return .gauge
        case 9 where v.matches("histogram", at: p): return .distribution
        case 12 where v.matches("distribution", at: p): return .distribution
        case 7 where v.matches("latency", at: p): return .distribution
        case 6 where v.matches("timing", at: p): return .distribution
        case 5 where v.matches("check", at: p): return .check
        case 0: return nil
        default: return r.count <= 16 ? MetricKind(token: v.bytes(r)) : nil
        }
    }

    /// Parses the metric that starts at `start` (the `M` of `MONITORING|`) and runs to `end`.
    public static func parse(_ v: ByteView, from start: Int, to end: Int) -> Result<MonitoringLine, Failure> {
        // Split on '|' into at most 7 fields after the marker.
        var fields: (Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>) =
            (0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0)
        var n = 0
        var i = start + 11
        let stop = ByteClass.trimEnd(v, start..<end).upperBound
        while n < 6 {
            let bar = v.firstIndex(of: UInt8(ascii: "|"), from: i, end: stop) ?? stop
            let r = i..<bar
            switch n {
            case 0: fields.0 = r
            case 1: fields.1 = r
            case 2: fields.2 = r
            case 3: fields.3 = r
            case 4: fields.4 = r
            default: fields.5 = r
            }
            n += 1
            if bar >= stop { break }
            i = bar + 1
        }
        if n == 6 && i < stop && fields.5.upperBound < stop {
            // More fields than any form has: the rest belongs to the tags.
            fields.5 = fields.5.lowerBound..<stop
        }
        guard n >= 4 else { return .failure(.tooFewFields) }
        @inline(__always) func trim(_ r: Range<Int>) -> Range<Int> {
            let s = ByteClass.skipSpaces(v, r.lowerBound, r.upperBound)
            return ByteClass.trimEnd(v, s..<r.upperBound)
        }
        let f0 = trim(fields.0), f1 = trim(fields.1), f2 = trim(fields.2), f3 = trim(fields.3)
        // Datadog: field 0 is an epoch and field 2 a type.
        let first = DecimalParser.parse(v, f0)
        let typeKind = kindToken(v, f2)
        let isUnit = CloudWatchUnit.isUnit(v, f1)
        if isUnit && !(typeKind != nil && (first ?? 0) >= 1e8) {
            // 5-field form: value|unit|name|namespace[|dims]
            guard n >= 4 else { return .failure(.tooFewFields) }
            guard let value = first else { return .failure(.badValue) }
            guard value.isFinite, abs(value) <= largestValue else { return .failure(.nonFinite) }
            guard !f2.isEmpty else { return .failure(.emptyName) }
            let kind: MetricKind = CloudWatchUnit.isCount(v, f1) ? .count : .distribution
            return .success(MonitoringLine(
                value: value, time: nil, kind: kind, name: f2,
                tags: n >= 5 ? trim(fields.4) : nil, namespace: f3.isEmpty ? nil : f3))
        }
        guard n >= 4 else { return .failure(.tooFewFields) }
        guard let epoch = first, epoch.isFinite else { return .failure(.badValue) }
        guard let value = DecimalParser.parse(v, f1) else { return .failure(.badValue) }
        guard value.isFinite, abs(value) <= largestValue else { return .failure(.nonFinite) }
        guard let kind = typeKind else { return .failure(.unknownType(f2)) }
        guard !f3.isEmpty else { return .failure(.emptyName) }
        var tags: Range<Int>? = nil
        if n >= 5 {
            var t = trim(fields.4)
            if n == 6 { t = t.lowerBound..<trim(fields.5).upperBound }
            if v.at(t.lowerBound) == UInt8(ascii: "#") { t = (t.lowerBound + 1)..<t.upperBound }
            if !t.isEmpty { tags = t }
        }
        return .success(MonitoringLine(
            value: value, time: TimestampParser.epochToMillis(epoch), kind: kind, name: f3, tags: tags, namespace: nil))
    }
}

/// CloudWatch's metric units, as the 5-field MONITORING form writes them (case-insensitive).
public enum CloudWatchUnit {
    static let names: Set<String> = [
        "seconds", "microseconds", "milliseconds", "bytes", "kilobytes", "megabytes", "gigabytes", "terabytes",
        "bits", "kilobits", "megabits", "gigabits", "terabits", "percent", "count", "bytes/second",
        "kilobytes/second", "megabytes/second", "gigabytes/second", "terabytes/second", "bits/second",
        "kilobits/second", "megabits/second", "gigabits/second", "terabits/second", "count/second", "none",
    ]

    /// Whether `r` names a CloudWatch unit.
    public static func isUnit(_ v: ByteView, _ r: Range<Int>) -> Bool {
        guard r.count >= 4, r.count <= 16, !ByteClass.isDigit(v[r.lowerBound]) else { return false }
        return names.contains(v.string(r).lowercased())
    }

    /// Whether `r` is the Count unit.
    public static func isCount(_ v: ByteView, _ r: Range<Int>) -> Bool {
        r.count == 5 && (v[r.lowerBound] | 0x20) == UInt8(ascii: "c") && v.string(r).lowercased() == "count"
    }
}
