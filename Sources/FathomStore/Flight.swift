import FathomCore

/// Spooled batches on their way to a remote engine, merged into one: the unit the
/// ``SpoolDrainer`` hands to a ``FlightSink``.
///
/// A flight is recorded in the spool before it is sent and forgotten only once the sink has it,
/// so after a crash the same flight — same `writer`, `first`, `last` and content — is sent again.
/// A sink makes that harmless by storing each flight under `(writer, first)` idempotently.
public struct Flight: Sendable {
    /// ``Spool/writerID`` (16 lowercase hex characters): whose spool the flight comes from.
    public var writer: String
    /// The first spool sequence number: the flight's id, stable across re-sends.
    public var first: Int64
    /// The last spool sequence number in the flight.
    public var last: Int64
    /// The batches first...last merged, in sequence order: rollups merged per (series, minute)
    /// with `Rollup.merge`; invocations and quarantined lines concatenated; checkpoints the
    /// newest per source identity (fingerprint length, fingerprint); state the newest non-nil.
    public var batch: IngestBatch
    /// When the newest batch of the flight was committed to the spool (ms).
    public var committedAt: Int64

    public init(writer: String, first: Int64, last: Int64, batch: IngestBatch, committedAt: Int64) {
        self.writer = writer
        self.first = first
        self.last = last
        self.batch = batch
        self.committedAt = committedAt
    }

    /// Rows the flight holds: invocations, rollup minutes and quarantined lines.
    public var rows: Int {
        batch.invocations.count + batch.quarantine.count + batch.rollups.values.reduce(0) { $0 + $1.count }
    }

    /// Merges `batches` (in sequence order) as described at ``batch``.
    static func merge(_ batches: [IngestBatch]) -> IngestBatch {
        var merged = IngestBatch()
        var checkpointIndex: [CheckpointIdentity: Int] = [:]
        for b in batches {
            for (key, minutes) in b.rollups {
                var into = merged.rollups[key] ?? [:]
                for (minute, rollup) in minutes {
                    if var existing = into[minute] {
                        existing.merge(rollup)
                        into[minute] = existing
                    } else {
                        into[minute] = rollup
                    }
                }
                merged.rollups[key] = into
            }
            merged.invocations += b.invocations
            merged.quarantine += b.quarantine
            for c in b.checkpoints {
                let id = CheckpointIdentity(length: c.fingerprintLength, fingerprint: c.fingerprint)
                if let i = checkpointIndex[id] {
                    merged.checkpoints[i] = c
                } else {
                    checkpointIndex[id] = merged.checkpoints.count
                    merged.checkpoints.append(c)
                }
            }
            if let state = b.state { merged.state = state }
        }
        return merged
    }

    private struct CheckpointIdentity: Hashable {
        var length: Int
        var fingerprint: UInt64
    }
}

/// Where a ``SpoolDrainer`` sends flights: a remote engine (`ClickHouseStore`), or a fake in tests.
public protocol FlightSink: Sendable {
    /// Stores `flight` in the remote engine. Must be idempotent: the same flight sent twice is
    /// stored once. Throws on any failure (the drainer retries the same flight).
    func send(_ flight: Flight) throws
}
