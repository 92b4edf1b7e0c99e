/// The invocation model of genlogs, run in time order: entry invocations arrive as a Poisson
/// process over the span; a share of them carry a correlation id and call one or two other
/// functions shortly after they end. Each function has a stable version (40+i) and a canary
/// (41+i); the canary of every other function is slower and fails more. Execution environments
/// (log streams) are reused while free, with a cold start (and `Init Duration`) when none is
/// free or, 1 % of the time, anyway.
///
/// Invocations start in non-decreasing time, and every line of an invocation is at or after its
/// start; so lines are rendered when their invocation is simulated, kept in a min-heap by
/// (time, sequence), and passed to the sink once no later invocation can precede them. The
/// output is thus exactly "all lines stably sorted by time" while holding only the lines of
/// invocations still running.
struct GenEngine {
    /// A function of the run, with what its invocations need precomputed.
    struct FunctionState {
        var spec: GenCatalog.Function
        var name: [UInt8]
        var versions: [[UInt8]]
        var badCanary: Bool
        /// ln(median ms) of the stable and of the canary version.
        var logMedian: [Double]
        /// ln(median init ms).
        var initMu: Double
    }

    /// A free-at-or-after time of one execution environment.
    struct Busy: Comparable {
        var until: Double
        var stream: Int
        static func < (a: Busy, b: Busy) -> Bool { (a.until, a.stream) < (b.until, b.stream) }
    }

    /// The execution environments of one (function, version).
    struct Pool {
        var free: [Int] = []
        var busy = GenHeap<Busy>()

        mutating func release(upTo time: Double) {
            while let b = busy.min, b.until <= time {
                busy.pop()
                free.append(b.stream)
            }
        }

        mutating func take(at k: Int) -> Int {
            let s = free[k]
            free[k] = free[free.count - 1]
            free.removeLast()
            return s
        }
    }

    /// A downstream call of a trace, due at `start`.
    struct Call: Comparable {
        var start: Double
        var seq: Int
        var function: Int
        var correlation: UInt64
        static func < (a: Call, b: Call) -> Bool { (a.start, a.seq) < (b.start, b.seq) }
    }

    /// A rendered line waiting for its turn.
    struct LineRef: Comparable {
        var time: Double
        var seq: Int
        var slot: Int32
        var line: Int32
        static func < (a: LineRef, b: LineRef) -> Bool { (a.time, a.seq) < (b.time, b.seq) }
    }

    /// The rendered lines of one invocation still in flight.
    struct Slot {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var function = 0
        var stream = 0
        var remaining = 0
    }

    let config: GeneratorConfig
    var rng: GenRandom
    var functions: [FunctionState]
    /// Stream (execution environment) names, `YYYY/MM/DD/[version]<32 hex>`, and their function.
    var streamNames: [[UInt8]] = []
    var streamFunction: [Int] = []
    var pools: [Pool]
    var truth: GenTruthBuilder
    var renderer: GenRenderer

    private var lineHeap = GenHeap<LineRef>()
    private var slots: [Slot] = []
    private var freeSlots: [Int32] = []
    private var seq = 0
    private var lines: [GenLine] = []
    private var context = GenInvocationContext()

    init(config: GeneratorConfig) {
        self.config = config
        rng = GenRandom(seed: UInt64(bitPattern: Int64(config.seed)))
        functions = GenCatalog.functions.prefix(config.functions).enumerated().map { i, spec in
            let bad = i % 2 == 0
            let baseInit = spec.isNode ? 180.0 : 130.0
            return FunctionState(
                spec: spec, name: Array(spec.name.utf8),
                versions: [Array(String(40 + i).utf8), Array(String(41 + i).utf8)], badCanary: bad,
                logMedian: [GenMath.log(spec.medianMs), GenMath.log(spec.medianMs * (bad ? 1.6 : 1.0))],
                initMu: GenMath.log(baseInit * GenMath.pow(1024.0 / Double(spec.memoryMB), 0.3)))
        }
        pools = Array(repeating: Pool(), count: config.functions * 2)
        truth = GenTruthBuilder(functions: config.functions)
        renderer = GenRenderer(format: config.format, bareEvents: config.isDirectory && config.format == .cwl)
    }

    /// Simulates every invocation and passes every line, in time order, to `sink`.
    mutating func run<S: GenSink>(_ sink: inout S, _ output: (GeneratedFile) -> Void) {
        let total = config.invocations
        let span = config.seconds / Double(max(1, total))
        var t = config.start
        var n = 0
        var calls = GenHeap<Call>()
        var callSeq = 0
        while n < total {
            t += rng.exponential(mean: span)
            while let c = calls.min, c.start <= t, n < total {
                calls.pop()
                flush(before: c.start, &sink, output)
                _ = invoke(c.function, start: c.start, correlation: c.correlation)
                n += 1
            }
            if n >= total { break }
            let fi = rng.below(functions.count)
            var correlation: UInt64? = nil
            if functions.count > 1 && rng.unit() < config.traceShare { correlation = rng.next() }
            flush(before: t, &sink, output)
            let end = invoke(fi, start: t, correlation: correlation)
            n += 1
            if let correlation {
                for _ in 0..<rng.int(1, 2) {
                    let other = rng.below(functions.count)
                    if other != fi {
                        callSeq += 1
                        calls.push(Call(start: end + rng.uniform(0.005, 0.5), seq: callSeq, function: other, correlation: correlation))
                    }
                }
            }
        }
        flush(before: .infinity, &sink, output)
        sink.finish(self, output)
    }

    /// Emits every pending line at or before `time` (no invocation yet to come can have a line
    /// earlier than its start, nor an equal time with a smaller sequence number).
    private mutating func flush<S: GenSink>(before time: Double, _ sink: inout S, _ output: (GeneratedFile) -> Void) {
        while let ref = lineHeap.min, ref.time <= time {
            lineHeap.pop()
            let s = Int(ref.slot)
            let line = Int(ref.line)
            let from = line == 0 ? 0 : slots[s].ends[line - 1]
            let to = slots[s].ends[line]
            let function = slots[s].function
            let stream = slots[s].stream
            slots[s].bytes.withUnsafeBufferPointer { b in
                sink.line(function: function, stream: stream, name: streamNames[stream], UnsafeBufferPointer(rebasing: b[from..<to]), output)
            }
            slots[s].remaining -= 1
            if slots[s].remaining == 0 { freeSlots.append(ref.slot) }
        }
    }

    /// Opens a new execution environment of `function`/`version` on the day of `start`.
    private mutating func newStream(_ function: Int, _ version: Int, _ start: Double) -> Int {
        var name = GenTime.dayPath(ms: GenTime.ms(start))
        GenBytes.append("/[", to: &name)
        name.append(contentsOf: functions[function].versions[version])
        name.append(UInt8(ascii: "]"))
        GenBytes.appendHex64(rng.next(), to: &name)
        GenBytes.appendHex64(rng.next(), to: &name)
        streamNames.append(name)
        streamFunction.append(function)
        return streamNames.count - 1
    }

    /// Simulates one invocation: renders its lines into a slot, queues them, records the truth.
    /// Returns its end time.
    private mutating func invoke(_ fi: Int, start: Double, correlation: UInt64?) -> Double {
        let f = functions[fi]
        let version = rng.unit() < 1 - config.canaryShare ? 0 : 1
        let p = fi * 2 + version
        pools[p].release(upTo: start)
        let cold = pools[p].free.isEmpty || rng.unit() < 0.01
        let stream = cold ? newStream(fi, version, start) : pools[p].take(at: rng.below(pools[p].free.count))
        let ridHi = rng.next()
        let ridLo = rng.next()
        let bad = version == 1 && f.badCanary
        let slow = bad ? 1.6 : 1.0
        let timeoutMs = Double(f.spec.timeoutSeconds) * 1000
        var duration = min(rng.lognormal(mu: f.logMedian[version], sigma: 0.45), timeoutMs + 5)
        let errorP = 0.004 + (bad ? 0.03 : 0)
        let timedOut = rng.unit() < 0.002 * slow || duration >= timeoutMs
        if timedOut { duration = timeoutMs + rng.uniform(0.5, 40) }
        let errored = timedOut || rng.unit() < errorP
        let initMs: Double? = cold ? rng.lognormal(mu: f.initMu, sigma: 0.25) : nil
        let end = start + duration / 1000
        pools[p].busy.push(Busy(until: end + 0.001, stream: stream))

        // the lines
        lines.removeAll(keepingCapacity: true)
        context.messages.removeAll(keepingCapacity: true)
        lines.append(GenLine(time: start, kind: .start))
        var t = start + 0.0005
        var from = context.messages.count
        if let correlation {
            GenBytes.append("{\"message\":\"handling request\",\"x-correlation-id\":\"c-", to: &context.messages)
            GenBytes.appendHex64(correlation, to: &context.messages)
            GenBytes.append("\",\"function\":", to: &context.messages)
            GenBytes.appendJSONString(f.name, to: &context.messages)
            context.messages.append(UInt8(ascii: "}"))
        } else {
            GenBytes.append("handling request", to: &context.messages)
        }
        lines.append(GenLine(time: t, kind: .app(error: false, message: from..<context.messages.count)))
        let metricLines = rng.int(0, config.metricsPerInvocation)
        for _ in 0..<metricLines {
            t = min(t + rng.uniform(0.0001, duration / 1000 / 4), end)
            let mi = rng.below(GenCatalog.metrics.count)
            let m = GenCatalog.metrics[mi]
            let centis: Int64
            if let d = m.distribution {
                centis = Int64((rng.lognormal(mu: d.mu, sigma: d.sigma) * 100).rounded(.toNearestOrEven))
            } else {
                centis = Int64(rng.int(1, 5)) * 100
            }
            let tag = m.tagChoices.isEmpty ? -1 : rng.below(m.tagChoices.count)
            from = context.messages.count
            GenBytes.append("MONITORING|", to: &context.messages)
            GenBytes.appendInt(Int64(t.rounded(.down)), to: &context.messages)
            context.messages.append(UInt8(ascii: "|"))
            let printed = GenBytes.appendMetricValue(centis: centis, to: &context.messages)
            context.messages.append(UInt8(ascii: "|"))
            GenBytes.append(m.type, to: &context.messages)
            context.messages.append(UInt8(ascii: "|"))
            GenBytes.append(m.name, to: &context.messages)
            if tag >= 0 {
                GenBytes.append("|#", to: &context.messages)
                GenBytes.append(m.tagChoices[tag], to: &context.messages)
            }
            lines.append(GenLine(time: t, kind: .app(error: false, message: from..<context.messages.count)))
            truth.metrics[GenTruthBuilder.MetricKey(function: fi, version: version, metric: mi, tag: tag), default: []]
                .append(printed)
        }
        if errored && !timedOut {
            from = context.messages.count
            if f.spec.isNode {
                GenBytes.append(
                    "Invoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"upstream returned 502\",\"stack\":"
                        + "[\"Error: upstream returned 502\",\"    at handler (/var/task/index.js:42:11)\"]}",
                    to: &context.messages)
            } else {
                GenBytes.append(
                    "ValueError: upstream returned 502\nTraceback (most recent call last):\n"
                        + "  File \"/var/task/app.py\", line 42, in handler\n"
                        + "    raise ValueError(\"upstream returned 502\")",
                    to: &context.messages)
            }
            lines.append(GenLine(time: min(t + 0.001, end), kind: .app(error: true, message: from..<context.messages.count)))
        }
        if timedOut { lines.append(GenLine(time: end, kind: .timeout)) }
        lines.append(GenLine(time: end + 0.0001, kind: .end))
        lines.append(GenLine(time: end + 0.0002, kind: .report))
        // Stable sort by time: only a (vanishingly rare) sub-half-millisecond invocation is out of order.
        for i in 1..<lines.count {
            var j = i
            while j > 0 && lines[j].time < lines[j - 1].time {
                lines.swapAt(j, j - 1)
                j -= 1
            }
        }

        let durationCentis = Int64((duration * 100).rounded(.toNearestOrEven))
        let billed = Int64(duration.rounded(.up))
        let maxMemory = min(f.spec.memoryMB, Int(Double(f.spec.memoryMB) * rng.uniform(0.2, 0.7)))
        let initCentis = initMs.map { Int64(($0 * 100).rounded(.toNearestOrEven)) }

        // render into a slot
        context.requestID = GenTruthBuilder.requestID(ridHi, ridLo)
        context.version = f.versions[version]
        context.functionName = f.name
        context.streamName = streamNames[stream]
        context.isNode = f.spec.isNode
        context.memoryMB = f.spec.memoryMB
        context.timeoutSeconds = f.spec.timeoutSeconds
        context.durationCentis = durationCentis
        context.billedMs = billed
        context.maxMemoryMB = maxMemory
        context.initCentis = initCentis
        let slot: Int32
        if let s = freeSlots.popLast() {
            slot = s
        } else {
            slots.append(Slot())
            slot = Int32(slots.count - 1)
        }
        let si = Int(slot)
        slots[si].bytes.removeAll(keepingCapacity: true)
        slots[si].ends.removeAll(keepingCapacity: true)
        slots[si].function = fi
        slots[si].stream = stream
        slots[si].remaining = lines.count
        for (i, line) in lines.enumerated() {
            renderer.render(line, context, into: &slots[si].bytes)
            slots[si].ends.append(slots[si].bytes.count)
            seq += 1
            lineHeap.push(LineRef(time: line.time, seq: seq, slot: slot, line: Int32(i)))
        }

        // the truth
        truth.lines += lines.count
        truth.slots[p].invocations += 1
        if errored { truth.slots[p].errors += 1 }
        if timedOut { truth.slots[p].timeouts += 1 }
        if cold { truth.slots[p].coldStarts += 1 }
        truth.slots[p].durations.append(durationCentis)
        if let initCentis { truth.slots[p].inits.append(initCentis) }
        truth.slots[p].billedMs += billed
        truth.slots[p].maxMemoryMB = max(truth.slots[p].maxMemoryMB, maxMemory)
        let minute = GenTime.floorDiv(GenTime.ms(start), 60_000) * 60_000
        truth.minutes[GenTruthBuilder.MinuteKey(function: fi, minute: minute), default: 0] += 1
        if let correlation {
            truth.traces[correlation, default: []].append(
                GenTruthBuilder.Hop(function: fi, version: version, requestHi: ridHi, requestLo: ridLo, error: errored))
        }
        return end
    }
}
