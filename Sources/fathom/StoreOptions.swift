import ArgumentParser
import FathomStore
import Foundation

/// `--store PATH|URL` and `--spool PATH`, shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store: an SQLite file (the embedded store), or clickhouse://[user[:password]@]host[:port]/database[?cluster=NAME].",
        discussion: """
            Default: $FATHOM_STORE, else $XDG_DATA_HOME/fathom/fathom.sqlite, else ~/.local/share/fathom/fathom.sqlite. \
            A password can also come from $FATHOM_CLICKHOUSE_PASSWORD.
            """,
        valueName: "path|url"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp(
        "With a ClickHouse store: the local spool file that holds batches (and this writer's checkpoints) until ClickHouse has them.",
        discussion: "Default: $XDG_DATA_HOME/fathom/spool/<host>-<port>-<database>.sqlite (or under ~/.local/share).",
        valueName: "path"))
    var spool: String?

    @Option(name: .long, help: ArgumentHelp(
        "With a ClickHouse store: the most the spool may hold before commits wait for it to drain (e.g. 512MiB, 2GiB).",
        valueName: "size"))
    var spoolMax: String = StoreOptions.defaultSpoolMax

    /// The spool's bound unless told otherwise.
    static let defaultSpoolMax = "1GiB"

    /// The store as chosen by the flag or the environment.
    var location: String { store ?? EmbeddedStore.defaultPath(environment: ProcessInfo.processInfo.environment) }

    /// How to open the store; a bad location becomes a clear message and exit code 2.
    func connection() throws -> StoreConnection {
        do {
            return try StoreLocator.connection(
                location, spool: spool, spoolMax: spoolMax, environment: ProcessInfo.processInfo.environment)
        } catch let e as StoreLocator.Problem {
            throw CLIError("--store: \(e.message)", code: 2)
        }
    }

    /// Opens the store for writing (ingest); a failure becomes a clear message and exit code 1.
    func openWriter() throws -> any Store { try open(\.openWriter) }

    /// Opens the store for reading; a failure becomes a clear message and exit code 1.
    func open() throws -> any Store { try open(\.openReader) }

    private func open(_ role: KeyPath<StoreConnection, @Sendable () throws -> any Store>) throws -> any Store {
        let c = try connection()
        do {
            return try c[keyPath: role]()
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
