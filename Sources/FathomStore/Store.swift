import FathomCore

/// What every Fathom store does, whichever engine holds the data: the embedded SQLite file
/// (``EmbeddedStore``) or a ClickHouse server or cluster (`ClickHouseStore`). Every command
/// (`ingest`, `daemon`, `functions`, `query`, `trace`, `compare`, `alerts`, `dashboard`,
/// `status`) talks to a store only through this protocol; `StoreConformanceTests` runs the same
/// cases against both.
///
/// Every method is synchronous and may block (on a lock, a disk or the network); call it from a
/// thread that may block, not from an event loop. Times are milliseconds since the Unix epoch.
public protocol Store: MetricReader, AnyObject, Sendable {
    /// Where the store is, for messages: a file path, or a URL without its password.
    var location: String { get }

    // MARK: Writing

    /// Stores `batch` so that its data and its checkpoints never disagree: after a crash at any
    /// point, either both are stored or neither is (see each engine for how). `now` stamps
    /// quarantined lines and checkpoints.
    func commit(_ batch: IngestBatch, now: Int64) throws
    /// Waits until everything committed is queryable (a no-op for the embedded store; a
    /// ClickHouse store drains its spool). Throws when that cannot happen, saying what is left.
    func flush() throws
    /// Deletes every series, rollup, invocation, quarantined line, checkpoint and alert state
    /// (`ingest --replay`); the schema stays.
    func reset() throws
    /// Drops the log lines of invocations that started before `linesOlderThan`; returns how many
    /// lost their lines, or nil when the engine cannot count them.
    @discardableResult
    func applyRetention(linesOlderThan: Int64) throws -> Int?

    // MARK: Checkpoints and ingest state (of this writer)

    /// The checkpoint of the source whose first decoded bytes are `prefix`, if seen before.
    func checkpoint(forPrefix prefix: [UInt8], file: FileID?) throws -> SourceCheckpoint?
    /// The ingestor state committed last (`Ingestor.savedState()`), if any.
    func ingestState() throws -> [UInt8]?
    /// Every stored source checkpoint, sorted by path, then fingerprint length and value.
    func sources() throws -> [SourceCheckpoint]

    // MARK: Reading

    /// The span with metric data, `[first minute, last minute + 60 000)`, Fathom's own
    /// `fathom.*` series counting only when there is nothing else; nil when empty.
    func dataRange() throws -> (from: Int64, to: Int64)?
    /// Calls `body` with every series and all its minute rollups, one series at a time.
    func forEachSeriesRollups(_ body: (SeriesKey, [Int64: Rollup]) throws -> Void) throws
    /// The invocations `id` (a request, correlation or X-Ray trace id) leads to, for `fathom trace`,
    /// sorted by start then request id, with their log lines.
    func invocations(linkedTo id: String) throws -> [Invocation]
    /// The invocations with request id `requestID`, sorted by start.
    func invocation(requestID: String) throws -> [Invocation]
    /// Quarantined lines, at most `limit`, of one reason or all, by source then line.
    func quarantine(limit: Int, reason: QuarantineReason?) throws -> [QuarantineEntry]
    /// How many lines were quarantined for each reason, sorted by reason, zeros left out.
    func quarantineCounts() throws -> [(QuarantineReason, Int)]
    /// Row counts and size.
    func stats() throws -> StoreStats

    // MARK: Alerts

    /// Saves the current alert instances (replacing all, or upserting) and appends transitions.
    func saveAlerts(snapshots: [AlertSnapshot], transitions: [AlertTransition], replacing: Bool) throws
    /// The saved alert instances, sorted by group, rule, then labels.
    func alertSnapshots() throws -> [AlertSnapshot]
    /// The latest evaluation time among the saved instances.
    func alertsEvaluatedThrough() throws -> Int64?
    /// Saved transitions, newest first, at most `limit`, at or after `since`.
    func alertTransitions(limit: Int, since: Int64?) throws -> [AlertTransition]

    // MARK: Health

    /// The state of the local spool of a store that has one (nil for the embedded store).
    func spoolStatus() -> SpoolStatus?
}

extension Store {
    /// ``checkpoint(forPrefix:file:)`` without a file identity.
    public func checkpoint(forPrefix prefix: [UInt8]) throws -> SourceCheckpoint? {
        try checkpoint(forPrefix: prefix, file: nil)
    }

    /// ``alertTransitions(limit:since:)`` with the newest 100.
    public func alertTransitions(limit: Int = 100, since: Int64? = nil) throws -> [AlertTransition] {
        try alertTransitions(limit: limit, since: since)
    }

    /// ``saveAlerts(snapshots:transitions:replacing:)`` replacing every instance.
    public func saveAlerts(snapshots: [AlertSnapshot], transitions: [AlertTransition]) throws {
        try saveAlerts(snapshots: snapshots, transitions: transitions, replacing: true)
    }
}

/// The backlog of a store that queues batches locally before a remote engine has them.
public struct SpoolStatus: Sendable, Equatable {
    /// Batches waiting, and their encoded size.
    public var batches: Int
    public var bytes: Int64
    /// The size the spool may reach before `commit` waits for room.
    public var maxBytes: Int64
    /// When the oldest waiting batch was committed (nil: none waiting).
    public var oldestCommittedAt: Int64?
    /// Whether the last attempt to send reached the engine.
    public var connected: Bool
    /// The last failure to send, for people.
    public var lastError: String?
    /// Batches and rows sent since start, and failed attempts.
    public var sentBatches: Int
    public var sentRows: Int
    public var failedAttempts: Int

    public init(
        batches: Int = 0, bytes: Int64 = 0, maxBytes: Int64 = 0, oldestCommittedAt: Int64? = nil, connected: Bool = true,
        lastError: String? = nil, sentBatches: Int = 0, sentRows: Int = 0, failedAttempts: Int = 0
    ) {
        self.batches = batches
        self.bytes = bytes
        self.maxBytes = maxBytes
        self.oldestCommittedAt = oldestCommittedAt
        self.connected = connected
        self.lastError = lastError
        self.sentBatches = sentBatches
        self.sentRows = sentRows
        self.failedAttempts = failedAttempts
    }
}
