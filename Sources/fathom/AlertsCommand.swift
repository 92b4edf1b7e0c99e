import ArgumentParser
import FathomConfig
import FathomCore
import FathomStore

/// `fathom alerts`: alert state and history from the store, and one-off evaluations.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Alert state and history from the store; evaluate rule files over the store.",
        subcommands: [AlertsList.self, AlertsEval.self],
        defaultSubcommand: AlertsList.self)
}

/// `--output table|json`.
enum AlertOutput: String, ExpressibleByArgument, CaseIterable {
    case table, json
    var core: OutputFormat { self == .table ? .table : .json }
}

/// `fathom alerts [list]`: the saved state, or the history of transitions.
struct AlertsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The pending and firing alerts saved in the store (by the daemon or alerts eval --save), or their history.",
        discussion: """
            Examples:
              fathom alerts
              fathom alerts --all
              fathom alerts --history --limit 20
              fathom alerts --output json
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "The history of state changes, newest first, instead of the current state.")
    var history = false

    @Flag(help: "Also list inactive instances (by default only pending and firing ones).")
    var all = false

    @Option(help: "With --history: at most this many transitions.")
    var limit = 50

    @Option(name: [.short, .long], help: "Output format: table or json.")
    var output: AlertOutput = .table

    func run() throws {
        try reporting {
            let store = try storeOptions.open()
            if history {
                Self.emit(Renderers.alertTransitions(try store.alertTransitions(limit: limit), format: output.core))
            } else {
                let saved = try store.alertSnapshots().filter { all || $0.state != .inactive }
                Self.emit(Renderers.alerts(saved, format: output.core))
            }
        }
    }
}

/// `fathom alerts eval`: the state of rules at one time, as a pure function of the data.
struct AlertsEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate rule files over the store at a time; exit code 1 when anything fires.",
        discussion: """
            Every tick of every group is replayed from --at (or --from) less the rules' lookback \
            (the longest for + keep_firing_for + 3 intervals) up to --at, on event time: the result \
            depends on the data only. Lists the pending and firing instances at --at; with --from, \
            also the transitions from --from to --at.

            Examples:
              fathom alerts eval --rules samples/rules.yaml --at 2026-11-20T10:30:00Z
              fathom alerts eval --rules samples/rules.yaml --from 2026-11-20T10:00:00Z --at 2026-11-20T11:00:00Z
              fathom alerts eval --rules rules.yaml --output json --save
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("A rule file (repeat for several).", valueName: "file"))
    var rules: [String]

    @Option(help: ArgumentHelp("The evaluation time (default now): RFC 3339, a date, an epoch, or relative like -1h.", valueName: "time"))
    var at: String?

    @Option(help: ArgumentHelp("Also list the transitions from this time to --at.", valueName: "time"))
    var from: String?

    @Option(name: [.short, .long], help: "Output format: table or json.")
    var output: AlertOutput = .table

    @Flag(help: "Save the state and the new transitions into the store (for fathom alerts).")
    var save = false

    func validate() throws {
        if rules.isEmpty { throw ValidationError("give at least one rule file with --rules") }
    }

    func run() throws {
        var firing = false
        try reporting {
            let set: RuleSet
            do {
                set = try RuleFile.load(paths: rules)
            } catch {
                throw CLIError("the rule files have mistakes:\n\(error)", code: 2)
            }
            let now = nowMillis()
            let atMs: Int64
            var fromMs: Int64?
            do {
                atMs = try TimeSpec.parseInstant(at ?? "now", now: now)
                if let from { fromMs = try TimeSpec.parseInstant(from, now: now) }
            } catch {
                throw CLIError("\(error)", code: 2)
            }
            let store = try storeOptions.open()
            let (evaluator, evaluations) = AlertEvaluator.replay(set, from: fromMs, at: atMs, reader: store)
            for e in evaluations {
                for message in e.errors { Self.note("fathom: warning: group \(e.group) at \(TimeSpec.format(e.time)): \(message)\n") }
            }
            let active = evaluator.snapshots.filter { $0.state != .inactive }.sorted { a, b in
                if a.state != b.state { return a.state > b.state }
                if a.group != b.group { return a.group < b.group }
                if a.rule != b.rule { return a.rule < b.rule }
                return a.labels.lexicographicallyPrecedes(b.labels)
            }
            let all = evaluations.flatMap(\.transitions).sorted(by: AlertTransition.ordered)
            let shown = fromMs.map { f in all.filter { $0.time >= f } }
            Self.emit(Renderers.alertEvaluation(at: atMs, rules: set.ruleCount, active: active, transitions: shown, format: output.core))
            if save {
                let through = try store.alertsEvaluatedThrough()
                let fresh = all.filter { t in through.map { t.time > $0 } ?? true }
                try store.saveAlerts(snapshots: evaluator.snapshots, transitions: fresh)
            }
            firing = active.contains { $0.state == .firing }
        }
        if firing { throw ExitCode(1) }
    }
}
