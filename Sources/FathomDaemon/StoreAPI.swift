import FathomAlerts
import FathomConfig
import FathomCore
import FathomHTTP
import FathomStore

/// The daemon behind the HTTP routes: reads go to the store through their own connection (WAL
/// lets them run while the tail loop commits), ingestion goes through the tail loop's inbox and
/// is answered once committed.
final class StoreAPI: DaemonAPI {
    let reader: any Store
    let loop: TailLoop
    let http: HTTPStats
    let clock: @Sendable () -> Int64
    /// The rule evaluator and the notifiers, when the daemon has rules.
    let alerting: AlertService?
    let dispatcher: AlertDispatcher?
    /// Where `GET /dashboards/{name}` finds dashboards: `--dashboards`, then the built-in ones.
    let dashboardCatalog: DashboardCatalog

    init(
        reader: any Store, loop: TailLoop, http: HTTPStats, clock: @escaping @Sendable () -> Int64,
        alerting: AlertService? = nil, dispatcher: AlertDispatcher? = nil, dashboards: String? = nil
    ) {
        self.dashboardCatalog = DashboardCatalog(directories: dashboards.map { [$0] } ?? [])
        self.reader = reader
        self.loop = loop
        self.http = http
        self.clock = clock
        self.alerting = alerting
        self.dispatcher = dispatcher
    }

    private func json(_ text: String) -> APIResponse { APIResponse(status: 200, body: Array(text.utf8)) }

    /// The store's data range, narrowed by `from`/`to` (same forms as the CLI).
    private func range(from: String?, to: String?) throws -> (from: Int64, to: Int64)? {
        try TimeSpec.range(from: from, to: to, data: try reader.dataRange(), now: clock())
    }

    private func failure(_ error: any Error) -> APIResponse {
        if let q = error as? QueryError { return .error(400, q.description) }
        return .error(500, "\(error)")
    }

    func query(_ q: String, from: String?, to: String?, step: String?) async -> APIResponse {
        do {
            let parsed = try QueryParser.parse(q)
            let stepMs = try step.map { try TimeSpec.parseDuration($0) }
            guard let r = try range(from: from, to: to) else { return json(Renderers.query(QueryResult(series: []), format: .json)) }
            let result = try QueryEngine(reader: reader).evaluate(parsed, from: r.from, to: r.to, step: stepMs)
            return json(Renderers.query(result, format: .json))
        } catch {
            return failure(error)
        }
    }

    func functions(from: String?, to: String?) async -> APIResponse {
        do {
            var rows: [FunctionSummary] = []
            if let r = try range(from: from, to: to) {
                rows = try FunctionSummaries.compute(reader: reader, from: r.from, to: r.to)
            }
            return json(Renderers.functions(rows, format: .json))
        } catch {
            return failure(error)
        }
    }

    func trace(_ id: String) async -> APIResponse {
        do {
            let invocations = try reader.invocations(linkedTo: id)
            if invocations.isEmpty { return .error(404, "no invocation is linked to '\(id)'") }
            return json(Renderers.trace(id: id, invocations, format: .json, ascii: true))
        } catch {
            return failure(error)
        }
    }

    func series(name: String?) async -> APIResponse {
        do {
            let glob = name.flatMap { $0.contains("*") || $0.contains("?") ? Glob($0) : nil }
            var all = try reader.series(named: glob == nil ? name : nil)
            if let glob { all = all.filter { glob.matches($0.key.name) } }
            return json(Renderers.metrics(all, format: .json))
        } catch {
            return failure(error)
        }
    }

    func metrics() async -> APIResponse {
        var w = PrometheusWriter()
        let skipped = loop.cumulative.withLock { $0.render(into: &w) }
        var status = loop.status.withLock { $0 }
        status.takeSpool(of: loop.store, now: clock())
        status.render(into: &w, http: http.snapshot())
        w.family("fathom_daemon_exposition_skipped_series", type: .gauge,
                 help: "Series left out of this exposition because their name collided with another family.")
        w.sample("fathom_daemon_exposition_skipped_series", value: Double(skipped))
        if let alerting { alerting.render(into: &w) }
        if let dispatcher { Self.render(dispatcher.stats(), into: &w) }
        return APIResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: w.bytes)
    }

    /// `{"alerts": [...], "transitions": [...]}`: the instances after the last evaluation (what
    /// `fathom alerts --all --output json` prints) and the newest 100 transitions.
    func alerts() async -> APIResponse {
        guard alerting != nil else { return .error(404, "no alert rules: start the daemon with --rules FILE") }
        do {
            let snapshots = try reader.alertSnapshots()
            let transitions = try reader.alertTransitions(limit: 100)
            var w = JSONWriter()
            w.beginObject()
            w.key("alerts")
            w.raw(Array(Renderers.alerts(snapshots, format: .json).utf8))
            w.key("transitions")
            w.raw(Array(Renderers.alertTransitions(transitions, format: .json).utf8))
            w.endObject()
            return APIResponse(status: 200, body: w.bytes + [10])
        } catch {
            return failure(error)
        }
    }

    /// The dashboards, one `name  title` line each.
    func dashboards() async -> APIResponse {
        APIResponse(status: 200, contentType: "text/plain; charset=utf-8", body: Array(dashboardCatalog.listing().utf8))
    }

    /// One frame of dashboard `name`, as `fathom dashboard NAME` prints it off a terminal.
    /// Parameters: `var.NAME=VALUE` (variables), `at` (end of every range; default now),
    /// `width` (default 120), `height` (default 200), `ascii` (1/true).
    func dashboard(_ name: String, parameters: [String: String]) async -> APIResponse {
        // A name, never a path: HTTP clients must not make the daemon read files of their choosing.
        let allowed = name.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
        }
        guard allowed, !name.isEmpty else {
            return .error(404, "unknown dashboard '\(name)': names hold letters, digits, '-' and '_'; see /dashboards")
        }
        var variables: [String: String] = [:]
        for (k, v) in parameters where k.hasPrefix("var.") { variables[String(k.dropFirst(4))] = v }
        func size(_ key: String, _ fallback: Int) -> Int? {
            guard let text = parameters[key] else { return fallback }
            guard let n = Int(text), (20...1000).contains(n) else { return nil }
            return n
        }
        guard let width = size("width", 120), let height = size("height", 200) else {
            return .error(400, "width and height must be whole numbers within 20...1000")
        }
        let ascii = ["1", "true", "yes"].contains(parameters["ascii"]?.lowercased() ?? "")
        do {
            let now = clock()
            let at = try parameters["at"].map { try TimeSpec.parseInstant($0, now: now) } ?? now
            let context = DashboardContext.judged(reader: reader, at: at, dataRange: try reader.dataRange()) { [reader] in
                try reader.alertSnapshots()
            }
            let text = try dashboardCatalog.render(
                name, variables: variables, context: context,
                options: DashboardOptions(width: width, height: height, color: false, ascii: ascii))
            return APIResponse(status: 200, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
        } catch let e as DashboardCatalog.NotFound {
            return .error(404, e.description)
        } catch let e as QueryError {
            return .error(400, "at: \(e)")
        } catch {
            return .error(500, "\(error)")
        }
    }

    /// The notifiers' counters as Prometheus families.
    static func render(_ stats: [NotifierStats], into w: inout PrometheusWriter) {
        let families: [(String, PrometheusType, String, (NotifierStats) -> Int)] = [
            ("fathom_notifications_sent_total", .counter, "Alerts delivered, per notifier.", { $0.sent }),
            ("fathom_notifications_failed_total", .counter, "Delivery attempts that failed, per notifier.", { $0.failed }),
            ("fathom_notifications_retried_total", .counter, "Delivery attempts that were retries, per notifier.", { $0.retried }),
            ("fathom_notifications_dropped_total", .counter, "Alerts dropped from a full queue, per notifier.", { $0.dropped }),
            ("fathom_notifications_pending", .gauge, "Alerts waiting to be delivered, per notifier.", { $0.pending }),
        ]
        for (name, type, help, value) in families {
            w.family(name, type: type, help: help)
            for s in stats { w.sample(name, labels: [("notifier", s.name)], value: Double(value(s))) }
        }
    }

    func ingest(_ body: [UInt8], function: String?, format: String?, source: String) async -> APIResponse {
        var fmt: InputFormat? = nil
        if let format {
            guard let f = InputFormat(rawValue: format) else {
                let known = InputFormat.allCases.map(\.rawValue).joined(separator: ", ")
                return .error(400, "unknown format '\(format)' (known: \(known))")
            }
            fmt = f
        }
        let name = "http:" + (function ?? "unknown")
        let info = SourceInfo(name: name, function: function, format: fmt)
        do {
            try await push(PushedDataRequest(info: info, chunks: [body], newlineAfterEach: false))
        } catch {
            return .error(503, "not committed: \(error)")
        }
        var w = JSONWriter()
        w.beginObject()
        w.field("accepted_bytes", Int64(body.count))
        w.key("committed")
        w.bool(true)
        w.endObject()
        return APIResponse(status: 200, body: Array(w.text.utf8))
    }

    func ingestEnvelopes(_ envelopes: [[UInt8]], source: String) async throws {
        try await push(PushedDataRequest(info: SourceInfo(name: source, format: .cwl), chunks: envelopes,
                                         newlineAfterEach: true))
    }

    private func push(_ r: PushedDataRequest) async throws {
        let outcome: (any Error)? = await withCheckedContinuation { (k: CheckedContinuation<(any Error)?, Never>) in
            loop.push(PushedData(info: r.info, chunks: r.chunks, newlineAfterEach: r.newlineAfterEach) { error in
                k.resume(returning: error)
            })
        }
        if let outcome { throw outcome }
    }

    func status() async -> APIResponse {
        var status = loop.status.withLock { $0 }
        status.takeSpool(of: loop.store, now: clock())
        return json(status.json())
    }

    func readiness() async -> (ready: Bool, reason: String) {
        loop.status.withLock { ($0.ready, $0.readyReason) }
    }
}

/// Bytes to hand to the tail loop.
struct PushedDataRequest: Sendable {
    var info: SourceInfo
    var chunks: [[UInt8]]
    var newlineAfterEach: Bool
}
