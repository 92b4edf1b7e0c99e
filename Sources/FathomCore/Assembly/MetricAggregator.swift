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
    /// At most this many custom series; a sample of a new series beyond it goes to its metric's
    /// overflow series, whose own tag values are all `__other__` (so totals stay exact).
    public var maxCustomSeries = Int.max
    private var customSeries = 0
    /// Samples that went to an overflow series because of the cap.
    public private(set) var overflowSamples = 0
    /// The `take()` count, and the last one each series was used in (for idle expiry).
    private var generation = 0
    private var touched: [Int] = []
    private var isCustom: [Bool] = []

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
        let id = appendSeries(key, custom: bytes.first == UInt8(ascii: "c"))
        index[bytes] = id
        return id
    }

    private mutating func appendSeries(_ key: SeriesKey, custom: Bool) -> Int32 {
        let id = Int32(keys.count)
        keys.append(key)
        idByKey[key] = id
        hotMinute.append(Int64.min)
        hotIndex.append(-1)
        touched.append(generation)
        isCustom.append(custom)
        if custom { customSeries += 1 }
        return id
    }

    /// The overflow series of a custom metric: its tags keep their keys, every value `__other__`.
    private mutating func overflowID(_ key: SeriesKey) -> Int32 {
        let tags = key.tags.map { t in
            t.key == "function" || t.key == "version" ? t : Tag(t.key, "__other__")
        }
        let other = SeriesKey(name: key.name, kind: key.kind, tags: tags)
        if let id = idByKey[other] { return id }
        return appendSeries(other, custom: false)
    }

    /// Adds `value` at `time` (ms) to series `id`.
    public mutating func add(series id: Int32, _ value: Double, at time: Int64) {
        let minute = time >= 0 ? time / 60_000 : (time - 59_999) / 60_000
        let s = Int(id)
        samples += 1
        touched[s] = generation
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
        let make = {
            SeriesKey(name: String(decoding: name, as: UTF8.self), kind: kind,
                      tags: tags + [Tag("function", function), Tag("version", version)])
        }
        let id: Int32
        if let known = index[scratch] {
            id = known
        } else if customSeries < maxCustomSeries {
            id = insert(scratch, make())
        } else {
            // Over the cap: not remembered by its bytes (that would grow without bound).
            let key = make()
            id = idByKey[key] ?? overflowID(key)
            if idByKey[key] == nil { overflowSamples += 1 }
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
        generation += 1
        for s in hotMinute.indices {
            hotMinute[s] = Int64.min
            hotIndex[s] = -1
        }
        return out
    }

    /// Forgets series not used in the last `takes` calls of `take()` (their data is already
    /// handed out): a long-running daemon's memory stays flat as functions, versions and tag
    /// values come and go. Call it right after `take()`. Returns how many were forgotten.
    @discardableResult
    public mutating func expireIdleSeries(olderThanTakes takes: Int) -> Int {
        precondition(slots.isEmpty, "expireIdleSeries() must follow take()")
        let cutoff = generation - takes
        var remap = [Int32](repeating: -1, count: keys.count)
        var newKeys: [SeriesKey] = []
        var newTouched: [Int] = []
        var newCustom: [Bool] = []
        for i in keys.indices where touched[i] >= cutoff {
            remap[i] = Int32(newKeys.count)
            newKeys.append(keys[i])
            newTouched.append(touched[i])
            newCustom.append(isCustom[i])
        }
        let dropped = keys.count - newKeys.count
        guard dropped > 0 else { return 0 }
        keys = newKeys
        touched = newTouched
        isCustom = newCustom
        customSeries = newCustom.filter { $0 }.count
        idByKey = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, Int32($0)) })
        index = index.compactMapValues { remap[Int($0)] >= 0 ? remap[Int($0)] : nil }
        builtins = builtins.compactMapValues { b in b.remapped(remap) }
        hotMinute = Array(repeating: Int64.min, count: keys.count)
        hotIndex = Array(repeating: -1, count: keys.count)
        return dropped
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

    /// The ids after `expireIdleSeries` renumbered them; nil when any of them was forgotten
    /// (they are made again, together, at the next invocation).
    func remapped(_ map: [Int32]) -> BuiltinSeries? {
        var b = self
        for path in [\BuiltinSeries.invocations, \.errors, \.timeouts, \.coldStarts, \.duration, \.billed, \.initDuration,
                     \.restoreDuration, \.maxMemory, \.memorySize, \.memoryUtilization, \.cost] {
            let new = map[Int(self[keyPath: path])]
            if new < 0 { return nil }
            b[keyPath: path] = new
        }
        return b
    }

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
