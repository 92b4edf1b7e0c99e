/// The exact truth about a generated corpus: what a perfect reader of the printed lines would
/// compute (durations as printed, to hundredths; metric values as printed). Serialized by
/// `json(pretty:)` in genlogs' `--truth` schema, with sorted keys.
public struct GeneratorTruth: Sendable, Equatable {
    /// A quantile: the nearest-rank value, and the range of values that the usual rank
    /// conventions give (nearest rank, floor/ceil/round-half-even of q·(n−1)), as genlogs'
    /// `quantiles()`.
    public struct Quantile: Sendable, Equatable {
        /// The nearest-rank value, `s[ceil(q·n) − 1]`.
        public var value: Double
        /// The smallest and largest value the rank conventions give (`<q>_range`).
        public var low: Double
        public var high: Double
    }

    /// Count, sum and quantiles of a set of values.
    public struct Summary: Sendable, Equatable {
        /// How many values.
        public var count: Int
        /// Exact (values are whole hundredths, added as integers).
        public var sum: Double
        /// The extremes; nil when there are no values.
        public var min: Double?
        public var max: Double?
        /// p50, p90, p95, p99; empty when there are no values.
        public var quantiles: [Quantile]

        /// The quantile levels of `quantiles`, and their names.
        public static let levels: [(name: String, q: Double)] = [("p50", 0.50), ("p90", 0.90), ("p95", 0.95), ("p99", 0.99)]

        /// The summary of `sorted` (ascending).
        public init(sorted: [Double], sum: Double) {
            count = sorted.count
            self.sum = sum
            min = sorted.first
            max = sorted.last
            quantiles = Self.levels.map { Self.quantile(sorted, $0.q) }.compactMap { $0 }
        }

        static func quantile(_ s: [Double], _ q: Double) -> Quantile? {
            let n = s.count
            guard n > 0 else { return nil }
            func at(_ k: Int) -> Double { s[Swift.max(0, Swift.min(n - 1, k))] }
            let qn1 = q * Double(n - 1)
            let ranks = [
                Int((q * Double(n)).rounded(.up)) - 1, Int(qn1.rounded(.down)), Int(qn1.rounded(.up)),
                Int(qn1.rounded(.toNearestOrEven)),
            ]
            let values = ranks.map(at)
            return Quantile(value: at(ranks[0]), low: values.min()!, high: values.max()!)
        }
    }

    /// One version of one function.
    public struct FunctionVersion: Sendable, Equatable {
        public var function: String
        /// `40+i` (stable) or `41+i` (canary) for the i-th function of the catalogue.
        public var version: String
        /// REPORT lines.
        public var invocations: Int
        /// Failed invocations, timeouts included.
        public var errors: Int
        /// `Task timed out` lines.
        public var timeouts: Int
        /// REPORT lines with `Init Duration`.
        public var coldStarts: Int
        /// Durations as printed (hundredths of ms).
        public var durationMs: Summary
        /// Init durations of the cold starts, as printed (its min and max are not in the JSON).
        public var initDurationMs: Summary
        /// The sum of `Billed Duration`.
        public var billedDurationMs: Int64
        public var memoryMB: Int
        /// The largest `Max Memory Used`.
        public var maxMemoryUsedMB: Int
        /// Billed GB-seconds × price + invocations × request price, rounded to 1e-9.
        public var costUSD: Double
    }

    /// One custom metric series: function, version, metric name, type and tags.
    public struct MetricSeries: Sendable, Equatable {
        public var function: String
        public var version: String
        public var metric: String
        /// As printed: `latency`, `count`, `gauge` or `histogram`.
        public var type: String
        /// `key:value` tags of the series (at most one), sorted.
        public var tags: [String]
        /// The values as printed.
        public var values: Summary
    }

    /// The versions of one function and whether its canary was made worse.
    public struct Canary: Sendable, Equatable {
        public var function: String
        public var stable: String
        public var canary: String
        public var canaryIsWorse: Bool
    }

    /// One invocation of a trace.
    public struct TraceHop: Sendable, Equatable {
        public var function: String
        public var version: String
        public var requestID: String
        /// Whether the invocation failed (error or timeout).
        public var error: Bool
    }

    /// The invocations of one correlation id, in the order they started.
    public struct Trace: Sendable, Equatable {
        /// `c-<16 hex>`, as printed in `x-correlation-id`.
        public var id: String
        public var hops: [TraceHop]
    }

    /// Invocations of one function that started in one minute.
    public struct MinuteCount: Sendable, Equatable {
        public var function: String
        /// Start of the minute, ms since the epoch.
        public var minute: Int64
        public var invocations: Int
    }

    /// The configuration that generated the corpus (`generator` in the JSON).
    public var config: GeneratorConfig
    /// Log events written (a multi-line traceback is one event).
    public var lines: Int
    /// Sorted by function, then version.
    public var functions: [FunctionVersion]
    /// Sorted by function, version, metric, type, tags.
    public var metrics: [MetricSeries]
    public var canaries: [Canary]
    /// Sorted by id.
    public var traces: [Trace]
    /// Sorted by function, then minute.
    public var invocationsPerMinute: [MinuteCount]
    /// The prices `cost_usd` uses (`pricing` in the JSON).
    public var pricePerGBSecond: Double = GenCatalog.pricePerGBSecond
    public var pricePerRequest: Double = GenCatalog.pricePerRequest

    /// The truth as JSON in genlogs' schema, keys sorted.
    public func json(pretty: Bool = true) -> [UInt8] {
        var w = JSONWriter(pretty: pretty)
        w.beginObject()
        w.key("canaries")
        w.beginArray()
        for c in canaries {
            w.beginObject()
            w.field("canary", c.canary)
            w.field("canary_is_worse", c.canaryIsWorse)
            w.field("function", c.function)
            w.field("stable", c.stable)
            w.endObject()
        }
        w.endArray()
        w.key("functions")
        w.beginArray()
        for f in functions {
            w.beginObject()
            w.field("billed_duration_ms", f.billedDurationMs)
            w.field("cold_starts", f.coldStarts)
            w.field("cost_usd", f.costUSD)
            w.key("duration_ms")
            w.beginObject()
            Self.writeSummary(f.durationMs, minMax: true, &w)
            w.endObject()
            w.field("errors", f.errors)
            w.field("function", f.function)
            w.key("init_duration_ms")
            w.beginObject()
            Self.writeSummary(f.initDurationMs, minMax: false, &w)
            w.endObject()
            w.field("invocations", f.invocations)
            w.field("max_memory_used_mb", f.maxMemoryUsedMB)
            w.field("memory_mb", f.memoryMB)
            w.field("timeouts", f.timeouts)
            w.field("version", f.version)
            w.endObject()
        }
        w.endArray()
        w.key("generator")
        w.beginObject()
        w.field("canary_share", config.canaryShare)
        w.field("format", config.format.rawValue)
        w.field("functions", config.functions)
        w.field("gzip", config.gzip)
        w.field("invocations", config.invocations)
        w.field("metrics_per_invocation", config.metricsPerInvocation)
        w.key("out_dir")
        if let d = config.outDir { w.string(d) } else { w.null() }
        w.field("seconds", config.seconds)
        w.field("seed", config.seed)
        w.field("start", config.start)
        w.field("trace_share", config.traceShare)
        w.key("truth")
        if let t = config.truthPath { w.string(t) } else { w.null() }
        w.endObject()
        w.key("invocations_per_minute")
        w.beginArray()
        for m in invocationsPerMinute {
            w.beginObject()
            w.field("function", m.function)
            w.field("invocations", m.invocations)
            w.field("minute", GenTime.iso(ms: m.minute))
            w.endObject()
        }
        w.endArray()
        w.field("lines", lines)
        w.key("metrics")
        w.beginArray()
        for m in metrics {
            // keys interleave with the summary's: count function max metric min p… sum tags type version
            w.beginObject()
            w.field("count", m.values.count)
            w.field("function", m.function)
            w.field("max", m.values.max)
            w.field("metric", m.metric)
            w.field("min", m.values.min)
            Self.writeQuantiles(m.values, &w)
            w.field("sum", m.values.sum)
            w.key("tags")
            w.beginArray()
            for t in m.tags { w.string(t) }
            w.endArray()
            w.field("type", m.type)
            w.field("version", m.version)
            w.endObject()
        }
        w.endArray()
        w.key("pricing")
        w.beginObject()
        w.field("per_gb_second", pricePerGBSecond)
        w.field("per_request", pricePerRequest)
        w.endObject()
        w.key("traces")
        w.beginObject()
        for t in traces {
            w.key(t.id)
            w.beginArray()
            for h in t.hops {
                w.beginObject()
                w.field("error", h.error)
                w.field("function", h.function)
                w.field("request_id", h.requestID)
                w.field("version", h.version)
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        w.endObject()
        var bytes = w.bytes
        bytes.append(0x0A)
        return bytes
    }

    /// `count`, [`max`, `min`,] the quantiles and `sum`, in sorted key order.
    private static func writeSummary(_ s: Summary, minMax: Bool, _ w: inout JSONWriter) {
        w.field("count", s.count)
        if minMax {
            w.field("max", s.max)
            w.field("min", s.min)
        }
        writeQuantiles(s, &w)
        w.field("sum", s.sum)
    }

    /// `p50`, `p50_range`, … `p99`, `p99_range`.
    private static func writeQuantiles(_ s: Summary, _ w: inout JSONWriter) {
        for (level, q) in zip(Summary.levels, s.quantiles) {
            w.field(level.name, q.value)
            w.key(level.name + "_range")
            w.beginArray()
            w.number(q.low)
            w.number(q.high)
            w.endArray()
        }
    }
}
