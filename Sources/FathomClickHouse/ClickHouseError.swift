/// What can go wrong talking to ClickHouse, with the server's own message where there is one.
public enum ClickHouseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `clickhouse://` URL that cannot be used (the text is shown without its password).
    case badURL(String, reason: String)
    /// The server answered with an error (an SQL error, a missing table, …): its code and message.
    case server(code: Int, message: String)
    /// The server could not be reached (refused, timed out, reset); `url` has no password.
    case unreachable(url: String, reason: String)
    /// The server answered something this version cannot read.
    case badResponse(String)
    /// The database holds a Fathom schema newer than this version knows.
    case newerSchema(location: String, found: Int, supported: Int)

    public var description: String {
        switch self {
        case .badURL(let url, let reason): return "bad ClickHouse URL \(url): \(reason)"
        case .server(let code, let message): return "ClickHouse error \(code): \(message)"
        case .unreachable(let url, let reason): return "cannot reach ClickHouse at \(url): \(reason)"
        case .badResponse(let detail): return "unexpected answer from ClickHouse: \(detail)"
        case .newerSchema(let location, let found, let supported):
            return "the ClickHouse database \(location) has Fathom schema version \(found), newer than the "
                + "\(supported) this fathom supports: upgrade fathom or use another database"
        }
    }
}
