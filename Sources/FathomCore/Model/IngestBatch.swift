/// What one step of ingestion hands to a store, to be committed in one transaction: the data and
/// the checkpoints of the sources that produced it, so that the two never disagree.
public struct IngestBatch: Sendable {
    /// Completed invocations, with their log lines.
    public var invocations: [Invocation] = []
    /// Per-minute rollups to merge into what the store holds: series → minute start (ms) → rollup.
    public var rollups: [SeriesKey: [Int64: Rollup]] = [:]
    /// Rejected lines.
    public var quarantine: [QuarantineEntry] = []
    /// Where each source stands after this batch.
    public var checkpoints: [SourceCheckpoint] = []
    /// The ingestor's state after this batch (`Ingestor.savedState()`), for a daemon that must
    /// carry invocations in flight across a restart; nil leaves the stored state alone.
    public var state: [UInt8]?

    public init() {}

    public var isEmpty: Bool {
        invocations.isEmpty && rollups.isEmpty && quarantine.isEmpty && checkpoints.isEmpty && state == nil
    }
}
