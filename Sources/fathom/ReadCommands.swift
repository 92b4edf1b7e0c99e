import ArgumentParser
import FathomCore
import FathomStore
import Foundation

extension ParsableCommand {
    /// Runs `body`, turning a `CLIError` into its message on standard error and its exit code.
    func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let e as CLIError {
            Self.note("fathom: \(e.description)\n")
            throw ExitCode(e.code)
        }
    }
}

extension OutputChoice {
    var core: OutputFormat { OutputFormat(rawValue: rawValue)! }
}

/// `fathom functions`: one row per function and version.
struct Functions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Invocations, errors, timeouts, cold starts, duration quantiles, memory and cost per function version.",
        discussion: """
            Examples:
              fathom functions
              fathom functions --from 2026-11-20T08:00:00Z --to 2026-11-20T09:00:00Z
              fathom functions --output json | jq '.[] | select(.errors > 0)'
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var range: TimeRangeOptions
    @OptionGroup var out: OutputOptions

    @Option(help: "Only this function.")
    var function: String?

    func run() throws {
        try reporting {
            let store = try storeOptions.open()
            var rows: [FunctionSummary] = []
            if let r = try range.resolve(store: store) {
                rows = try FunctionSummaries.compute(reader: store, from: r.from, to: r.to)
            }
            if let function { rows = rows.filter { $0.function == function } }
            Self.emit(Renderers.functions(rows, format: out.output.core))
        }
    }
}

/// `fathom query`: the metric query language.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a metric query (Datadog style) over the store.",
        discussion: """
            Query: <aggregation>:<metric>{<tag filters>} [by {<tags>}] [.rollup(<aggregation>[, <seconds>])], \
            combined with + - * / and numbers. Aggregations: sum count avg min max last p50 p75 p90 p95 p99 p999. \
            Built-in metrics: fn.invocations fn.errors fn.timeouts fn.cold_starts fn.duration fn.billed_duration \
            fn.init_duration fn.restore_duration fn.max_memory_used fn.memory_size fn.memory_utilization fn.cost; \
            every MONITORING and EMF metric by its own name. See docs/query-language.md.

            Examples:
              fathom query 'p99:fn.duration{function:checkout} by {version}'
              fathom query 'sum:cache-hit{cache:redis}.rollup(sum, 300)'
              fathom query 'sum:fn.errors{*} / sum:fn.invocations{*} * 100' --step 1h
              fathom query 'avg:fn.cold_starts{*} by {function}' --from -1h --step 5m
            """)

    @Argument(help: "The query.")
    var expression: String

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var range: TimeRangeOptions
    @OptionGroup var out: OutputOptions

    @Option(help: ArgumentHelp("Width of a point (e.g. 60s, 5m, 1h); default: at most 300 points.", valueName: "duration"))
    var step: String?

    func run() throws {
        try reporting {
            let parsed: QueryExpression
            do {
                parsed = try QueryParser.parse(expression)
            } catch {
                throw CLIError("\(error)", code: 2)
            }
            var stepMs: Int64? = nil
            if let step {
                do { stepMs = try TimeSpec.parseDuration(step) } catch { throw CLIError("--step: \((error as? QueryError)?.message ?? "\(error)")", code: 2) }
            }
            let store = try storeOptions.open()
            guard let r = try range.resolve(store: store) else {
                Self.emit(Renderers.query(QueryResult(series: []), format: out.output.core))
                return
            }
            let result: QueryResult
            do {
                result = try QueryEngine(reader: store).evaluate(parsed, from: r.from, to: r.to, step: stepMs)
            } catch let e as QueryError {
                throw CLIError("\(e)", code: 2)
            }
            Self.emit(Renderers.query(result, format: out.output.core))
        }
    }
}

/// `fathom metrics`: the series that exist.
struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the metric series in the store: name, type, tags, first and last seen.",
        discussion: """
            Examples:
              fathom metrics
              fathom metrics --name fn.duration
              fathom metrics --output csv
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var out: OutputOptions

    @Option(help: "Only series of this metric.")
    var name: String?

    func run() throws {
        try reporting {
            let store = try storeOptions.open()
            Self.emit(Renderers.metrics(try store.series(named: name), format: out.output.core))
        }
    }
}

/// `fathom trace`: the invocations an id links.
struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every invocation linked by a correlation id, a request id or an X-Ray trace id.",
        discussion: """
            A request id also brings the invocations that share its correlation ids or X-Ray trace id. \
            The table form is a waterfall followed by each invocation's log lines.

            Examples:
              fathom trace c-5f2a9e0b7d3c4a11
              fathom trace 1-5d8bba5a-dc2932496a65bab91d2d42d4
              fathom trace 4ce9340a-b765-490f-ad8a-02ab3415e2bf --output json
            """)

    @Argument(help: "A correlation id, request id or X-Ray trace id.")
    var id: String

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var out: OutputOptions

    @Flag(help: "Draw the waterfall with ASCII characters only.")
    var ascii = false

    func run() throws {
        try reporting {
            let store = try storeOptions.open()
            let invocations = try store.invocations(linkedTo: id)
            Self.emit(Renderers.trace(id: id, invocations, format: out.output.core, ascii: ascii))
            if invocations.isEmpty { throw ExitCode(1) }
        }
    }
}

/// `fathom quarantine`: what was rejected.
struct QuarantineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "Show the lines that were rejected, why, and where.",
        discussion: """
            Examples:
              fathom quarantine
              fathom quarantine --reason bad_metric_value --limit 20
            """)

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var out: OutputOptions

    @Option(help: "Only this reason (e.g. bad_metric_value, line_too_long, broken_json).")
    var reason: String?

    @Option(help: "At most this many entries.")
    var limit: Int = 100

    func run() throws {
        try reporting {
            var filter: QuarantineReason? = nil
            if let reason {
                guard let r = QuarantineReason(rawValue: reason) else {
                    let known = QuarantineReason.allCases.map(\.rawValue).sorted().joined(separator: ", ")
                    throw CLIError("unknown reason '\(reason)' (known: \(known))", code: 2)
                }
                filter = r
            }
            let store = try storeOptions.open()
            let entries = try store.quarantine(limit: limit, reason: filter)
            Self.emit(Renderers.quarantine(entries, counts: try store.quarantineCounts(), format: out.output.core))
        }
    }
}
