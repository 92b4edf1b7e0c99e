import FathomCore
import FathomStore

extension DaemonStatus {
    /// The status as JSON: what `/api/v1/status` answers and `fathom status --output json` prints.
    public func json() -> String {
        var w = JSONWriter(pretty: true)
        w.beginObject()
        w.key("ready"); w.bool(ready)
        w.field("reason", readyReason)
        w.field("started_at_ms", startedMillis)
        w.key("last_commit_at_ms")
        if let t = lastCommitMillis { w.integer(t) } else { w.null() }
        w.field("commits", Int64(commits))
        w.field("commit_failures", Int64(commitFailures))
        w.field("lines", Int64(stats.lines))
        w.field("bytes", stats.bytes)
        w.field("invocations", Int64(stats.invocations))
        w.field("incomplete_invocations", Int64(stats.incompleteInvocations))
        w.field("metric_samples", Int64(stats.metricSamples))
        w.field("quarantined", Int64(stats.quarantinedTotal))
        w.key("quarantined_by_reason")
        w.beginObject()
        for (r, n) in stats.quarantined.sorted(by: { $0.key < $1.key }) { w.field(r.rawValue, Int64(n)) }
        w.endObject()
        w.field("files_watched", Int64(filesWatched))
        w.field("files_open", Int64(filesOpen))
        w.field("streams", Int64(streams))
        w.field("in_flight", Int64(inFlight))
        w.field("series", Int64(series))
        w.key("ingest_lag_seconds")
        w.beginObject()
        w.field("p50", lag.quantile(0.5))
        w.field("p99", lag.quantile(0.99))
        w.field("count", Int64(lagCount))
        w.endObject()
        w.field("resident_bytes", residentBytes)
        w.key("file_events")
        w.beginObject()
        for (k, n) in fileEvents.sorted(by: { $0.key < $1.key }) { w.field(k, Int64(n)) }
        w.endObject()
        w.key("caps")
        w.beginObject()
        for (k, n) in caps.sorted(by: { $0.key < $1.key }) { w.field(k, Int64(n)) }
        w.endObject()
        if let spool {
            w.key("spool")
            w.beginObject()
            w.field("batches", Int64(spool.batches))
            w.field("bytes", spool.bytes)
            w.field("max_bytes", spool.maxBytes)
            w.field("oldest_seconds", spoolOldestSeconds)
            w.key("connected"); w.bool(spool.connected)
            w.key("last_error")
            if let e = spool.lastError { w.string(e) } else { w.null() }
            w.field("sent_batches", Int64(spool.sentBatches))
            w.field("sent_rows", Int64(spool.sentRows))
            w.field("failed_attempts", Int64(spool.failedAttempts))
            w.endObject()
        }
        w.key("problems")
        w.beginArray()
        for p in problems { w.string(p) }
        w.endArray()
        w.endObject()
        return w.text + "\n"
    }

    /// The status as aligned `name  value` lines, for people.
    public func table() -> String {
        var rows: [(String, String)] = [
            fromStore ? ("state", "as the last daemon committed it to the store")
                : ("ready", ready ? "yes" : "no (\(readyReason))"),
            ("lines", "\(stats.lines)"),
            ("bytes", "\(stats.bytes)"),
            ("invocations", "\(stats.invocations) (+\(stats.incompleteInvocations) incomplete)"),
            ("in flight", "\(inFlight)"),
            ("metric samples", "\(stats.metricSamples)"),
            ("quarantined", "\(stats.quarantinedTotal)"),
            fromStore ? ("sources checkpointed", "\(filesWatched)") : ("files watched", "\(filesWatched) (\(filesOpen) open)"),
            ("streams", "\(streams)"),
            ("series", "\(series)"),
        ]
        if !fromStore { rows.append(("commits", "\(commits) (\(commitFailures) failed)")) }
        if lagCount > 0 {
            let p50 = NumberFormat.fixed(lag.quantile(0.5) ?? 0, 3)
            let p99 = NumberFormat.fixed(lag.quantile(0.99) ?? 0, 3)
            rows.append(("ingest lag", "p50 \(p50) s, p99 \(p99) s"))
        }
        if let spool {
            let mib = { (b: Int64) in NumberFormat.fixed(Double(b) / 1_048_576, 1) }
            var text = "\(spool.batches) batches waiting (\(mib(spool.bytes)) of \(mib(spool.maxBytes)) MiB)"
            if spool.batches > 0 { text += ", oldest \(NumberFormat.fixed(spoolOldestSeconds, 1)) s" }
            rows.append(("spool", text))
            rows.append(("remote store", spool.connected ? "reachable" : "unreachable: \(spool.lastError ?? "unknown error")"))
            rows.append(("sent", "\(spool.sentBatches) batches, \(spool.sentRows) rows (\(spool.failedAttempts) failed attempts)"))
        }
        if residentBytes > 0 { rows.append(("memory", "\(residentBytes / 1_048_576) MiB resident")) }
        for (k, n) in fileEvents.sorted(by: { $0.key < $1.key }) { rows.append(("files: \(k)", "\(n)")) }
        for (k, n) in stats.quarantined.sorted(by: { $0.key < $1.key }) { rows.append(("quarantined: \(k.rawValue)", "\(n)")) }
        for p in problems { rows.append(("problem", p)) }
        return Self.aligned(rows)
    }

    /// `name  value` lines with the values in one column.
    public static func aligned(_ rows: [(String, String)]) -> String {
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1 }.joined(separator: "\n") + "\n"
    }

    /// What the store says of the last daemon run: its counters and invocations in flight, as
    /// committed with its last checkpoints.
    public static func fromStore(_ store: any Store, now: Int64) throws -> DaemonStatus {
        var s = DaemonStatus()
        s.readyReason = "read from the store (no daemon asked)"
        s.fromStore = true
        s.series = try store.series(named: nil).count
        if let state = try store.ingestState() {
            var ing = Ingestor(config: IngestConfig())
            try ing.restoreState(state)
            s.stats = ing.stats
            s.inFlight = ing.inFlightCount
            s.streams = ing.streamCount
        }
        s.filesWatched = try store.sources().count
        s.takeSpool(of: store, now: now)
        return s
    }
}
