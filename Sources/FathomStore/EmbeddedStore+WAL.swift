import GRDB

extension EmbeddedStore {
    /// Stops this connection from checkpointing the WAL after its commits (a checkpoint copies the
    /// WAL into the database file and can take seconds on a large store, stalling the commit that
    /// triggered it). Whoever calls this runs `checkpointWAL()` from another connection instead.
    public func disableAutoCheckpoint() throws {
        try guarded {
            try dbQueue.inDatabase { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
    }

    /// Copies what it can of the WAL into the database file without waiting for, or blocking,
    /// writers (`PRAGMA wal_checkpoint(PASSIVE)`). Returns the WAL's size in pages and how many of
    /// them are now checkpointed.
    @discardableResult
    public func checkpointWAL() throws -> (walPages: Int, checkpointed: Int) {
        try guarded {
            try dbQueue.inDatabase { db in
                let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
                return (row?[1] ?? 0, row?[2] ?? 0)
            }
        }
    }
}
