import ArgumentParser
import FathomCore
import FathomStore

/// `--from`, `--to`, `--step`: absolute (RFC 3339, a date, an epoch) or relative (`-1h`, `now`).
/// Without them a command covers all the data in the store.
struct TimeRangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Start of the range: RFC 3339, a date, an epoch, or relative like -1h.", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("End of the range (exclusive), same forms as --from.", valueName: "time"))
    var to: String?

    /// The range in ms, defaulting to the data in `store`; nil when the store is empty and nothing was given.
    func resolve(store: any Store) throws -> (from: Int64, to: Int64)? {
        let data = try store.dataRange()
        do {
            return try TimeSpec.range(from: from, to: to, data: data, now: nowMillis())
        } catch {
            throw CLIError("\(error)", code: 2)
        }
    }
}
