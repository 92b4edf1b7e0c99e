import FathomCore
import Foundation
import GRDB
import Synchronization

/// Fathom's embedded store: one SQLite file (through GRDB) holding metric series and their
/// per-minute rollups, invocations with their compressed log lines, trace links, quarantined lines
/// and source checkpoints. The schema is described in ``StoreSchema`` and docs/storage.md.
///
/// ## Thread model
/// One GRDB `DatabaseQueue`, i.e. one SQLite connection, serializes every access: each public
/// method is synchronous, blocks its caller while another call runs, and may be called from any
/// thread or task (the class is `Sendable`). Writes run in `BEGIN IMMEDIATE` transactions.
/// The only other mutable state, the in-memory map from series keys to row ids, sits behind a
/// `Mutex` and is updated only after a transaction has committed. Work that needs no database
/// (compressing log lines, serializing rollups) is done before the lock is taken.
///
/// Other processes may open the same file: the database is in WAL mode (readers do not block the
/// writer), `synchronous = NORMAL` (a power cut may lose the last transactions, never corrupt the
/// file), and a writer waits up to 10 s for another's lock before failing with
/// ``StoreError/busy(path:)``. The series-id map assumes that no other process resets the store
/// while this one is open: series ids are never reused, so a stale entry can only miss data.
public final class EmbeddedStore: Sendable {
    /// The database file.
    public let path: String
    let dbQueue: DatabaseQueue
    /// Series key → `series.id`, for the series this instance has written or read.
    let seriesIDs = Mutex<[SeriesKey: Int64]>([:])

    /// Opens the store at `path`, creating its parent folders and the file as needed, and brings
    /// its schema up to date.
    ///
    /// - Throws: ``StoreError`` when the folder cannot be created, the file cannot be opened, is
    ///   not an SQLite database, is an SQLite database of another application, or was written by
    ///   a newer Fathom.
    public init(path: String) throws {
        self.path = path
        try Self.createFolder(of: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError.cannotOpen(path: path, reason: "it is a folder")
        }

        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(10)
        config.label = "fathom.store"
        config.prepareDatabase { db in
            // 8 MiB of page cache; checkpoint the WAL every ~40 MiB rather than every 4 MiB (fewer
            // fsyncs during ingestion), and cut a WAL file left larger than 64 MiB back to that.
            try db.execute(
                sql: """
                    PRAGMA synchronous = NORMAL; PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY;
                    PRAGMA wal_autocheckpoint = 50000; PRAGMA journal_size_limit = 67108864
                    """)
        }
        do {
            dbQueue = try DatabaseQueue(path: path, configuration: config)
            try Self.checkIdentity(dbQueue, path: path)
            try StoreSchema.migrator.migrate(dbQueue)
        } catch let error as DatabaseError {
            throw StoreError.from(error, path: path)
        }
    }

    /// Where the store lives unless the user says otherwise:
    /// 1. `$FATHOM_STORE`, when set and not empty, taken as it is;
    /// 2. else `$XDG_DATA_HOME/fathom/fathom.sqlite`, when `XDG_DATA_HOME` is an absolute path
    ///    (the XDG Base Directory spec says to ignore a relative one);
    /// 3. else `$HOME/.local/share/fathom/fathom.sqlite` (the XDG default), with the user's home
    ///    folder from the system when `HOME` is not set.
    public static func defaultPath(environment: [String: String]) -> String {
        if let explicit = environment["FATHOM_STORE"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return join(xdg, "fathom/fathom.sqlite")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return join(home, ".local/share/fathom/fathom.sqlite")
    }

    private static func join(_ folder: String, _ rest: String) -> String {
        folder.hasSuffix("/") ? folder + rest : folder + "/" + rest
    }

    /// Refuses files that are SQLite databases of someone else, or of a newer Fathom.
    private static func checkIdentity(_ dbQueue: DatabaseQueue, path: String) throws {
        try dbQueue.inDatabase { db in
            let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let tables = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") ?? 0
            if applicationID == 0 && tables == 0 { return }  // a new, empty file
            guard applicationID == StoreSchema.applicationID, try db.tableExists("meta") else {
                throw StoreError.notAFathomDatabase(path: path)
            }
            let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'")
            guard let stored, let version = Int(stored) else { throw StoreError.notAFathomDatabase(path: path) }
            if version > StoreSchema.version {
                throw StoreError.newerSchema(path: path, found: version, supported: StoreSchema.version)
            }
        }
    }

    /// Runs `body`, turning SQLite errors into ``StoreError`` values that name the file.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError.from(error, path: path)
        }
    }

    /// Creates the folders `path` lies in, as needed.
    ///
    /// - Throws: ``StoreError/cannotCreateDirectory(path:reason:)`` with the system's reason.
    static func createFolder(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.cannotCreateDirectory(path: path, reason: reason(of: error))
        }
    }

    private static func reason(of error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain, let text = strerror(Int32(underlying.code))
        {
            return String(cString: text)
        }
        return ns.localizedDescription
    }
}
