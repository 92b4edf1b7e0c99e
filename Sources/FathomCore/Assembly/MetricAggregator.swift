/// Folds samples into per-minute rollups per series, and turns completed invocations into the
/// built-in `fn.*` metrics. Series are found by a byte key, so a sample of a known series costs
/// one hash of its bytes and no allocation.
public struct MetricAggregator {
    /// Prices used for `fn.cost`.
    public var pricing: Pricing
    private var index: [[UInt8]: Int32] = [:]
    private var keys: [SeriesKey] = []
    private var idByKey: [SeriesKey: Int32] = [:]
    /// Rollups live in `store`, found by (series, minute) through `slots`; each series remembers
    /// its current minute's place (`hot`), so a sample of a time-ordered stream costs no hash.
    private var store: [Rollup] = []
    private var slots: [UInt64: Int32] = [:]
    private var hotMinute: [Int64] = []
    private var hotIndex: [Int32] = []
    private var builtins: [BuiltinKey: BuiltinSeries] = [:]
    private var scratch: [UInt8] = []
    /// Samples folded in so far.
    public private(set) var samples = 0

    public init(pricing: Pricing = Pricing()) {
        self.pricing = pricing
    }

    /// Number of series seen.
    public var seriesCount: Int { keys.count }

    /// The series id for a key made of `bytes`, creating the series with `make` on first sight.
    mutating func seriesID(bytes: [UInt8], make: () -> SeriesKey) -> Int32 {
        if let id = index[bytes] { return id }
        return insert(bytes, make())
    }

    private mutating func insert(_ bytes: [UInt8], _ key: SeriesKey) -> Int32 {
        // Another byte spelling of a known series (tags in another order) shares its id.
        if let known = idByKey[key] {
            index[bytes] = known
            return known
        }
        let id = Int32(keys.count)
        keys.append(key)
        idByKey[key] = id
        index[bytes] = id
        hotMinute.append(Int64.min)
        hotIndex.append(-1)
        return id
    }

    /// Adds `value` at `time` (ms) to series `id`.
    public mutating func add(series id: Int32, _ value: Double, at time: Int64) {
        let minute = time >= 0 ? time / 60_000 : (time - 59_999) / 60_000
        let s = Int(id)
        samples += 1
        if hotMinute[s] == minute {
            store[Int(hotIndex[s])].add(value, at: time)
            return
        }
        let slot = UInt64(UInt32(bitPattern: id)) << 32 | UInt64(UInt32(truncatingIfNeeded: minute))
        let i: Int32
        if let known = slots[slot] {
            i = known
        } else {
            i = Int32(store.count)
            store.append(Rollup())
            slots[slot] = i
        }
        hotMinute[s] = minute
        hotIndex[s] = i
        store[Int(i)].add(value, at: time)
    }

    /// Adds a custom metric sample: `name` and `tags` are the metric's own, `function` and
    /// `version` those of the invocation that printed it.
    public mutating func addCustom(
        name: [UInt8], kind: MetricKind, tags: [Tag], tagBytes: [UInt8], function: String, version: String,
        value: Double, at time: Int64
    ) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(UInt8(ascii: "c"))
        scratch.append(contentsOf: name)
        scratch.append(0)
        scratch.append(kindByte(kind))
        scratch.append(contentsOf: function.utf8)
        scratch.append(0)
        scratch.append(contentsOf: version.utf8)
        scratch.append(0)
        scratch.append(contentsOf: tagBytes)
        let id = seriesID(bytes: scratch) {
            SeriesKey(name: String(decoding: name, as: UTF8.self), kind: kind,
                      tags: tags + [Tag("function", function), Tag("version", version)])
        }
        add(series: id, value, at: time)
    }

    private func kindByte(_ kind: MetricKind) -> UInt8 {
        switch kind {
        case .count: return 1
        case .gauge: return 2
        case .distribution: return 3
        case .check: return 4
        }
    }

    /// Adds the built-in metrics of a completed invocation, timed at its start.
    public mutating func add(_ inv: Invocation) {
        let key = BuiltinKey(function: inv.function, version: inv.version)
        let s: BuiltinSeries
        if let known = builtins[key] {
            s = known
        } else {
            s = BuiltinSeries(make: { name, kind in
                let bytes = Array("b\(name)\u{0}\(inv.function)\u{0}\(inv.version)".utf8)
                return seriesID(bytes: bytes) {
                    SeriesKey(name: name, kind: kind, tags: [Tag("function", inv.function), Tag("version", inv.version)])
                }
            })
            builtins[key] = s
        }
        let t = inv.start
        add(series: s.invocations, 1, at: t)
        add(series: s.errors, inv.status.isFailure ? 1 : 0, at: t)
        add(series: s.timeouts, inv.status == .timeout ? 1 : 0, at: t)
        add(series: s.coldStarts, inv.isColdStart ? 1 : 0, at: t)
        if let d = inv.durationMs { add(series: s.duration, d, at: t) }
        if let b = inv.billedDurationMs { add(series: s.billed, b, at: t) }
        if let i = inv.initDurationMs { add(series: s.initDuration, i, at: t) }
        if let r = inv.restoreDurationMs { add(series: s.restoreDuration, r, at: t) }
        if let m = inv.maxMemoryUsedMB { add(series: s.maxMemory, m, at: t) }
        if let size = inv.memorySizeMB {
            add(series: s.memorySize, size, at: t)
            if let m = inv.maxMemoryUsedMB, size > 0 { add(series: s.memoryUtilization, m / size, at: t) }
            if let b = inv.billedDurationMs {
                add(series: s.cost, pricing.cost(billedMs: b, memoryMB: size), at: t)
            }
        }
    }

    /// Hands out everything folded in so far as per-minute rollups, and starts afresh
    /// (series identities are kept).
    public mutating func take() -> [SeriesKey: [Int64: Rollup]] {
        var out: [SeriesKey: [Int64: Rollup]] = [:]
        for (slot, i) in slots {
            let id = Int(slot >> 32)
            let minute = Int64(Int32(truncatingIfNeeded: UInt32(slot & 0xffff_ffff)))
            out[keys[id], default: [:]][minute * 60_000, default: Rollup()].merge(store[Int(i)])
        }
        slots.removeAll(keepingCapacity: true)
        store.removeAll(keepingCapacity: true)
        for s in hotMinute.indices {
            hotMinute[s] = Int64.min
            hotIndex[s] = -1
        }
        return out
    }

    /// Whether anything waits to be taken.
    public var isEmpty: Bool { slots.isEmpty }
}

/// The (function, version) pair that built-in series are kept per.
struct BuiltinKey: Hashable {
    var function: String
    var version: String
}

/// Series ids of the built-in metrics of one function version.
struct BuiltinSeries {
    var invocations, errors, timeouts, coldStarts, duration, billed, initDuration, restoreDuration: Int32
    var maxMemory, memorySize, memoryUtilization, cost: Int32

    init(make: (String, MetricKind) -> Int32) {
        invocations = make("fn.invocations", .count)
        errors = make("fn.errors", .count)
        timeouts = make("fn.timeouts", .count)
        coldStarts = make("fn.cold_starts", .count)
        duration = make("fn.duration", .distribution)
        billed = make("fn.billed_duration", .distribution)
        initDuration = make("fn.init_duration", .distribution)
        restoreDuration = make("fn.restore_duration", .distribution)
        maxMemory = make("fn.max_memory_used", .distribution)
        memorySize = make("fn.memory_size", .gauge)
        memoryUtilization = make("fn.memory_utilization", .distribution)
        cost = make("fn.cost", .count)
    }
}

/// Lambda prices used for `fn.cost` (us-east-1 list prices, x86_64, first tier, no free tier):
/// cost = per-request price + billed GB-seconds × price per GB-second, with 1 GB = 1024 MB.
public struct Pricing: Sendable, Equatable {
    public var perGBSecond: Double
    public var perRequest: Double

    public init(perGBSecond: Double = 0.000_016_666_7, perRequest: Double = 0.000_000_2) {
        self.perGBSecond = perGBSecond
        self.perRequest = perRequest
    }

    /// The cost of one invocation.
    public func cost(billedMs: Double, memoryMB: Double) -> Double {
        perRequest + billedMs / 1000 * memoryMB / 1024 * perGBSecond
    }
}
