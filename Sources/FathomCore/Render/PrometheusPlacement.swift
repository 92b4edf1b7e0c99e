/// Where one series goes in the Prometheus exposition: its family, the family's type and help,
/// what value it shows, and its labels.
///
/// Built-in series (made by `MetricAggregator` for each function version):
///
/// | series                  | family                                        | type    | value            |
/// |-------------------------|-----------------------------------------------|---------|------------------|
/// | `fn.invocations`        | `fathom_function_invocations_total`           | counter | count            |
/// | `fn.errors`             | `fathom_function_errors_total`                | counter | sum of 0/1       |
/// | `fn.timeouts`           | `fathom_function_timeouts_total`              | counter | sum of 0/1       |
/// | `fn.cold_starts`        | `fathom_function_cold_starts_total`           | counter | sum of 0/1       |
/// | `fn.cost`               | `fathom_function_cost_usd_total`              | counter | sum (USD)        |
/// | `fn.duration`           | `fathom_function_duration_seconds`            | summary | ms ÷ 1000        |
/// | `fn.billed_duration`    | `fathom_function_billed_duration_seconds`     | summary | ms ÷ 1000        |
/// | `fn.init_duration`      | `fathom_function_init_duration_seconds`       | summary | ms ÷ 1000        |
/// | `fn.restore_duration`   | `fathom_function_restore_duration_seconds`    | summary | ms ÷ 1000        |
/// | `fn.max_memory_used`    | `fathom_function_max_memory_used_bytes`       | summary | MB × 1048576     |
/// | `fn.memory_utilization` | `fathom_function_memory_utilization_ratio`    | summary | used ÷ size      |
/// | `fn.memory_size`        | `fathom_function_memory_size_bytes`           | gauge   | latest MB × 1048576 |
///
/// Lambda's "MB" (memory size, `Max Memory Used`) is a mebibyte: sizes are configured in steps
/// of 1 MB up to 10240 MB = 10 GB, and GB-seconds are priced with 1 GB = 1024 MB.
///
/// Every other series (including an `fn.*` name of another kind) is a custom metric: its name
/// sanitised by `PrometheusWriter.metricName` (`orders.placed` → `orders_placed`); `count` →
/// counter with `_total` added unless already there (value: the sum); `gauge` and `check` →
/// gauge (the latest value); `distribution` → summary. Custom family names starting with
/// `fathom_` are reserved for Fathom and skipped.
///
/// Labels: every tag, its key sanitised by `PrometheusWriter.labelName`; `quantile` and `le`
/// (reserved for summaries and histograms) become `tag_quantile` and `tag_le`; a key that
/// sanitises to one already taken in the same series gets `_2`, `_3`…; tags without a value
/// are left out (Prometheus reads an empty label value as no label). Labels are sorted by name.
struct PrometheusPlacement: Sendable {
    /// The value a series shows.
    enum Measure: Sendable {
        /// The number of values (a counter).
        case count
        /// The sum of the values (a counter).
        case sum
        /// The latest value (a gauge).
        case last
        /// Window quantiles, with cumulative `_sum` and `_count`.
        case summary
    }

    /// Unit conversion from what Fathom stores to Prometheus's base units.
    enum Unit: Sendable {
        case none, millisecondsToSeconds, mebibytesToBytes

        func apply(_ v: Double) -> Double {
            switch self {
            case .none: return v
            case .millisecondsToSeconds: return v / 1000
            case .mebibytesToBytes: return v * 1_048_576
            }
        }
    }

    let family: String
    let type: PrometheusType
    let help: String
    let measure: Measure
    let unit: Unit
    /// Series of one family must come from the same source (built-in name, or custom kind).
    let owner: String
    let isBuiltin: Bool
    let labels: [(String, String)]

    /// The names of the sample lines of the family.
    var sampleNames: [String] { type == .summary ? [family, family + "_sum", family + "_count"] : [family] }

    init(_ key: SeriesKey) {
        labels = Self.labels(key.tags)
        if let b = Self.builtins[key.name], b.kind == key.kind {
            family = b.family
            type = b.type
            help = b.help
            measure = b.measure
            unit = b.unit
            owner = key.name
            isBuiltin = true
            return
        }
        isBuiltin = false
        unit = .none
        owner = "custom " + key.kind.rawValue
        let base = PrometheusWriter.metricName(key.name)
        switch key.kind {
        case .count:
            family = base.hasSuffix("_total") ? base : base + "_total"
            type = .counter
            measure = .sum
            help = "Custom count metric " + key.name + " (sum of the values)."
        case .gauge:
            family = base
            type = .gauge
            measure = .last
            help = "Custom gauge metric " + key.name + " (latest value)."
        case .check:
            family = base
            type = .gauge
            measure = .last
            help = "Custom check " + key.name + " (latest status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)."
        case .distribution:
            family = base
            type = .summary
            measure = .summary
            help = "Custom distribution metric " + key.name + "."
        }
    }

    /// Tags as labels, by the rules in the type's documentation.
    static func labels(_ tags: [Tag]) -> [(String, String)] {
        var out: [(String, String)] = []
        var taken: Set<String> = []
        for tag in tags where !tag.value.isEmpty {
            var name = PrometheusWriter.labelName(tag.key)
            if name == "quantile" || name == "le" { name = "tag_" + name }
            var unique = name
            var n = 2
            while taken.contains(unique) {
                unique = name + "_" + String(n)
                n += 1
            }
            taken.insert(unique)
            out.append((unique, tag.value))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    struct Builtin: Sendable {
        let kind: MetricKind
        let family: String
        let type: PrometheusType
        let measure: Measure
        let unit: Unit
        let help: String
    }

    /// The built-in `fn.*` series of `MetricAggregator`, by name.
    static let builtins: [String: Builtin] = [
        "fn.invocations": Builtin(
            kind: .count, family: "fathom_function_invocations_total", type: .counter, measure: .count,
            unit: .none, help: "Lambda invocations seen in the logs."),
        "fn.errors": Builtin(
            kind: .count, family: "fathom_function_errors_total", type: .counter, measure: .sum, unit: .none,
            help: "Failed invocations (error, timeout, out of memory, crash)."),
        "fn.timeouts": Builtin(
            kind: .count, family: "fathom_function_timeouts_total", type: .counter, measure: .sum, unit: .none,
            help: "Invocations that timed out."),
        "fn.cold_starts": Builtin(
            kind: .count, family: "fathom_function_cold_starts_total", type: .counter, measure: .sum,
            unit: .none, help: "Invocations that started a new execution environment (init or restore)."),
        "fn.cost": Builtin(
            kind: .count, family: "fathom_function_cost_usd_total", type: .counter, measure: .sum, unit: .none,
            help: "Estimated cost of the invocations in US dollars (requests and GB-seconds)."),
        "fn.duration": Builtin(
            kind: .distribution, family: "fathom_function_duration_seconds", type: .summary, measure: .summary,
            unit: .millisecondsToSeconds, help: "Invocation duration."),
        "fn.billed_duration": Builtin(
            kind: .distribution, family: "fathom_function_billed_duration_seconds", type: .summary,
            measure: .summary, unit: .millisecondsToSeconds, help: "Billed invocation duration."),
        "fn.init_duration": Builtin(
            kind: .distribution, family: "fathom_function_init_duration_seconds", type: .summary,
            measure: .summary, unit: .millisecondsToSeconds, help: "Init duration of cold starts."),
        "fn.restore_duration": Builtin(
            kind: .distribution, family: "fathom_function_restore_duration_seconds", type: .summary,
            measure: .summary, unit: .millisecondsToSeconds, help: "Restore duration of SnapStart cold starts."),
        "fn.max_memory_used": Builtin(
            kind: .distribution, family: "fathom_function_max_memory_used_bytes", type: .summary,
            measure: .summary, unit: .mebibytesToBytes, help: "Peak memory used by an invocation."),
        "fn.memory_utilization": Builtin(
            kind: .distribution, family: "fathom_function_memory_utilization_ratio", type: .summary,
            measure: .summary, unit: .none, help: "Peak memory used by an invocation over the memory size."),
        "fn.memory_size": Builtin(
            kind: .gauge, family: "fathom_function_memory_size_bytes", type: .gauge, measure: .last,
            unit: .mebibytesToBytes, help: "Configured memory size (latest seen)."),
    ]
}
