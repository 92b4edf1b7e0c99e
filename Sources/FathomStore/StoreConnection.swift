/// How a process opens its store, whichever the engine: one writer (it commits batches and owns
/// the checkpoints; for ClickHouse it also owns the local spool) and any number of readers (the
/// HTTP API, alert evaluation), which for the embedded store are separate SQLite connections so
/// that reads do not wait behind commits.
public struct StoreConnection: Sendable {
    /// Where the store is, for messages (a path, or a URL without its password).
    public var location: String
    /// Whether the engine is the embedded SQLite file (which has a write-ahead log to checkpoint
    /// and whose history can seed the daemon's cumulative `/metrics` counters).
    public var isEmbedded: Bool
    /// Opens the writer. Call once per process.
    public var openWriter: @Sendable () throws -> any Store
    /// Opens a reader.
    public var openReader: @Sendable () throws -> any Store

    public init(
        location: String, isEmbedded: Bool, openWriter: @escaping @Sendable () throws -> any Store,
        openReader: @escaping @Sendable () throws -> any Store
    ) {
        self.location = location
        self.isEmbedded = isEmbedded
        self.openWriter = openWriter
        self.openReader = openReader
    }

    /// The embedded store at `path`: every open is a new connection to the file.
    public static func embedded(path: String) -> StoreConnection {
        StoreConnection(
            location: path, isEmbedded: true, openWriter: { try EmbeddedStore(path: path) },
            openReader: { try EmbeddedStore(path: path) })
    }
}
