extension Renderers {
    /// Longest excerpt a table shows, in characters.
    static let tableExcerptLength = 60

    /// `fathom quarantine`: counts per reason, then the entries, sorted by source, line, offset
    /// and reason.
    ///
    /// - table: REASON COUNT EXPLANATION with a total row, a blank line, then SOURCE:LINE REASON
    ///   DETAIL EXCERPT (excerpts cut to 60 characters with `…`; a whole-source entry, line 0,
    ///   shows the source alone); `quarantined: none` when nothing was quarantined.
    /// - json: `{"total": n, "counts": {reason: n}, "entries": [{"source", "line", "offset",
    ///   "reason", "explanation", "detail", "excerpt"}]}`.
    /// - csv: the entries only: `source,line,offset,reason,detail,excerpt`.
    public static func quarantine(
        _ entries: [QuarantineEntry], counts: [(QuarantineReason, Int)], format: OutputFormat
    ) -> String {
        var merged: [QuarantineReason: Int] = [:]
        for (reason, n) in counts where n > 0 { merged[reason, default: 0] += n }
        let counts = merged.sorted { $0.key < $1.key }
        let total = counts.reduce(0) { $0 + $1.value }
        let entries = entries.sorted {
            ($0.source, $0.line, $0.offset, $0.reason.rawValue) < ($1.source, $1.line, $1.offset, $1.reason.rawValue)
        }
        switch format {
        case .table:
            guard total > 0 || !entries.isEmpty else { return "quarantined: none\n" }
            var c = TextTable([.init("REASON"), .init("COUNT", .right), .init("EXPLANATION")])
            for (reason, n) in counts { c.add([reason.rawValue, String(n), reason.explanation]) }
            c.add(["total", String(total)])
            guard !entries.isEmpty else { return c.text + "\nno entries\n" }
            var t = TextTable([.init("SOURCE:LINE"), .init("REASON"), .init("DETAIL"), .init("EXCERPT")])
            for e in entries {
                t.add([
                    e.line > 0 ? e.source + ":" + String(e.line) : e.source, e.reason.rawValue,
                    e.detail.isEmpty ? "-" : e.detail, shorten(TextTable.clean(e.excerpt), to: tableExcerptLength),
                ])
            }
            return c.text + "\n" + t.text
        case .json:
            var w = JSONWriter(pretty: true)
            w.beginObject()
            w.field("total", total)
            w.key("counts")
            w.beginObject()
            for (reason, n) in counts { w.field(reason.rawValue, n) }
            w.endObject()
            w.key("entries")
            w.beginArray()
            for e in entries {
                w.beginObject()
                w.field("source", e.source)
                w.field("line", e.line)
                w.field("offset", e.offset)
                w.field("reason", e.reason.rawValue)
                w.field("explanation", e.reason.explanation)
                w.field("detail", e.detail)
                w.field("excerpt", e.excerpt)
                w.endObject()
            }
            w.endArray()
            w.endObject()
            return finish(w)
        case .csv:
            var c = CSVWriter()
            c.row(["source", "line", "offset", "reason", "detail", "excerpt"])
            for e in entries {
                c.row([e.source, String(e.line), String(e.offset), e.reason.rawValue, e.detail, e.excerpt])
            }
            return c.text
        }
    }

    /// `s` cut to at most `n` characters, the last one `…` when cut.
    static func shorten(_ s: String, to n: Int) -> String {
        guard s.count > n, n > 0 else { return s }
        return String(s.prefix(n - 1)) + "…"
    }
}
