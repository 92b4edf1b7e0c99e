import ArgumentParser
import FathomCore
import FathomStore

/// `fathom compare`: a canary version of a function against its baseline.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Judge a canary version of a function against its baseline: Pass, Marginal, Fail or Inconclusive.",
        discussion: """
            Compares duration (p50, p90, p99; Mann-Whitney U), error, timeout and cold start rates \
            (two-proportion z test), init duration, max memory used and every custom metric both \
            versions emit. A metric fails when its change is both significant and material in the bad \
            direction; the verdict is Kayenta's score, and a failing critical metric (error rate, \
            duration) fails the canary. Inconclusive when either version has fewer than \
            --min-invocations invocations. Exit code 1 when the verdict is fail, 2 when nothing can be \
            compared (unknown function or version, fewer than two versions), 0 otherwise. See docs/canary.md.

            Without --baseline/--canary, the two versions that served traffic in the window are \
            compared, the newest being the canary.

            Examples:
              fathom compare checkout
              fathom compare checkout --baseline 41 --canary 42 --from -1h
              fathom compare checkout --output json | jq .verdict
            """)

    @Argument(help: "The function.")
    var function: String

    @Option(help: ArgumentHelp("The baseline version (default: the older of the two versions with traffic).", valueName: "version"))
    var baseline: String?

    @Option(help: ArgumentHelp("The canary version (default: the newest version with traffic).", valueName: "version"))
    var canary: String?

    @Option(help: ArgumentHelp("The fewest invocations per version for a verdict other than inconclusive.", valueName: "n"))
    var minInvocations: Int = CanaryJudge.Config().minInvocations

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var range: TimeRangeOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if (baseline == nil) != (canary == nil) {
            throw ValidationError("give both --baseline and --canary, or neither")
        }
        if minInvocations < 1 { throw ValidationError("--min-invocations must be at least 1, got \(minInvocations)") }
        if let baseline, baseline == canary { throw ValidationError("--baseline and --canary are the same version (\(baseline))") }
    }

    func run() throws {
        var failed = false
        try reporting {
            let store = try storeOptions.open()
            let functions = try CanaryJudge.knownFunctions(reader: store)
            guard functions.contains(function) else {
                let list = functions.isEmpty ? "the store has no function invocations" : "functions: " + functions.joined(separator: ", ")
                throw CLIError("unknown function '\(function)' (\(list))", code: 2)
            }
            let known = try CanaryJudge.knownVersions(reader: store, function: function)
            for (flag, v) in [("--baseline", baseline), ("--canary", canary)] {
                if let v, !known.contains(v) {
                    throw CLIError("\(flag): \(function) has no version '\(v)' (versions: \(known.joined(separator: ", ")))", code: 2)
                }
            }
            guard let r = try range.resolve(store: store) else { throw CLIError("the store has no data", code: 2) }
            let pair: (baseline: String, canary: String)
            if let baseline, let canary {
                pair = (baseline, canary)
            } else if let found = try CanaryJudge.versions(reader: store, function: function, from: r.from, to: r.to) {
                pair = found
            } else {
                throw CLIError(
                    "\(function) has fewer than two versions with traffic from \(TimeSpec.format(r.from)) to "
                        + "\(TimeSpec.format(r.to)) (versions: \(known.joined(separator: ", "))); "
                        + "give --baseline and --canary, or a wider --from/--to", code: 2)
            }
            var config = CanaryJudge.Config()
            config.minInvocations = minInvocations
            let report = try CanaryJudge.compare(
                reader: store, function: function, baseline: pair.baseline, canary: pair.canary, from: r.from, to: r.to,
                config: config)
            Self.emit(Renderers.canary(report, format: out.output.core))
            failed = report.verdict == .fail
        }
        if failed { throw ExitCode(1) }
    }
}
