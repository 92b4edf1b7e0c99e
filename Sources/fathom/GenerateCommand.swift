import ArgumentParser
import FathomCore
import FathomIO
import Foundation

/// `fathom generate`: synthetic AWS Lambda logs for demos, tests and benchmarks, with the exact
/// truth of what was generated.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate realistic synthetic AWS Lambda logs, and the exact truth about them.",
        discussion: """
            The logs look like Lambda's: START / END / REPORT (with Init Duration on cold starts), \
            Node.js and Python application lines, MONITORING|<epoch>|<value>|<type>|<name>[|#tags] \
            metric lines (latency, count, gauge, histogram), errors with Python tracebacks, \
            timeouts, and correlation ids that link invocations of different functions. Every \
            function has a stable version (40+i) and a canary (41+i); the canary of every other \
            function is slower and fails more often.

            Formats:
              text  plain lines as the runtimes write them
              json  Lambda's JSON log format (platform.start, platform.report, …)
              cwl   CloudWatch Logs subscription envelopes, one JSON object a line
              tail  `aws logs tail` output
            On one merged stream, text and tail hold one function (--functions 1).

            Layouts:
              (default)      one merged stream on standard output, ordered by time
              --out-dir DIR  one file per log stream:
                             DIR/<function>/<YYYY>/<MM>/<DD>/[<version>]<id>.log
                             with --format cwl, Firehose-style archives of 500
                             events: DIR/<function>/<nnnnnn>.json (.json.gz
                             with --gzip)

            --truth FILE writes what a perfect reader of the logs would compute, as JSON with \
            sorted keys: per function and version the invocations, errors, timeouts, cold starts, \
            duration and init duration quantiles (with the range of the usual rank conventions), \
            billed duration, memory and cost; per metric series the count, sum, min, max and \
            quantiles; every correlation id with the invocations it links; invocations per minute.

            The same options and --seed give the same bytes. Output is streamed: gigabytes can \
            be generated in bounded memory on standard output.

            Examples:
              fathom generate --functions 1 --invocations 500 > checkout.log
              fathom generate --format json --seed 3 --truth t.json > fns.jsonl
              fathom generate --format cwl --out-dir arch --gzip --truth t.json
              fathom generate --out-dir logs --functions 8 --invocations 100000
              fathom generate --format cwl --invocations 2000000 > big.jsonl
            """)

    /// The output formats, as the command line spells them.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, cwl, tail

        var core: GeneratorFormat {
            switch self {
            case .text: return .text
            case .json: return .json
            case .cwl: return .cwl
            case .tail: return .tail
            }
        }
    }

    @Option(help: "Seed of the random generator; the same options and seed give the same bytes.")
    var seed: Int = 7

    @Option(help: "Number of invocations in all, downstream calls of traces included.")
    var invocations: Int = 2000

    @Option(help: "How many functions take traffic (1...\(GeneratorConfig.maxFunctions)).")
    var functions: Int = 4

    @Option(help: "Time span the invocations cover, in seconds.")
    var seconds: Double = 3600

    @Option(help: "Unix time (seconds) of the start of the traffic.")
    var start: Double = 1_795_168_800

    @Option(help: "Share of each function's traffic on its canary version (0...1).")
    var canaryShare: Double = 0.2

    @Option(help: "Share of entry invocations that carry a correlation id and call other functions (0...1).")
    var traceShare: Double = 0.3

    @Option(help: "At most this many MONITORING lines per invocation.")
    var metricsPerInvocation: Int = 3

    @Option(help: "Output format: text, json, cwl or tail.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Write a directory tree instead of one merged stream on standard output.", valueName: "dir"))
    var outDir: String?

    @Flag(help: "With --format cwl and --out-dir: gzip the archives (.json.gz).")
    var gzip = false

    @Option(help: ArgumentHelp("Write the truth about the generated logs here (JSON).", valueName: "file"))
    var truth: String?

    /// The core configuration for these options.
    var config: GeneratorConfig {
        GeneratorConfig(
            seed: seed, invocations: invocations, functions: functions, seconds: seconds, start: start,
            canaryShare: canaryShare, traceShare: traceShare, metricsPerInvocation: metricsPerInvocation,
            format: format.core, outDir: outDir, gzip: gzip, truthPath: truth)
    }

    func validate() throws {
        do {
            try config.validate()
        } catch {
            throw ValidationError(error.message)
        }
        if gzip && !(format == .cwl && outDir != nil) {
            throw ValidationError("--gzip applies to --format cwl with --out-dir only")
        }
    }

    /// A file that could not be written.
    struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    func run() throws {
        var generator: LogGenerator
        do {
            generator = try LogGenerator(config)
        } catch {
            throw ValidationError(error.message)
        }
        var failure: (any Error)? = nil
        var madeDirectories: Set<String> = []
        let fm = FileManager.default
        let root = outDir.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }

        generator.generate(chunkSize: 4 << 20) { file in
            guard failure == nil else { return }
            guard let path = file.path, let root else {
                do {
                    try FileHandle.standardOutput.write(contentsOf: Data(file.bytes))
                } catch {
                    failure = WriteError(description: "cannot write to standard output: \(error.localizedDescription)")
                }
                return
            }
            let full = root + "/" + path
            let directory = (full as NSString).deletingLastPathComponent
            do {
                if !madeDirectories.contains(directory) {
                    try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
                    madeDirectories.insert(directory)
                }
                let bytes = file.gzip ? gzipCompress(file.bytes) : file.bytes
                try Data(bytes).write(to: URL(fileURLWithPath: full))
            } catch {
                failure = WriteError(description: "cannot write \(full): \(error.localizedDescription)")
            }
        }
        if let failure { throw failure }

        if let truth, let facts = generator.truth {
            let url = URL(fileURLWithPath: truth)
            do {
                let parent = url.deletingLastPathComponent().path
                if !parent.isEmpty { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) }
                try Data(facts.json(pretty: true)).write(to: url)
            } catch {
                throw WriteError(description: "cannot write the truth to \(truth): \(error.localizedDescription)")
            }
        }
    }
}
