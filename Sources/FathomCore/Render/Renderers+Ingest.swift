extension Renderers {
    /// What `fathom ingest` prints when it is done: sources read and skipped, lines and bytes,
    /// throughput, invocations (with the incomplete ones and REPORTs without START), functions,
    /// metric samples, plain lines, and the quarantined lines by reason with an explanation
    /// (or `quarantined: none`). `seconds` is the wall time the ingestion took. MB are 10^6 bytes.
    public static func ingestSummary(_ stats: IngestStats, seconds: Double) -> String {
        var rows: [(String, String)] = []
        var sources = String(stats.sources) + " read"
        if stats.skippedSources > 0 { sources += ", " + String(stats.skippedSources) + " skipped (already ingested)" }
        rows.append(("sources", sources))
        var lines = String(stats.lines) + " (" + NumberFormat.megabytes(stats.bytes)
        if stats.blankLines > 0 { lines += ", " + String(stats.blankLines) + " blank" }
        rows.append(("lines", lines + ")"))
        if stats.envelopeEvents > 0 || stats.controlMessages > 0 {
            rows.append(
                ("envelope events", String(stats.envelopeEvents) + " (" + plural(stats.controlMessages, "control message") + " skipped)"))
        }
        var speed = NumberFormat.fixed(seconds, 2) + " s"
        if seconds > 0 { speed += ", " + NumberFormat.fixed(Double(stats.bytes) / 1_000_000 / seconds, 2) + " MB/s" }
        rows.append(("time", speed))
        var invocations = String(stats.invocations)
        var notes: [String] = []
        if stats.incompleteInvocations > 0 { notes.append(String(stats.incompleteInvocations) + " incomplete") }
        if stats.reportsWithoutStart > 0 { notes.append(String(stats.reportsWithoutStart) + " REPORT without START") }
        if stats.evictedInvocations > 0 {
            notes.append(String(stats.evictedInvocations) + " handed out early: too many in flight")
        }
        if !notes.isEmpty { invocations += " (" + notes.joined(separator: ", ") + ")" }
        rows.append(("invocations", invocations))
        let functions = stats.functions.sorted()
        var fn = String(functions.count)
        if !functions.isEmpty && functions.count <= 5 { fn += " (" + functions.joined(separator: ", ") + ")" }
        rows.append(("functions", fn))
        rows.append(("metric samples", String(stats.metricSamples)))
        rows.append(("plain lines", String(stats.plainLines)))
        rows.append(("quarantined", stats.quarantinedTotal == 0 ? "none" : String(stats.quarantinedTotal)))

        let width = rows.map { $0.0.count }.max() ?? 0
        var out = ""
        for (label, value) in rows {
            out += label + ":" + String(repeating: " ", count: width - label.count + 2) + value + "\n"
        }
        if stats.quarantinedTotal > 0 {
            var t = TextTable([.init("REASON"), .init("COUNT", .right), .init("EXPLANATION")])
            for (reason, n) in stats.quarantined.sorted(by: { $0.key < $1.key }) where n > 0 {
                t.add([reason.rawValue, String(n), reason.explanation])
            }
            for line in t.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                out += "  " + line + "\n"
            }
            out += "  (see them with: fathom quarantine)\n"
        }
        return out
    }
}
