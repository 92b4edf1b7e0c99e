import GRDB

/// What can go wrong with the embedded store that a user can cause or fix: each value names the
/// database path and says what happened, so that `fathom` can print it as it is.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder that should hold the database could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// The file could not be opened or created (missing permission, a folder in its place …).
    case cannotOpen(path: String, reason: String)
    /// The file exists but is not an SQLite database.
    case notADatabase(path: String)
    /// The file is an SQLite database, but not one that Fathom made.
    case notAFathomDatabase(path: String)
    /// The database was written by a newer Fathom, with a schema this version does not know.
    case newerSchema(path: String, found: Int, supported: Int)
    /// The database or its folder is read-only.
    case readOnly(path: String)
    /// Another process held the database locked for longer than the busy timeout.
    case busy(path: String)
    /// The disk is full.
    case diskFull(path: String)
    /// Stored data could not be decoded (a damaged file, or a bug).
    case corrupt(path: String, detail: String)
    /// Any other SQLite failure.
    case database(path: String, reason: String)

    /// A sentence for people, naming the database file.
    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            return "cannot create the folder for the store \(path): \(reason)"
        case .cannotOpen(let path, let reason):
            return "cannot open the store \(path): \(reason)"
        case .notADatabase(let path):
            return "\(path) is not an SQLite database (point FATHOM_STORE at another file)"
        case .notAFathomDatabase(let path):
            return "\(path) is an SQLite database that Fathom did not create; refusing to write to it"
        case .newerSchema(let path, let found, let supported):
            return "the store \(path) has schema version \(found), newer than the \(supported) this fathom "
                + "supports: upgrade fathom or use another store"
        case .readOnly(let path):
            return "the store \(path) is read-only (check the permissions of the file and its folder)"
        case .busy(let path):
            return "the store \(path) is locked by another process; try again when it has finished"
        case .diskFull(let path):
            return "the disk holding the store \(path) is full"
        case .corrupt(let path, let detail):
            return "the store \(path) holds data that cannot be read: \(detail)"
        case .database(let path, let reason):
            return "store \(path): \(reason)"
        }
    }

    /// Maps an SQLite error to the matching store error.
    static func from(_ error: DatabaseError, path: String) -> StoreError {
        let reason = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_NOTADB: return .notADatabase(path: path)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: return .cannotOpen(path: path, reason: reason)
        case .SQLITE_READONLY: return .readOnly(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path)
        case .SQLITE_FULL: return .diskFull(path: path)
        case .SQLITE_CORRUPT: return .corrupt(path: path, detail: reason)
        default: return .database(path: path, reason: reason)
        }
    }
}
