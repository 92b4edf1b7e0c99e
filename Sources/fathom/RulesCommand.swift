import ArgumentParser
import FathomConfig
import FathomCore

/// `fathom rules`: alert rule files.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check alert rule files.",
        subcommands: [RulesCheck.self])
}

/// `fathom rules check FILE...`: every mistake of every file, with its line and column.
struct RulesCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check alert rule files: an OK line per good file, else every mistake as FILE:LINE:COLUMN: MESSAGE.",
        discussion: """
            Exit code 0 when every file is good, 1 when any has a mistake. See docs/alerts.md.

            Examples:
              fathom rules check samples/rules.yaml
              fathom rules check rules/*.yaml
            """)

    @Argument(help: ArgumentHelp("Rule files (YAML).", valueName: "file"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one rule file") }
    }

    func run() throws {
        var failed = false
        for file in files {
            do {
                let set = try RuleFile.load(path: file)
                let groups = set.groups.count
                let rules = set.ruleCount
                Self.emit("\(file): OK, \(groups) group\(groups == 1 ? "" : "s"), \(rules) rule\(rules == 1 ? "" : "s")\n")
            } catch {
                failed = true
                Self.emit(error.description + "\n")
            }
        }
        if failed { throw ExitCode(1) }
    }
}
