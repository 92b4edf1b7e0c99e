import FathomCore
import FathomStore

/// What the daemon knows about itself: the ingestor's counters (lifetime: they are saved with
/// the checkpoints, so they run on across restarts), its files, commits, lag, caps and memory.
/// The tail loop publishes one after every cycle; `/metrics`, `/api/v1/status` and
/// `fathom status` read it.
public struct DaemonStatus: Sendable {
    public var stats = IngestStats()
    public var filesWatched = 0
    public var filesOpen = 0
    public var streams = 0
    public var inFlight = 0
    public var series = 0
    /// File events by kind: opened, resumed, rotated, truncated, deleted, gzip_read, …
    public var fileEvents: [String: Int] = [:]
    /// Times a cap acted, by cap: in_flight (oldest invocation handed out incomplete), series
    /// (a sample went to the `__other__` series), open_files (a read waited for a descriptor).
    public var caps: [String: Int] = [:]
    public var commits = 0
    public var commitFailures = 0
    public var lastCommitMillis: Int64?
    public var lastCommitSeconds = 0.0
    /// Seconds from a file's last write to its data being committed, recent window.
    public var lag = DDSketch()
    public var lagWindowStart: Int64 = 0
    public var lagCount: UInt64 = 0
    public var lagSum = 0.0
    public var residentBytes: Int64 = 0
    public var startedMillis: Int64 = 0
    public var ready = false
    public var readyReason = "starting: first scan not done"
    public var problems: [String] = []
    /// Read from the store (what the last daemon committed), not from a running daemon.
    public var fromStore = false
    /// The newest invocation end committed (event time, ms): how far the data has got, which
    /// drives alert evaluation. Nil until an invocation is committed.
    public var eventWatermark: Int64?
    /// Whether the last cycle found nothing to read after a complete scan: the daemon is caught
    /// up with its files, and time passing without data is real.
    public var caughtUp = false
    /// The local spool of a remote store (ClickHouse): batches waiting to be sent. Nil for the
    /// embedded store, which has none.
    public var spool: SpoolStatus?
    /// Age of the oldest batch in the spool when ``spool`` was taken, in seconds (0: none waiting).
    public var spoolOldestSeconds = 0.0

    public init() {}

    /// Takes the spool state of `store` (nil for a store without one) as of `now` (ms).
    public mutating func takeSpool(of store: any Store, now: Int64) {
        spool = store.spoolStatus()
        spoolOldestSeconds = spool?.oldestCommittedAt.map { Double(max(0, now - $0)) / 1000 } ?? 0
    }

    /// Prometheus families of the daemon's own health (all `fathom_daemon_*`).
    public func render(into w: inout PrometheusWriter, http: [(route: String, status: Int, count: Int)]) {
        func counter(_ name: String, _ help: String, _ value: Int) {
            w.family(name, type: .counter, help: help)
            w.sample(name, value: Double(value))
        }
        func gauge(_ name: String, _ help: String, _ value: Double) {
            w.family(name, type: .gauge, help: help)
            w.sample(name, value: value)
        }
        counter("fathom_daemon_bytes_total", "Bytes read from log sources.", Int(stats.bytes))
        w.family("fathom_daemon_caps_total", type: .counter, help: "Times a memory or file cap acted, by cap.")
        for cap in ["in_flight", "open_files", "series"] {
            w.sample("fathom_daemon_caps_total", labels: [("cap", cap)], value: Double(caps[cap] ?? 0))
        }
        counter("fathom_daemon_checkpoint_commits_total", "Transactions that committed data with its checkpoints.", commits)
        counter("fathom_daemon_commit_failures_total", "Commits that failed (the daemon stops; nothing is lost).", commitFailures)
        gauge("fathom_daemon_commit_seconds", "Duration of the last commit.", lastCommitSeconds)
        w.family("fathom_daemon_file_events_total", type: .counter, help: "File events, by kind.")
        for (kind, n) in fileEvents.sorted(by: { $0.key < $1.key }) {
            w.sample("fathom_daemon_file_events_total", labels: [("event", kind)], value: Double(n))
        }
        gauge("fathom_daemon_files_open", "Files with an open descriptor.", Double(filesOpen))
        gauge("fathom_daemon_files_watched", "Files being read or watched.", Double(filesWatched))
        w.family("fathom_daemon_http_requests_total", type: .counter, help: "HTTP requests, by route and status.")
        for r in http {
            w.sample("fathom_daemon_http_requests_total", labels: [("route", r.route), ("status", String(r.status))],
                     value: Double(r.count))
        }
        gauge("fathom_daemon_in_flight_invocations", "Invocations whose REPORT has not come yet.", Double(inFlight))
        w.family("fathom_daemon_ingest_lag_seconds", type: .summary,
                 help: "Seconds from a file's last write to its data being committed (recent window).")
        if !lag.isEmpty {
            for q in [0.5, 0.9, 0.99] {
                w.sample("fathom_daemon_ingest_lag_seconds", labels: [("quantile", PrometheusWriter.formatValue(q))],
                         value: lag.quantile(q) ?? 0)
            }
        }
        w.sample("fathom_daemon_ingest_lag_seconds_sum", value: lagSum)
        w.sample("fathom_daemon_ingest_lag_seconds_count", value: Double(lagCount))
        counter("fathom_daemon_invocations_total", "Invocations completed (with a REPORT).", stats.invocations)
        counter("fathom_daemon_incomplete_invocations_total", "Invocations handed out without a REPORT.",
                stats.incompleteInvocations)
        counter("fathom_daemon_lines_total", "Lines read from log sources.", stats.lines)
        counter("fathom_daemon_metric_samples_total", "Metric samples read from MONITORING, EMF and JSON lines.",
                stats.metricSamples)
        counter("fathom_daemon_partial_lines_flushed_total", "Last lines read without a newline after the idle timeout.",
                stats.flushedPartialLines)
        w.family("fathom_daemon_quarantined_lines_total", type: .counter, help: "Lines rejected, by reason.")
        for reason in QuarantineReason.allCases.sorted() {
            w.sample("fathom_daemon_quarantined_lines_total", labels: [("reason", reason.rawValue)],
                     value: Double(stats.quarantined[reason] ?? 0))
        }
        gauge("fathom_daemon_ready", "1 when the daemon is ready (first scan done, commits succeed).", ready ? 1 : 0)
        gauge("fathom_daemon_resident_memory_bytes", "Resident memory of the daemon.", Double(residentBytes))
        gauge("fathom_daemon_series", "Metric series the aggregator holds.", Double(series))
        gauge("fathom_daemon_start_time_seconds", "When the daemon started, seconds since the epoch.",
              Double(startedMillis) / 1000)
        gauge("fathom_daemon_streams", "Log streams the ingestor keeps state for.", Double(streams))
        if let spool {
            gauge("fathom_daemon_spool_batches", "Committed batches waiting in the local spool for the remote store.",
                  Double(spool.batches))
            gauge("fathom_daemon_spool_bytes", "Encoded size of the batches waiting in the spool.", Double(spool.bytes))
            gauge("fathom_daemon_spool_max_bytes", "The size at which commits wait for the spool to drain.",
                  Double(spool.maxBytes))
            gauge("fathom_daemon_spool_oldest_seconds", "Age of the oldest batch waiting in the spool (0 when empty).",
                  spoolOldestSeconds)
            gauge("fathom_daemon_remote_store_up", "1 when the last attempt to send to the remote store succeeded.",
                  spool.connected ? 1 : 0)
            counter("fathom_daemon_spool_sent_batches_total", "Spooled batches sent to the remote store.", spool.sentBatches)
            counter("fathom_daemon_spool_sent_rows_total", "Rows sent to the remote store.", spool.sentRows)
            counter("fathom_daemon_spool_send_failures_total", "Failed attempts to send to the remote store.",
                    spool.failedAttempts)
        }
    }
}
