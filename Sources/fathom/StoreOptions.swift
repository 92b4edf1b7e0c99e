import ArgumentParser
import FathomStore
import Foundation

/// `--store PATH`, shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The embedded store (SQLite file).",
        discussion: "Default: $FATHOM_STORE, else $XDG_DATA_HOME/fathom/fathom.sqlite, else ~/.local/share/fathom/fathom.sqlite.",
        valueName: "path"))
    var store: String?

    /// The store's path as chosen by the flag or the environment.
    var path: String { store ?? EmbeddedStore.defaultPath(environment: ProcessInfo.processInfo.environment) }

    /// Opens the store; a user-caused failure becomes a clear message and exit code 1.
    func open() throws -> EmbeddedStore {
        do {
            return try EmbeddedStore(path: path)
        } catch {
            throw CLIError("cannot open the store: \(error)")
        }
    }
}

/// `--output table|json|csv`.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Output format: table, json or csv.")
    var output: OutputChoice = .table
}

enum OutputChoice: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// An error for people: printed as is, exit code 1 (or the given one).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    var code: Int32

    init(_ message: String, code: Int32 = 1) {
        description = message
        self.code = code
    }
}

extension ParsableCommand {
    /// Writes `text` to standard output unbuffered in one call.
    static func emit(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes `text` to standard error.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Milliseconds since the epoch, now: the only clock read of a command, passed into the core.
func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
