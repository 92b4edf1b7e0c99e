/// Everything kept about the values of one series in one minute (or any span made by merging
/// minutes): exact count, sum, min, max and last value, plus a `DDSketch` for quantiles.
///
/// Invariant (kept by `add` and `merge`, checked when decoding): `count == sketch.count`, and when
/// `count > 0`, `min <= last <= max` are finite. An empty rollup has `min = +infinity`,
/// `max = -infinity`, `last = 0`, `lastTime = Int64.min`, `sum = 0`.
///
/// `merge` is order-independent for every field except `sum`, whose last bits can depend on the
/// order of floating-point additions.
public struct Rollup: Sendable, Equatable {
    /// Number of values.
    public var count: UInt64
    /// Sum of the values (plain floating-point addition).
    public var sum: Double
    /// Exact smallest value (`+infinity` when empty).
    public var min: Double
    /// Exact largest value (`-infinity` when empty).
    public var max: Double
    /// The value with the latest event time (ties: the larger value).
    public var last: Double
    /// Event time of `last`, ms since the epoch (`Int64.min` when empty).
    public var lastTime: Int64
    /// Quantile sketch of the values.
    public var sketch: DDSketch

    /// Version of `serialized()`.
    static let formatVersion: UInt8 = 1

    /// An empty rollup.
    public init() {
        count = 0
        sum = 0
        min = .infinity
        max = -.infinity
        last = 0
        lastTime = .min
        sketch = DDSketch()
    }

    /// A rollup of the single `value` observed at `time` (ms since the epoch).
    public init(value: Double, at time: Int64) {
        self.init()
        add(value, at: time)
    }

    /// Adds one value observed at `time` (ms since the epoch). Non-finite values are ignored
    /// (the caller quarantines them); -0.0 is stored as 0.0.
    @inline(__always)
    public mutating func add(_ value: Double, at time: Int64) {
        guard value.isFinite else { return }
        let v = value + 0.0  // -0.0 → +0.0, so min/max/last do not depend on order
        if count == 0 {
            min = v
            max = v
            last = v
            lastTime = time
        } else {
            if v < min { min = v }
            if v > max { max = v }
            if time > lastTime || (time == lastTime && v > last) {
                last = v
                lastTime = time
            }
        }
        count += 1
        sum += v
        sketch.add(v)
    }

    /// Adds every value of `other`. `last` becomes the value with the greatest `lastTime`, the
    /// larger value on a tie, so the result does not depend on merge order (except `sum`'s
    /// rounding).
    public mutating func merge(_ other: Rollup) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        count += other.count
        sum += other.sum
        if other.min < min { min = other.min }
        if other.max > max { max = other.max }
        if other.lastTime > lastTime || (other.lastTime == lastTime && other.last > last) {
            last = other.last
            lastTime = other.lastTime
        }
        sketch.merge(other.sketch)
    }

    /// The mean, nil when empty.
    public var avg: Double? {
        count == 0 ? nil : sum / Double(count)
    }

    /// The value of one aggregation, nil when empty. Quantiles come from the sketch, clamped into
    /// the exact [min, max]; q = 0 gives the exact min and q = 1 the exact max. A quantile outside
    /// 0...1 (or NaN) is nil.
    public func value(_ aggregation: Aggregation) -> Double? {
        guard count > 0 else { return nil }
        switch aggregation {
        case .sum: return sum
        case .count: return Double(count)
        case .avg: return avg
        case .min: return min
        case .max: return max
        case .last: return last
        case .quantile(let q):
            guard q >= 0, q <= 1 else { return nil }
            if q == 0 { return min }
            if q == 1 { return max }
            // The nearest rank ⌈q·n⌉ of the first or last value is the exact minimum or maximum.
            let rank = Swift.max((q * Double(count)).rounded(.up), 1)
            if rank >= Double(count) { return max }
            if rank <= 1 { return min }
            guard let estimate = sketch.quantile(q) else { return nil }
            return Swift.min(Swift.max(estimate, min), max)
        }
    }

    // MARK: Binary format

    /// The rollup as compact bytes: `version(1)`, `varint count`; when count > 0 then
    /// `sum`, `min`, `max`, `last` as little-endian IEEE doubles, `zigzag varint lastTime` and the
    /// sketch's own serialized bytes.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + sketch.binCount)
        out.append(Self.formatVersion)
        VarInt.append(count, to: &out)
        guard count > 0 else { return out }
        VarInt.appendDouble(sum, to: &out)
        VarInt.appendDouble(min, to: &out)
        VarInt.appendDouble(max, to: &out)
        VarInt.appendDouble(last, to: &out)
        VarInt.appendSigned(lastTime, to: &out)
        sketch.appendSerialized(to: &out)
        return out
    }

    /// Decodes `serialized()` output; throws `SerializationError` on truncated, malformed or
    /// inconsistent input (count different from the sketch's, min > max, non-finite min/max/last,
    /// NaN sum), or on trailing bytes.
    public init(serialized bytes: [UInt8]) throws(SerializationError) {
        var reader = ByteReader(bytes, type: "Rollup")
        let version = try reader.readByte("format version")
        guard version == Self.formatVersion else {
            throw reader.error("unknown format version \(version) (expected \(Self.formatVersion))", at: 0)
        }
        self.init()
        let count = try reader.readVarInt("count")
        if count == 0 {
            try reader.expectEnd()
            return
        }
        let valuesAt = reader.position
        let sum = try reader.readDouble("sum")
        let min = try reader.readDouble("min")
        let max = try reader.readDouble("max")
        let last = try reader.readDouble("last")
        let lastTime = try reader.readSignedVarInt("last time")
        let sketchAt = reader.position
        let sketch = try DDSketch(reading: &reader)
        try reader.expectEnd()
        guard !sum.isNaN else { throw reader.error("the sum is NaN", at: valuesAt) }
        guard min.isFinite, max.isFinite, last.isFinite, min <= last, last <= max else {
            throw reader.error("min \(min), last \(last), max \(max) are not finite and ordered", at: valuesAt)
        }
        guard sketch.count == count else {
            throw reader.error("the sketch holds \(sketch.count) values, the count says \(count)", at: sketchAt)
        }
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.last = last
        self.lastTime = lastTime
        self.sketch = sketch
    }
}
