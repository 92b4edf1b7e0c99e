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

    /// Copies what it can of the WAL into the database file without blocking writers
    /// (`PRAGMA wal_checkpoint(PASSIVE)`); when the WAL has grown past `restartAbovePages`, then
    /// finishes the job with `RESTART` (waiting briefly for the writer), so that the next commit
    /// writes the WAL from its start again. A passive checkpoint alone never lets the WAL restart
    /// while commits keep coming: it grew to 22 GB in the soak. Returns the WAL's size in pages
    /// and how many are checkpointed, after the last step.
    @discardableResult
    public func checkpointWAL(restartAbovePages: Int = 16_384) throws -> (walPages: Int, checkpointed: Int) {
        try guarded {
            try dbQueue.inDatabase { db in
                var row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
                let pages: Int = row?[1] ?? 0
                if pages > restartAbovePages {
                    row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(RESTART)")
                }
                return (row?[1] ?? 0, row?[2] ?? 0)
            }
        }
    }
}
