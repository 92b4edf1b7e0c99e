extension Renderers {
    /// `fathom trace`: the invocations linked by `id`, ordered by start (then end, function,
    /// version, request id).
    ///
    /// - table: a heading `trace <id>: N invocations, M functions (a, b), <span> ms`, a waterfall
    ///   (FUNCTION VERSION OFFSET DURATION STATUS COLD and a bar `width` cells wide, drawn with
    ///   `█`/`░`, or `#`/`.` when `ascii`, placing each invocation in the trace's span), then per
    ///   invocation a heading `── <function> <version> <request id> (<status>)` and its log lines
    ///   indented by two spaces. With no invocation: `no invocation is linked to <id>`.
    /// - json: `{"id", "start", "span_ms", "spans": [{"function", "version", "request_id",
    ///   "stream", "start" (RFC 3339 with ms), "offset_ms", "duration_ms", "billed_duration_ms",
    ///   "init_duration_ms", "memory_size_mb", "max_memory_used_mb", "status", "cold_start",
    ///   "error_type", "xray_trace_id", "correlation_ids", "lines"}]}`, `lines` one string per log
    ///   line without its line end.
    /// - csv: one row per invocation (no log lines): `function,version,request_id,start,offset_ms,
    ///   duration_ms,status,cold_start,error_type,xray_trace_id,correlation_ids,line_count`, the
    ///   correlation ids separated by spaces.
    public static func trace(
        id: String, _ invocations: [Invocation], format: OutputFormat, width: Int = 40, ascii: Bool = false
    ) -> String {
        let spans = invocations.sorted {
            ($0.start, $0.end, $0.function, $0.version, $0.requestID)
                < ($1.start, $1.end, $1.function, $1.version, $1.requestID)
        }
        let traceStart = spans.map(\.start).min() ?? 0
        let traceEnd = spans.map(effectiveEnd).max() ?? 0
        switch format {
        case .table:
            return traceTable(id: id, spans, start: traceStart, end: traceEnd, width: width, ascii: ascii)
        case .json:
            var w = JSONWriter(pretty: true)
            w.beginObject()
            w.field("id", id)
            if spans.isEmpty { w.key("start"); w.null() } else { w.field("start", TimestampParser.formatMillis(traceStart)) }
            w.field("span_ms", traceEnd - traceStart)
            w.key("spans")
            w.beginArray()
            for inv in spans {
                w.beginObject()
                w.field("function", inv.function)
                w.field("version", inv.version)
                w.field("request_id", inv.requestID)
                w.field("stream", inv.stream)
                w.field("start", TimestampParser.formatMillis(inv.start))
                w.field("offset_ms", inv.start - traceStart)
                w.field("duration_ms", inv.durationMs)
                w.field("billed_duration_ms", inv.billedDurationMs)
                w.field("init_duration_ms", inv.initDurationMs)
                w.field("memory_size_mb", inv.memorySizeMB)
                w.field("max_memory_used_mb", inv.maxMemoryUsedMB)
                w.field("status", inv.status.rawValue)
                w.field("cold_start", inv.isColdStart)
                w.key("error_type")
                if let e = inv.errorType { w.string(e) } else { w.null() }
                w.key("xray_trace_id")
                if let x = inv.xrayTraceID { w.string(x) } else { w.null() }
                w.key("correlation_ids")
                w.beginArray()
                for c in inv.correlationIDs { w.string(c) }
                w.endArray()
                w.key("lines")
                w.beginArray()
                for line in logLines(inv.lines) { w.string(line) }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.endObject()
            return finish(w)
        case .csv:
            var c = CSVWriter()
            c.row([
                "function", "version", "request_id", "start", "offset_ms", "duration_ms", "status", "cold_start",
                "error_type", "xray_trace_id", "correlation_ids", "line_count",
            ])
            for inv in spans {
                c.row([
                    inv.function, inv.version, inv.requestID, TimestampParser.formatMillis(inv.start),
                    String(inv.start - traceStart), csvNumber(inv.durationMs), inv.status.rawValue,
                    inv.isColdStart ? "true" : "false", inv.errorType ?? "", inv.xrayTraceID ?? "",
                    inv.correlationIDs.joined(separator: " "), String(logLines(inv.lines).count),
                ])
            }
            return c.text
        }
    }

    static func traceTable(
        id: String, _ spans: [Invocation], start: Int64, end: Int64, width: Int, ascii: Bool
    ) -> String {
        guard !spans.isEmpty else { return "no invocation is linked to " + id + "\n" }
        let functions = Set(spans.map(\.function)).sorted()
        let total = end - start
        var out = "trace " + TextTable.clean(id) + ": " + plural(spans.count, "invocation") + ", "
            + plural(functions.count, "function") + " (" + functions.joined(separator: ", ") + "), "
            + String(total) + " ms\n"
        var t = TextTable([
            .init("FUNCTION"), .init("VERSION"), .init("OFFSET", .right), .init("DURATION", .right),
            .init("STATUS"), .init("COLD"), .init("TIMELINE"),
        ])
        for inv in spans {
            let offset = inv.start - start
            t.add([
                inv.function, inv.version, "+" + String(offset) + " ms",
                inv.durationMs.map { NumberFormat.fixed($0, 2) + " ms" } ?? "-",
                inv.status.rawValue, inv.isColdStart ? "yes" : "no",
                bar(from: offset, length: effectiveEnd(inv) - inv.start, total: total, width: width, ascii: ascii),
            ])
        }
        out += t.text
        let rule = ascii ? "--" : "──"
        for inv in spans {
            var status = inv.status.rawValue
            if let e = inv.errorType { status += ": " + e }
            let heading = inv.function + " " + inv.version + " " + inv.requestID + " (" + status + ")"
            out += "\n" + rule + " " + TextTable.clean(heading) + "\n"
            let lines = logLines(inv.lines)
            if lines.isEmpty { out += "  (no log lines)\n" }
            for line in lines { out += "  " + line + "\n" }
        }
        return out
    }

    /// The end of an invocation: its `end`, or later when its duration says so.
    static func effectiveEnd(_ inv: Invocation) -> Int64 {
        guard let d = inv.durationMs, d.isFinite, d > 0, d < 1e12 else { return Swift.max(inv.end, inv.start) }
        return Swift.max(inv.end, inv.start + Int64(d.rounded(.up)))
    }

    /// A bar of `width` cells with the cells covering `[from, from + length)` of `[0, total)`
    /// filled (at least one).
    static func bar(from: Int64, length: Int64, total: Int64, width: Int, ascii: Bool) -> String {
        let cells = Swift.max(width, 1)
        let (on, off): (Character, Character) = ascii ? ("#", ".") : ("█", "░")
        guard total > 0 else { return String(repeating: on, count: cells) }
        let scale = Double(cells) / Double(total)
        var a = Int((Double(from) * scale).rounded(.down))
        a = Swift.min(Swift.max(a, 0), cells - 1)
        var b = Int((Double(from + length) * scale).rounded(.up))
        b = Swift.min(Swift.max(b, a + 1), cells)
        return String(repeating: off, count: a) + String(repeating: on, count: b - a)
            + String(repeating: off, count: cells - b)
    }

    /// The log lines of `bytes` (each ending in `\n`), without their line ends (`\n`, `\r\n`);
    /// invalid UTF-8 is repaired.
    static func logLines(_ bytes: [UInt8]) -> [String] {
        guard !bytes.isEmpty else { return [] }
        var parts = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if bytes.last == 0x0A { parts.removeLast() }
        return parts.map { part in
            let trimmed = part.last == 0x0D ? part.dropLast() : part
            return String(decoding: trimmed, as: UTF8.self)
        }
    }
}
