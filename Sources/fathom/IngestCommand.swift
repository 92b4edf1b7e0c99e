import ArgumentParser
import FathomCore
import FathomStore
import Foundation

/// `fathom ingest`: read logs into the store.
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read function logs (files, directories, .gz, standard input) into the store.",
        discussion: """
            The format is detected per source and per line: runtime text lines, Lambda's JSON log format, \
            `aws logs tail` output, CloudWatch Logs subscription envelopes, gzip (by content). Sources are \
            recognised by the fingerprint of their first bytes, so ingesting the same file twice does not \
            count it twice, and a grown file is read from where the last run stopped.

            The function of a line comes from --function, the log group (/aws/lambda/<name>), or the path \
            (<function>/YYYY/MM/DD/[<version>]<stream>, or a flat file named after its function).

            Examples:
              fathom ingest samples/logs
              fathom ingest exported/checkout/2026/11/20/*.log.gz
              aws logs tail /aws/lambda/checkout | fathom ingest --function checkout
              fathom ingest --replay --strict logs/
            """)

    @Argument(help: ArgumentHelp("Files or directories to read; - or nothing reads standard input.", valueName: "path"))
    var paths: [String] = []

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The function of every line (overrides log groups and paths).")
    var function: String?

    @Option(help: "Input format: auto, text, json, tail or cwl.")
    var format: FormatChoice = .auto

    @Flag(help: "Delete everything in the store first and rebuild from these inputs.")
    var replay = false

    @Flag(help: "Parse and aggregate only: print the summary, write nothing to the store.")
    var dryRun = false

    @Flag(help: "Exit with status 3 when any line was quarantined.")
    var strict = false

    @Flag(help: "Do not keep log lines (traces then show invocations without their lines).")
    var noLines = false

    @Option(help: ArgumentHelp("Keep log lines for this long before the newest data (e.g. 30d).", valueName: "duration"))
    var lineRetention: String = "30d"

    @Option(help: "Lines longer than this many bytes are quarantined.")
    var maxLineBytes: Int = 8 << 20

    @Option(help: ArgumentHelp("A JSON key holding correlation ids, besides correlation_id, correlationId, x-correlation-id (repeatable).", valueName: "key"))
    var correlationKey: [String] = []

    @Option(help: "Price per GB-second for fn.cost (default: x86_64 us-east-1 list price).")
    var pricePerGbSecond: Double = 0.000_016_666_7

    @Option(help: "Price per request for fn.cost.")
    var pricePerRequest: Double = 0.000_000_2

    @Flag(name: [.short, .long], help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        let retention: Int64
        do {
            retention = try TimeSpec.parseDuration(lineRetention)
        } catch {
            throw ValidationError("--line-retention: \(error.message)")
        }
        var config = IngestConfig()
        config.function = function
        config.format = format.core
        config.keepLines = !noLines
        config.maxLineBytes = maxLineBytes
        config.correlationKeys += correlationKey
        config.pricing = Pricing(perGBSecond: pricePerGbSecond, perRequest: pricePerRequest)
        let store = dryRun ? nil : try storeOptions.openWriter()
        if replay { try store?.reset() }
        var runner = IngestRunner(store: store, config: config)
        runner.replay = replay
        if !quiet && isatty(2) == 1 { runner.progress = Progress() }
        let started = Date()
        let stats = try runner.run(paths)
        // A ClickHouse store queues batches in its local spool: wait until ClickHouse has them.
        do {
            try store?.flush()
        } catch {
            throw CLIError("\(error)\nThe batches stay in the spool; the next ingest or daemon with the same --spool sends them.")
        }
        let seconds = Date().timeIntervalSince(started)
        if let store, let range = try store.dataRange() {
            _ = try store.applyRetention(linesOlderThan: range.to - retention)
        }
        for failure in runner.failures { Self.note("fathom: \(failure)\n") }
        for warning in runner.warnings {
            Self.note("fathom: warning: \(warning); what came before was ingested (see fathom quarantine)\n")
        }
        if !quiet {
            var text = Renderers.ingestSummary(stats, seconds: seconds)
            if let store, let range = try store.dataRange(), stats.invocations > 0 {
                let rows = try FunctionSummaries.compute(reader: store, from: range.from, to: range.to)
                    .filter { stats.functions.contains($0.function) }
                text += "\n" + Renderers.functions(rows, format: .table)
            }
            Self.emit(text)
        }
        if !runner.failures.isEmpty { throw ExitCode(1) }
        if strict && stats.quarantinedTotal > 0 { throw ExitCode(3) }
    }
}

enum FormatChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, text, json, tail, cwl

    var core: InputFormat { InputFormat(rawValue: rawValue)! }
}
