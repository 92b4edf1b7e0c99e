import ArgumentParser
import FathomConfig
import FathomCore
import FathomStore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `fathom dashboard`: a text dashboard over the store, once or every few seconds.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Draw a dashboard (stat, timeseries, bar, table, top-N, alert and canary panels) in the terminal.",
        discussion: """
            NAME is a shipped dashboard (overview, function, canary, cold-starts, pipeline) or NAME.yaml in \
            --dir, $FATHOM_DASHBOARDS or ./dashboards; FILE is a dashboard YAML file. Without either: overview. \
            The frame fits the terminal; when standard output is not a terminal it is printed once, \
            without colours (also never with NO_COLOR), and TERM=dumb or linux draws ASCII only. \
            See docs/dashboards.md.

            Examples:
              fathom dashboard
              fathom dashboard function --var function=checkout --watch 5s
              fathom dashboard canary --var function=checkout --at 2026-11-20T10:45:00Z
              fathom dashboard my-dashboard.yaml --width 132 --ascii
              fathom dashboard --list
            """)

    @Argument(help: ArgumentHelp("A dashboard name or a YAML file (default: overview).", valueName: "name-or-file"))
    var name: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable, e.g. --var function=checkout (repeatable).", valueName: "name=value"))
    var variables: [String] = []

    @Option(help: ArgumentHelp("End every panel's range at this time (RFC 3339, a date, an epoch, -1h); default now.", valueName: "time"))
    var at: String?

    @Option(help: ArgumentHelp("Redraw every interval (e.g. 5s) until Ctrl-C; a single frame when not on a terminal.", valueName: "duration"))
    var watch: String?

    @Flag(help: "Only ASCII characters (also with TERM=dumb or TERM=linux).")
    var ascii = false

    @Option(help: ArgumentHelp("Width in columns (default: the terminal's, else $COLUMNS, else 100).", valueName: "n"))
    var width: Int?

    @Option(help: ArgumentHelp("Height in lines (default: the terminal's, else $LINES, else 40).", valueName: "n"))
    var height: Int?

    @Flag(help: "List the dashboards with their titles.")
    var list = false

    @Option(help: ArgumentHelp("A directory of dashboard files searched first (default: $FATHOM_DASHBOARDS).", valueName: "dir"))
    var dir: String?

    @Option(help: ArgumentHelp(
        "Alert rules evaluated at the frame's time for alert panels (repeatable; default: the state the daemon or `alerts eval --save` stored).",
        valueName: "file"))
    var rules: [String] = []

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        try reporting {
            let environment = ProcessInfo.processInfo.environment
            let catalog = DashboardCatalog.standard(directory: dir, environment: environment)
            if list {
                Self.emit(catalog.listing())
                return
            }
            var given: [String: String] = [:]
            for v in variables {
                guard let eq = v.firstIndex(of: "="), eq != v.startIndex else {
                    throw CLIError("--var takes name=value, found '\(v)'", code: 2)
                }
                given[String(v[..<eq])] = String(v[v.index(after: eq)...])
            }
            let dashboard: Dashboard
            do {
                dashboard = try catalog.load(name ?? "overview")
            } catch let e as ConfigErrors {
                throw CLIError(e.description, code: 2)
            } catch {
                throw CLIError("\(error)", code: 2)
            }
            var interval: Int64?
            if let watch {
                do {
                    let ms = try TimeSpec.parseDuration(watch)
                    interval = max(200, ms)
                } catch {
                    throw CLIError("--watch: \(error)", code: 2)
                }
            }
            var fixedAt: Int64?
            if let at {
                do { fixedAt = try TimeSpec.parseInstant(at, now: nowMillis()) } catch { throw CLIError("--at: \(error)", code: 2) }
            }
            let terminal = isatty(STDOUT_FILENO) == 1
            let term = environment["TERM"] ?? ""
            let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
            let store = try storeOptions.open()
            var ruleSet: RuleSet? = nil
            if !rules.isEmpty {
                do { ruleSet = try RuleFile.load(paths: rules) } catch { throw CLIError("\(error)", code: 2) }
            }

            func frame() throws -> String {
                let size = Self.size(terminal: terminal, environment: environment)
                let options = DashboardOptions(
                    width: width ?? size.width, height: height ?? size.height,
                    color: terminal && !noColor && term != "dumb",
                    ascii: ascii || term == "dumb" || term == "linux")
                let end = fixedAt ?? nowMillis()
                let context = DashboardContext.judged(reader: store, at: end, dataRange: try store.dataRange()) {
                    guard let ruleSet else { return try store.alertSnapshots() }
                    return AlertEvaluator.replay(ruleSet, at: end, reader: store).evaluator.snapshots
                }
                return DashboardFrame.render(dashboard, variables: given, context: context, options: options)
            }

            guard let interval, terminal else {
                Self.emit(try frame())
                return
            }
            Self.emit("\u{1B}[2J")
            while true {
                // Cursor home, each line cleared to its end, then the rest of the screen: no flicker.
                let text = try frame()
                // No line break after the last line, so a frame as tall as the terminal does not scroll it.
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                Self.emit("\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\n") + "\u{1B}[J")
                usleep(useconds_t(min(interval, 3_600_000) * 1000))
            }
        }
    }

    /// The terminal's size (TIOCGWINSZ) on a terminal, else $COLUMNS / $LINES, else 100 x 40.
    static func size(terminal: Bool, environment: [String: String]) -> (width: Int, height: Int) {
        var width = Int(environment["COLUMNS"] ?? "") ?? 100
        var height = Int(environment["LINES"] ?? "") ?? 40
        if terminal {
            var ws = winsize()
            if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 {
                width = Int(ws.ws_col)
                height = Int(ws.ws_row)
            }
        }
        return (max(20, width), max(5, height))
    }
}
