/// Counts of what one ingestion did with its input: every line is used, kept as a plain log
/// line, or quarantined with a reason.
public struct IngestStats: Sendable, Equatable {
    public var sources = 0
    public var skippedSources = 0
    public var bytes: Int64 = 0
    /// Physical input lines (LF, CRLF or CR terminated).
    public var lines = 0
    public var blankLines = 0
    /// Log events inside CloudWatch envelopes, and control messages skipped.
    public var envelopeEvents = 0
    public var controlMessages = 0
    /// Lines kept with an invocation (its START to REPORT, or INIT lines before it).
    public var attributedLines = 0
    /// Lines kept as plain text with no invocation (e.g. output after a stream's last REPORT).
    public var plainLines = 0
    public var metricSamples = 0
    /// Completed invocations (with a REPORT), and those whose REPORT never came.
    public var invocations = 0
    public var incompleteInvocations = 0
    /// REPORTs whose START was never seen (counted as invocations too).
    public var reportsWithoutStart = 0
    /// Invocations handed out as incomplete because too many were in flight.
    public var evictedInvocations = 0
    /// Partial last lines read without their newline after an idle timeout (daemon).
    public var flushedPartialLines = 0
    public var quarantined: [QuarantineReason: Int] = [:]
    public var functions: Set<String> = []

    public init() {}

    public var quarantinedTotal: Int { quarantined.values.reduce(0, +) }

    /// Adds another run's counts.
    public mutating func merge(_ o: IngestStats) {
        sources += o.sources; skippedSources += o.skippedSources; bytes += o.bytes; lines += o.lines
        blankLines += o.blankLines; envelopeEvents += o.envelopeEvents; controlMessages += o.controlMessages
        attributedLines += o.attributedLines; plainLines += o.plainLines; metricSamples += o.metricSamples
        invocations += o.invocations; incompleteInvocations += o.incompleteInvocations
        reportsWithoutStart += o.reportsWithoutStart
        evictedInvocations += o.evictedInvocations
        flushedPartialLines += o.flushedPartialLines
        for (k, v) in o.quarantined { quarantined[k, default: 0] += v }
        functions.formUnion(o.functions)
    }
}
