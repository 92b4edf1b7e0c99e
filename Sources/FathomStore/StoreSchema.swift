import FathomCore
import GRDB

/// The schema of the embedded store and its versioned migrations (GRDB `DatabaseMigrator`).
///
/// Version 1 (documented for people in docs/storage.md):
///
/// ```sql
/// meta(key TEXT PRIMARY KEY, value TEXT)                  -- application = fathom, schema_version = 1
/// series(id INTEGER PRIMARY KEY AUTOINCREMENT,            -- ids are never reused, even after reset
///        name TEXT, kind TEXT CHECK(kind IN (count, gauge, distribution, check)),
///        tags TEXT,                                       -- CanonicalTags text: k:v,k:v sorted, escaped
///        function TEXT, version TEXT,                     -- the function/version tags ('' if absent)
///        first_minute INTEGER, last_minute INTEGER,       -- ms, starts of the first/last minute with data
///        UNIQUE(name, kind, tags))
/// rollups(series_id → series, minute INTEGER CHECK(minute % 60000 = 0),
///         blob BLOB,                                      -- Rollup.serialized()
///         PRIMARY KEY(series_id, minute)) WITHOUT ROWID
/// invocations(id INTEGER PRIMARY KEY, request_id, function, version, stream TEXT,
///             start_ms, end_ms INTEGER, duration_ms, billed_ms, memory_mb, max_memory_mb,
///             init_ms, restore_ms REAL NULL, status TEXT, error_type TEXT NULL, xray TEXT NULL,
///             correlation_ids TEXT,                       -- IDList text: sorted ids, ',' separated, escaped
///             line_count INTEGER CHECK(>= 0),
///             chunk_id INTEGER NULL, chunk_offset INTEGER NULL, -- where its lines are in line_chunks; NULL: none, or dropped
///             raw_size INTEGER CHECK(>= 0))               -- bytes of the lines before compression
/// line_chunks(id INTEGER PRIMARY KEY, data BLOB,          -- zlib of the lines of many invocations (~256 KiB raw)
///             raw_size INTEGER, newest_start INTEGER)     -- see LineChunks for why
///   INDEX(request_hash), INDEX(start_ms)      -- request_hash: FNV-1a 64 of request_id; an 8-byte key
///                                              -- keeps the randomly-inserted index small
/// links(link_id TEXT, kind INTEGER CHECK(kind IN (1 = correlation, 2 = xray)), invocation INTEGER,
///       PRIMARY KEY(link_id, kind, invocation)) WITHOUT ROWID
///   -- invocations.id, without a declared foreign key: the table is indexed in the id → invocations
///   -- direction only; an invocation's own ids are its correlation_ids and xray columns (an index
///   -- on links(invocation) made commits markedly slower)
/// quarantine(id INTEGER PRIMARY KEY, reason, source TEXT, line, byte_offset INTEGER,
///            detail, excerpt TEXT, ingested_at INTEGER)  INDEX(source, line), INDEX(reason, source, line)
/// sources(fingerprint INTEGER,                            -- FNV-1a 64 bit pattern, as a signed integer
///         fingerprint_length INTEGER CHECK(1...4096), path TEXT, byte_offset, lines, updated_at INTEGER,
///         PRIMARY KEY(fingerprint_length, fingerprint)) WITHOUT ROWID
/// ```
///
/// Version 2 (the daemon):
///
/// ```sql
/// ALTER TABLE sources ADD device INTEGER NULL, inode INTEGER NULL  -- the file a checkpoint was read from
/// ingest_state(name TEXT PRIMARY KEY, state BLOB, updated_at INTEGER)  -- Ingestor.savedState(): invocations
///                                                        -- in flight and counters, committed with the checkpoints
/// ```
///
/// Version 3 (alert rules):
///
/// ```sql
/// alert_state(group_name, fingerprint TEXT,               -- AlertSnapshot.fingerprint: FNV-1a 64 of the labels, hex
///             rule TEXT, labels, annotations TEXT,        -- CanonicalTags text
///             state TEXT CHECK(IN (inactive, pending, firing)),
///             active_since, firing_since, keep_firing_since INTEGER NULL, value REAL NULL,
///             evaluated_at INTEGER,
///             PRIMARY KEY(group_name, fingerprint)) WITHOUT ROWID  -- the current state: one row per instance
/// alert_transitions(id INTEGER PRIMARY KEY, time INTEGER, group_name, rule, labels TEXT,
///                   from_state, to_state TEXT, value REAL NULL)  INDEX(time)
///   -- the history, bounded: only the newest 10 000 rows are kept
/// ```
///
/// Version 4 (the spool of a store that sends to a remote engine; the spool file is a Fathom
/// store of its own, whose `sources` and `ingest_state` hold the checkpoints of its writer):
///
/// ```sql
/// spool_batches(seq INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: a flight's id is its first seq
///               data BLOB,                               -- BatchCodec.encode(batch)
///               bytes INTEGER, committed_at INTEGER)     -- length(data); commit time
/// spool_flight(id INTEGER PRIMARY KEY CHECK(id = 1),      -- at most one row: the flight being sent,
///              first INTEGER, last INTEGER)              -- spool_batches first...last
/// meta: writer_id = 16 random lowercase hex characters, made once (the spool's identity remotely)
/// ```
///
/// Every time is milliseconds since the Unix epoch. The file's `PRAGMA application_id` is
/// ``applicationID`` so that a foreign SQLite file is refused before anything is written to it.
enum StoreSchema {
    /// The schema version this build writes and reads.
    static let version = 4
    /// `PRAGMA application_id` of Fathom stores: "FATH" in ASCII.
    static let applicationID: Int32 = 0x4641_5448

    /// The migrations, oldest first. Never edit a registered migration: add a new one, and bump
    /// ``version`` (which the new migration writes into `meta`).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(
                sql: """
                    CREATE TABLE meta (
                        key TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    ) WITHOUT ROWID;
                    INSERT INTO meta (key, value) VALUES ('application', 'fathom'), ('schema_version', '1');

                    CREATE TABLE series (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('count', 'gauge', 'distribution', 'check')),
                        tags TEXT NOT NULL,
                        function TEXT NOT NULL,
                        version TEXT NOT NULL,
                        first_minute INTEGER NOT NULL,
                        last_minute INTEGER NOT NULL,
                        UNIQUE (name, kind, tags)
                    );
                    CREATE INDEX series_by_function ON series (function, version);

                    CREATE TABLE rollups (
                        series_id INTEGER NOT NULL REFERENCES series (id),
                        minute INTEGER NOT NULL CHECK (minute % 60000 = 0),
                        blob BLOB NOT NULL,
                        PRIMARY KEY (series_id, minute)
                    ) WITHOUT ROWID;

                    CREATE TABLE invocations (
                        id INTEGER PRIMARY KEY,
                        request_id TEXT NOT NULL,
                        request_hash INTEGER NOT NULL,
                        function TEXT NOT NULL,
                        version TEXT NOT NULL,
                        stream TEXT NOT NULL,
                        start_ms INTEGER NOT NULL,
                        end_ms INTEGER NOT NULL,
                        duration_ms REAL,
                        billed_ms REAL,
                        memory_mb REAL,
                        max_memory_mb REAL,
                        init_ms REAL,
                        restore_ms REAL,
                        status TEXT NOT NULL,
                        error_type TEXT,
                        xray TEXT,
                        correlation_ids TEXT NOT NULL,
                        line_count INTEGER NOT NULL CHECK (line_count >= 0),
                        chunk_id INTEGER,
                        chunk_offset INTEGER,
                        raw_size INTEGER NOT NULL CHECK (raw_size >= 0)
                    );
                    CREATE TABLE line_chunks (
                        id INTEGER PRIMARY KEY,
                        data BLOB NOT NULL,
                        raw_size INTEGER NOT NULL CHECK (raw_size >= 0),
                        newest_start INTEGER NOT NULL
                    );
                    CREATE INDEX line_chunks_by_age ON line_chunks (newest_start);
                    CREATE INDEX invocations_by_request ON invocations (request_hash);
                    CREATE INDEX invocations_by_start ON invocations (start_ms);

                    CREATE TABLE links (
                        link_id TEXT NOT NULL,
                        kind INTEGER NOT NULL CHECK (kind IN (1, 2)),
                        invocation INTEGER NOT NULL,
                        PRIMARY KEY (link_id, kind, invocation)
                    ) WITHOUT ROWID;

                    CREATE TABLE quarantine (
                        id INTEGER PRIMARY KEY,
                        reason TEXT NOT NULL,
                        source TEXT NOT NULL,
                        line INTEGER NOT NULL,
                        byte_offset INTEGER NOT NULL,
                        detail TEXT NOT NULL,
                        excerpt TEXT NOT NULL,
                        ingested_at INTEGER NOT NULL
                    );
                    CREATE INDEX quarantine_by_position ON quarantine (source, line);
                    CREATE INDEX quarantine_by_reason ON quarantine (reason, source, line);

                    CREATE TABLE sources (
                        fingerprint INTEGER NOT NULL,
                        fingerprint_length INTEGER NOT NULL CHECK (fingerprint_length BETWEEN 1 AND 4096),
                        path TEXT NOT NULL,
                        byte_offset INTEGER NOT NULL,
                        lines INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        PRIMARY KEY (fingerprint_length, fingerprint)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    ALTER TABLE sources ADD COLUMN device INTEGER;
                    ALTER TABLE sources ADD COLUMN inode INTEGER;
                    CREATE INDEX sources_by_file ON sources (device, inode);
                    CREATE TABLE ingest_state (
                        name TEXT PRIMARY KEY NOT NULL,
                        state BLOB NOT NULL,
                        updated_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    UPDATE meta SET value = '2' WHERE key = 'schema_version';
                    """)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(
                sql: """
                    CREATE TABLE alert_state (
                        group_name TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        labels TEXT NOT NULL,
                        annotations TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('inactive', 'pending', 'firing')),
                        active_since INTEGER,
                        firing_since INTEGER,
                        keep_firing_since INTEGER,
                        value REAL,
                        evaluated_at INTEGER NOT NULL,
                        PRIMARY KEY (group_name, fingerprint)
                    ) WITHOUT ROWID;
                    CREATE TABLE alert_transitions (
                        id INTEGER PRIMARY KEY,
                        time INTEGER NOT NULL,
                        group_name TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        labels TEXT NOT NULL,
                        from_state TEXT NOT NULL,
                        to_state TEXT NOT NULL,
                        value REAL
                    );
                    CREATE INDEX alert_transitions_by_time ON alert_transitions (time);
                    UPDATE meta SET value = '3' WHERE key = 'schema_version';
                    """)
        }
        migrator.registerMigration("v4") { db in
            try db.execute(
                sql: """
                    CREATE TABLE spool_batches (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        data BLOB NOT NULL,
                        bytes INTEGER NOT NULL CHECK (bytes >= 0),
                        committed_at INTEGER NOT NULL
                    );
                    CREATE TABLE spool_flight (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        first INTEGER NOT NULL,
                        last INTEGER NOT NULL
                    );
                    INSERT INTO meta (key, value) VALUES ('writer_id', lower(hex(randomblob(8))));
                    UPDATE meta SET value = '4' WHERE key = 'schema_version';
                    """)
        }
        return migrator
    }

    /// The tables that hold data, children first (the order `reset` deletes them in).
    static let dataTables = [
        "links", "invocations", "line_chunks", "rollups", "series", "quarantine", "sources", "ingest_state",
        "alert_state", "alert_transitions", "spool_flight", "spool_batches",
    ]

    /// The columns of `invocations` that make an `Invocation`, in the order `EmbeddedStore`
    /// decodes them.
    static let invocationColumns = """
        id, request_id, function, version, stream, start_ms, end_ms, duration_ms, billed_ms, memory_mb,
        max_memory_mb, init_ms, restore_ms, status, error_type, xray, correlation_ids, line_count, chunk_id, chunk_offset,
        raw_size
        """

    /// `invocations.request_hash`: FNV-1a 64 of the request id, as SQLite's signed integer.
    static func requestHash(_ id: String) -> Int64 {
        Int64(bitPattern: Fingerprint.of(id.utf8))
    }

    /// `links.kind` of a correlation id.
    static let correlationLink: Int64 = 1
    /// `links.kind` of an X-Ray trace id.
    static let xrayLink: Int64 = 2
}
