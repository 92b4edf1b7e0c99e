/// Accumulates the truth while the generator runs, compactly (hundredths as integers, ids as
/// bits), and turns it into a `GeneratorTruth` at the end.
struct GenTruthBuilder {
    /// One (function, version): index `function * 2 + version`.
    struct Slot {
        var invocations = 0
        var errors = 0
        var timeouts = 0
        var coldStarts = 0
        var durations: [Int64] = []  // hundredths of ms, as printed
        var inits: [Int64] = []
        var billedMs: Int64 = 0
        var maxMemoryMB = 0
    }

    struct MetricKey: Hashable {
        var function: Int
        var version: Int
        var metric: Int
        /// Index into the metric's tag choices, −1 for none.
        var tag: Int
    }

    struct MinuteKey: Hashable {
        var function: Int
        var minute: Int64
    }

    struct Hop {
        var function: Int
        var version: Int
        var requestHi: UInt64
        var requestLo: UInt64
        var error: Bool
    }

    var slots: [Slot]
    var metrics: [MetricKey: [Int64]] = [:]
    var minutes: [MinuteKey: Int] = [:]
    var traces: [UInt64: [Hop]] = [:]
    var lines = 0

    init(functions: Int) {
        slots = Array(repeating: Slot(), count: functions * 2)
    }

    /// The truth, with names from `functions` (the active part of the catalogue).
    func build(config: GeneratorConfig, functions: [GenCatalog.Function]) -> GeneratorTruth {
        func version(_ f: Int, _ v: Int) -> String { String(40 + f + v) }
        func summary(_ values: [Int64]) -> GeneratorTruth.Summary {
            let sorted = values.sorted().map { Double($0) / 100 }
            return GeneratorTruth.Summary(sorted: sorted, sum: Double(values.reduce(0, +)) / 100)
        }

        var fns: [GeneratorTruth.FunctionVersion] = []
        for (i, s) in slots.enumerated() where s.invocations > 0 {
            let f = functions[i / 2]
            let gbSeconds = Double(s.billedMs) / 1000 * Double(f.memoryMB) / 1024
            let cost = gbSeconds * GenCatalog.pricePerGBSecond + Double(s.invocations) * GenCatalog.pricePerRequest
            fns.append(
                GeneratorTruth.FunctionVersion(
                    function: f.name, version: version(i / 2, i % 2), invocations: s.invocations, errors: s.errors,
                    timeouts: s.timeouts, coldStarts: s.coldStarts, durationMs: summary(s.durations),
                    initDurationMs: summary(s.inits), billedDurationMs: s.billedMs, memoryMB: f.memoryMB,
                    maxMemoryUsedMB: s.maxMemoryMB, costUSD: (cost * 1e9).rounded() / 1e9))
        }
        fns.sort { ($0.function, $0.version) < ($1.function, $1.version) }

        var series: [GeneratorTruth.MetricSeries] = []
        for (k, values) in metrics {
            let m = GenCatalog.metrics[k.metric]
            series.append(
                GeneratorTruth.MetricSeries(
                    function: functions[k.function].name, version: version(k.function, k.version), metric: m.name,
                    type: m.type, tags: k.tag < 0 ? [] : [m.tagChoices[k.tag]], values: summary(values)))
        }
        series.sort {
            ($0.function, $0.version, $0.metric, $0.type, $0.tags.joined(separator: ","))
                < ($1.function, $1.version, $1.metric, $1.type, $1.tags.joined(separator: ","))
        }

        let canaries = functions.enumerated().map { i, f in
            GeneratorTruth.Canary(function: f.name, stable: version(i, 0), canary: version(i, 1), canaryIsWorse: i % 2 == 0)
        }

        var traceList: [GeneratorTruth.Trace] = []
        traceList.reserveCapacity(traces.count)
        for id in traces.keys.sorted() {
            var idBytes: [UInt8] = Array("c-".utf8)
            GenBytes.appendHex64(id, to: &idBytes)
            let hops = traces[id]!.map { h in
                GeneratorTruth.TraceHop(
                    function: functions[h.function].name, version: version(h.function, h.version),
                    requestID: String(decoding: Self.requestID(h.requestHi, h.requestLo), as: UTF8.self), error: h.error)
            }
            traceList.append(GeneratorTruth.Trace(id: String(decoding: idBytes, as: UTF8.self), hops: hops))
        }

        var perMinute = minutes.map { k, n in
            GeneratorTruth.MinuteCount(function: functions[k.function].name, minute: k.minute, invocations: n)
        }
        perMinute.sort { ($0.function, $0.minute) < ($1.function, $1.minute) }

        return GeneratorTruth(
            config: config, lines: lines, functions: fns, metrics: series, canaries: canaries, traces: traceList,
            invocationsPerMinute: perMinute)
    }

    /// `8-4-4-4-12` lower-case hex of 128 bits.
    static func requestID(_ hi: UInt64, _ lo: UInt64) -> [UInt8] {
        var hex: [UInt8] = []
        hex.reserveCapacity(32)
        GenBytes.appendHex64(hi, to: &hex)
        GenBytes.appendHex64(lo, to: &hex)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, b) in hex.enumerated() {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
            out.append(b)
        }
        return out
    }
}
