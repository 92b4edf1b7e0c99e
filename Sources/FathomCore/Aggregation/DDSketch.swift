/// A mergeable quantile sketch with 1 % relative accuracy (DDSketch: Masson, Rim & Lee,
/// PVLDB 12(12), 2019).
///
/// Values are counted in logarithmic buckets: with α = 0.01 and γ = (1+α)/(1−α), a positive value
/// `v` goes to bucket `i = ⌈ln v / ln γ⌉`, i.e. the bucket covering (γ^(i−1), γ^i], and the bucket is
/// read back as `2γ^i/(γ+1) = (1−α)·γ^i`, which is within α of every value of the bucket. Hence
/// every quantile estimate is within 1 % of the exact value at rank `⌊q·(n−1)⌋` (up to floating
/// point rounding, ~1e-12 relative).
///
/// - Values > `minIndexableValue` go to the positive store; values < −`minIndexableValue` go to
///   the negative store by their magnitude; the rest (0 and |v| below the smallest normal double)
///   are counted as zero. Non-finite values are ignored.
/// - Each store is a dense array of counts plus the index of its first bin, trimmed so that the
///   first and last bins are never empty. A store holds at most `maxBinsPerStore` (2048) bins:
///   when a value's bucket would make the span wider, the LOWEST buckets are collapsed into the
///   lowest kept bucket (`top − 2047`). For the positive store that is the smallest values; for
///   the negative store the values closest to zero. 2048 bins at α = 1% span a ratio of
///   γ^2048 ≈ 6e17 between the largest value and the smallest accurately kept one (Lambda
///   durations of 1 ms … 900 s need ~690), so in practice nothing collapses; when it does, only
///   the lowest quantiles lose accuracy, the high ones (p50…p100) stay exact to 1 %.
/// - Merging adds counts bin by bin. A count at bucket `j` always ends in bucket
///   `max(j, top − 2047)` whatever the order of adds and merges, so merging is exact,
///   associative and commutative: any merge order gives an identical (`==`) sketch, equal to
///   the sketch fed all the values directly.
public struct DDSketch: Sendable, Equatable {
    /// α: every quantile estimate is within this fraction of the exact value.
    public static let relativeAccuracy: Double = 0.01
    /// ln γ = ln((1+α)/(1−α)) = 2·atanh(0.01).
    static let logGamma: Double = 0.020000666706669525
    /// 1 / ln γ.
    static let inverseLogGamma: Double = 49.99833328888656
    /// ln(1 − α) = ln(2/(γ+1)).
    static let logOneMinusAlpha: Double = -0.010050335853501442
    /// |v| below this counts as zero: the smallest normal double.
    public static let minIndexableValue: Double = Double.leastNormalMagnitude
    /// The most bins a store keeps before collapsing its lowest ones.
    public static let maxBinsPerStore = 2048
    /// Bucket indices of the smallest and the largest indexable magnitudes.
    static let minIndex = -35418
    static let maxIndex = 35488
    /// Version of `serialized()`.
    static let formatVersion: UInt8 = 1

    /// Values > minIndexableValue.
    var positive = Store()
    /// Magnitudes of values < −minIndexableValue.
    var negative = Store()
    /// Values with |v| ≤ minIndexableValue.
    var zeroCount: UInt64 = 0
    /// Total count of values.
    public private(set) var count: UInt64 = 0

    /// An empty sketch.
    public init() {}

    /// True when no value has been added.
    public var isEmpty: Bool { count == 0 }

    /// The number of bins held in both stores (a measure of memory: 8 bytes each).
    public var binCount: Int { positive.bins.count + negative.bins.count }

    /// Adds one value. Non-finite values are ignored.
    @inline(__always)
    public mutating func add(_ value: Double) {
        add(value, count: 1)
    }

    /// Adds `value` `count` times. Non-finite values and a count of 0 are ignored.
    @inline(__always)
    public mutating func add(_ value: Double, count: UInt64) {
        guard count > 0 else { return }
        if value > Self.minIndexableValue {
            guard value < .infinity else { return }
            positive.add(index: Self.index(value), count: count)
        } else if value < -Self.minIndexableValue {
            guard value > -.infinity else { return }
            negative.add(index: Self.index(-value), count: count)
        } else if value.isNaN {
            return
        } else {
            zeroCount += count
        }
        self.count += count
    }

    /// Adds every count of `other`. Exact: the result does not depend on merge order.
    public mutating func merge(_ other: DDSketch) {
        guard other.count > 0 else { return }
        positive.merge(other.positive)
        negative.merge(other.negative)
        zeroCount += other.zeroCount
        count += other.count
    }

    /// The estimated `q`-quantile (0 = minimum, 1 = maximum), within 1 % of the exact value at
    /// rank ⌊q·(n−1)⌋ of the sorted values; nil when empty or `q` is not in 0...1.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0, q >= 0, q <= 1 else { return nil }
        // Nearest rank: the smallest value with at least q·n values at or below it (p99 of two
        // values is the larger one, p50 of two the smaller one).
        let nearest = Swift.max((q * Double(count)).rounded(.up), 1)
        let rank = Swift.min(UInt64(nearest) - 1, count - 1)
        var seen: UInt64 = 0
        // Negative values, most negative (largest index) first.
        if !negative.bins.isEmpty {
            for k in stride(from: negative.bins.count - 1, through: 0, by: -1) {
                seen += negative.bins[k]
                if seen > rank { return -Self.value(ofIndex: negative.offset + k) }
            }
        }
        seen += zeroCount
        if seen > rank { return 0 }
        for k in 0..<positive.bins.count {
            seen += positive.bins[k]
            if seen > rank { return Self.value(ofIndex: positive.offset + k) }
        }
        // Unreachable while count is the sum of the stores; the largest value is the best answer.
        return positive.bins.isEmpty ? 0 : Self.value(ofIndex: positive.offset + positive.bins.count - 1)
    }

    /// Every non-empty bin, in ascending order of value: the bin's representative value (within
    /// 1 % of each value it counts; 0 for the zero bin) and how many values it holds. The counts
    /// add up to `count`. Values in the same bin are indistinguishable (ties for rank tests).
    public var valueBins: [(value: Double, count: UInt64)] {
        var out: [(value: Double, count: UInt64)] = []
        out.reserveCapacity(binCount + 1)
        if !negative.bins.isEmpty {
            for k in stride(from: negative.bins.count - 1, through: 0, by: -1) where negative.bins[k] > 0 {
                out.append((-Self.value(ofIndex: negative.offset + k), negative.bins[k]))
            }
        }
        if zeroCount > 0 { out.append((0, zeroCount)) }
        for k in 0..<positive.bins.count where positive.bins[k] > 0 {
            out.append((Self.value(ofIndex: positive.offset + k), positive.bins[k]))
        }
        return out
    }

    /// The bucket index of a magnitude `v > minIndexableValue`: ⌈ln v / ln γ⌉.
    @inline(__always)
    static func index(_ v: Double) -> Int {
        // ⌈x⌉ without a libm call (|x| < 38 000): truncate, then step up on a positive fraction.
        let x = FastLog.log(v) * inverseLogGamma
        let t = Int(x)
        return Double(t) < x ? t + 1 : t
    }

    /// The representative value of bucket `i`: (1−α)·γ^i = 2γ^i/(γ+1), at most the largest double.
    static func value(ofIndex i: Int) -> Double {
        Swift.min(FastLog.exp(Double(i) * logGamma + logOneMinusAlpha), .greatestFiniteMagnitude)
    }

    /// The lower bound γ^(i−1) of bucket `i` (exclusive); the upper bound is `lowerBound(i + 1)`.
    static func lowerBound(ofIndex i: Int) -> Double {
        FastLog.exp(Double(i - 1) * logGamma)
    }

    // MARK: Binary format

    /// The sketch as compact bytes:
    /// `version(1)`, `varint zeroCount`, then the negative store and the positive store, each as
    /// `varint binCount` and, when non-zero, `zigzag varint firstIndex` and `binCount` varint counts.
    /// Typically about one byte per bin.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + positive.bins.count + negative.bins.count)
        appendSerialized(to: &out)
        return out
    }

    func appendSerialized(to out: inout [UInt8]) {
        out.append(Self.formatVersion)
        VarInt.append(zeroCount, to: &out)
        negative.appendSerialized(to: &out)
        positive.appendSerialized(to: &out)
    }

    /// Decodes `serialized()` output; throws `SerializationError` on truncated, malformed or
    /// inconsistent input, or on trailing bytes.
    public init(serialized bytes: [UInt8]) throws(SerializationError) {
        var reader = ByteReader(bytes, type: "DDSketch")
        try self.init(reading: &reader)
        try reader.expectEnd()
    }

    init(reading reader: inout ByteReader) throws(SerializationError) {
        let versionAt = reader.position
        let version = try reader.readByte("format version")
        guard version == Self.formatVersion else {
            throw reader.error("unknown format version \(version) (expected \(Self.formatVersion))", at: versionAt)
        }
        zeroCount = try reader.readVarInt("zero count")
        negative = try Store(reading: &reader, name: "negative store")
        positive = try Store(reading: &reader, name: "positive store")
        var total = zeroCount
        for part in [negative.total, positive.total] {
            guard let part else { throw reader.error("the counts overflow 64 bits") }
            let (sum, overflow) = total.addingReportingOverflow(part)
            if overflow { throw reader.error("the counts overflow 64 bits") }
            total = sum
        }
        count = total
    }
}

extension DDSketch {
    /// Counts per bucket index in a dense array. Invariants: `bins` is empty, or its first and last
    /// elements are non-zero and it has at most `maxBinsPerStore` elements; `offset` is the bucket
    /// index of `bins[0]` (0 when empty). So two stores with the same counts are `==`.
    struct Store: Sendable, Equatable {
        var bins: [UInt64] = []
        var offset = 0

        /// Index of the last bin (only meaningful when not empty).
        var top: Int { offset + bins.count - 1 }

        /// Sum of the counts, nil on overflow.
        var total: UInt64? {
            var sum: UInt64 = 0
            for c in bins {
                let (s, o) = sum.addingReportingOverflow(c)
                if o { return nil }
                sum = s
            }
            return sum
        }

        @inline(__always)
        mutating func add(index: Int, count: UInt64) {
            let k = index &- offset
            if k >= 0 && k < bins.count {
                bins[k] += count
            } else {
                addOutside(index: index, count: count)
            }
        }

        /// `add` for an index outside the current bins (or an empty store).
        mutating func addOutside(index: Int, count: UInt64) {
            if bins.isEmpty {
                bins = [count]
                offset = index
                return
            }
            let maxBins = DDSketch.maxBinsPerStore
            if index > top {
                let low = index - maxBins + 1
                if low > top {
                    // Every present bin collapses into `low`.
                    let all = total ?? .max
                    var fresh = [UInt64](repeating: 0, count: index - low + 1)
                    fresh[0] = all
                    fresh[fresh.count - 1] += count
                    bins = fresh
                    offset = low
                } else {
                    bins.append(contentsOf: repeatElement(0, count: index - top - 1))
                    bins.append(count)
                    if low > offset { collapse(below: low) }
                }
            } else {
                // index < offset: below the span; clamp to the lowest bin the cap allows.
                let effective = Swift.max(index, top - maxBins + 1)
                if effective < offset {
                    bins.insert(contentsOf: repeatElement(0, count: offset - effective), at: 0)
                    offset = effective
                }
                bins[effective - offset] += count
            }
        }

        /// Folds every bin below `low` (with `offset < low <= top`) into bin `low`.
        mutating func collapse(below low: Int) {
            let k = low - offset
            var sum: UInt64 = 0
            for c in bins[0...k] { sum += c }
            bins.removeFirst(k)
            bins[0] = sum
            offset = low
        }

        mutating func merge(_ other: Store) {
            guard !other.bins.isEmpty else { return }
            if bins.isEmpty {
                self = other
                return
            }
            if other.offset >= offset && other.top <= top {
                // Fast path: inside our span, no resizing.
                let shift = other.offset - offset
                for k in 0..<other.bins.count where other.bins[k] != 0 {
                    bins[shift + k] += other.bins[k]
                }
                return
            }
            let newTop = Swift.max(top, other.top)
            let newLow = Swift.max(Swift.min(offset, other.offset), newTop - DDSketch.maxBinsPerStore + 1)
            var out = [UInt64](repeating: 0, count: newTop - newLow + 1)
            for store in [self, other] {
                for k in 0..<store.bins.count where store.bins[k] != 0 {
                    out[Swift.max(store.offset + k, newLow) - newLow] += store.bins[k]
                }
            }
            bins = out
            offset = newLow
        }

        func appendSerialized(to out: inout [UInt8]) {
            VarInt.append(UInt64(bins.count), to: &out)
            guard !bins.isEmpty else { return }
            VarInt.appendSigned(Int64(offset), to: &out)
            for c in bins { VarInt.append(c, to: &out) }
        }

        init() {}

        init(reading reader: inout ByteReader, name: String) throws(SerializationError) {
            let countAt = reader.position
            let n = try reader.readVarInt("\(name) bin count")
            guard n <= UInt64(DDSketch.maxBinsPerStore) else {
                throw reader.error("the \(name) has \(n) bins (at most \(DDSketch.maxBinsPerStore))", at: countAt)
            }
            guard n > 0 else { return }
            let offsetAt = reader.position
            let first = try reader.readSignedVarInt("\(name) first index")
            guard first >= Int64(DDSketch.minIndex), first + Int64(n) - 1 <= Int64(DDSketch.maxIndex) else {
                throw reader.error("the \(name) indices \(first)...\(first + Int64(n) - 1) are out of range", at: offsetAt)
            }
            var bins = [UInt64]()
            bins.reserveCapacity(Int(n))
            for _ in 0..<n { bins.append(try reader.readVarInt("\(name) bin")) }
            guard bins[0] != 0, bins[bins.count - 1] != 0 else {
                throw reader.error("the \(name) has an empty first or last bin")
            }
            self.bins = bins
            self.offset = Int(first)
        }
    }
}
