import AsyncHTTPClient
import FathomAlerts
import FathomConfig
import FathomCore
import FathomHTTP
import FathomStore
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `fathom daemon`: the tail loop, the HTTP server and the SIGHUP reloader as one service group.
/// SIGTERM and SIGINT stop the HTTP server (answering what it holds), then the tail loop
/// (finishing its cycle and committing); the process then exits 0.
public enum Daemon {
    /// Runs until a signal stops it; throws when the store cannot be opened, the settings are
    /// wrong, or a commit fails.
    public static func run(settings: DaemonSettings, settingsFile: String?, flags: DaemonSettings, connection: StoreConnection,
                           logger: Logger) async throws {
        let options = settings.tailOptions
        guard !options.paths.isEmpty || settings.http != false else {
            throw SettingsError("nothing to do: give paths to watch, or leave HTTP on to receive logs")
        }
        var http: HTTPServerConfig? = nil
        if settings.http != false {
            var c = HTTPServerConfig()
            if let listen = settings.listen {
                switch HTTPServerConfig.parseListen(listen) {
                case .success(let hp):
                    c.host = hp.host
                    c.port = hp.port
                case .failure(let e):
                    throw SettingsError("--listen: \(e.message)")
                }
            }
            if let f = settings.authTokenFile { c.authToken = try secret(f, what: "--auth-token-file") }
            if let f = settings.firehoseAccessKeyFile { c.firehoseAccessKey = try secret(f, what: "--firehose-access-key-file") }
            if let problem = c.validate() { throw SettingsError(problem) }
            http = c
        }

        for path in options.paths where !FileManager.default.fileExists(atPath: path) {
            logger.warning("path does not exist (yet); it is watched and read when it appears", metadata: ["path": "\(path)"])
        }
        let clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
        let store = try connection.openWriter()
        // The embedded store's write-ahead log is checkpointed by a service of its own.
        var checkpointer: WALCheckpointer? = nil
        if let embedded = store as? EmbeddedStore {
            try embedded.disableAutoCheckpoint()
            checkpointer = WALCheckpointer(store: try EmbeddedStore(path: embedded.path), logger: logger)
        }
        let state = try store.ingestState()
        let loop = try TailLoop(store: store, config: settings.ingestConfig, options: options, state: state, clock: clock)
        if state != nil {
            logger.info("resumed", metadata: ["in_flight": "\(loop.status.withLock { $0.inFlight })"])
        }
        // /metrics starts from the whole history of the embedded store, so counters do not drop
        // to zero at a restart. A shared ClickHouse store holds every daemon's data: there the
        // counters count what this daemon read since it started (Prometheus' rate() handles the
        // reset at a restart).
        if connection.isEmbedded {
            try store.forEachSeriesRollups { key, minutes in
                if PipelineMetrics.isPipelineSeries(key.name) { return }
                loop.cumulative.withLock { $0.add([key: minutes]) }
            }
        }
        // Shut down in reverse order: HTTP first, then the tail loop (its last commit), then the
        // WAL checkpointer.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let checkpointer { services.append(.init(service: checkpointer)) }
        services.append(.init(service: TailService(loop: loop, logger: logger), successTerminationBehavior: .gracefullyShutdownGroup,
                              failureTerminationBehavior: .gracefullyShutdownGroup))
        // Alert rules: evaluated on the data's event time, state in the store, notifications
        // through the dispatcher (which never blocks evaluation, let alone ingestion).
        var alerting: AlertService? = nil
        var dispatcher: AlertDispatcher? = nil
        if let files = settings.rules, !files.isEmpty {
            let rules: RuleSet
            do {
                rules = try RuleFile.load(paths: files)
            } catch {
                throw SettingsError("alert rules are not valid:\n\(error)")
            }
            let notifierSettings = settings.notifierSettings(evaluationInterval: rules.groups.map(\.interval).min() ?? 60_000)
            let d = AlertDispatcher(
                notifiers: makeNotifiers(settings: notifierSettings, client: HTTPClient.shared, logger: logger),
                settings: notifierSettings, logger: logger)
            let a = AlertService(
                rules: rules, store: try connection.openReader(), loop: loop, dispatcher: d,
                delay: Int64(settings.alertDelayMillis ?? 60_000), generatorURL: Self.alertsURL(notifierSettings.externalURL),
                clock: clock, logger: logger)
            services.append(.init(service: d))
            services.append(.init(service: a))
            alerting = a
            dispatcher = d
            logger.info("alert rules loaded", metadata: ["groups": "\(rules.groups.count)", "rules": "\(rules.ruleCount)"])
        }
        if let http {
            let reader = try connection.openReader()
            let stats = HTTPStats()
            let api = StoreAPI(reader: reader, loop: loop, http: stats, clock: clock, alerting: alerting, dispatcher: dispatcher,
                                dashboards: settings.dashboards)
            let server = makeHTTPServer(config: http, api: api, stats: stats, logger: logger) { port in
                FileHandle.standardError.write(Data("fathom daemon: listening on http://\(http.host):\(port)\n".utf8))
            }
            services.append(.init(service: server, successTerminationBehavior: .gracefullyShutdownGroup,
                                  failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        services.append(.init(service: ReloadService(loop: loop, file: settingsFile, flags: flags, current: settings,
                                                     alerting: alerting, logger: logger)))
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger))
        try await group.run()
        if let failure = loop.committer.failed { throw failure }
    }

    /// The link alerts carry back to Fathom: `<external URL>/api/v1/alerts`, or empty without one.
    static func alertsURL(_ external: String) -> String {
        guard !external.isEmpty else { return "" }
        return (external.hasSuffix("/") ? String(external.dropLast()) : external) + "/api/v1/alerts"
    }

    /// The first line of a secret file, trimmed.
    public static func secret(_ path: String, what: String) throws(SettingsError) -> String {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SettingsError("\(what) \(path): cannot read: \(error.localizedDescription)")
        }
        let line = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !line.isEmpty else { throw SettingsError("\(what) \(path): the file is empty") }
        return line
    }
}

/// Runs the tail loop on its own thread; graceful shutdown stops it after its current cycle.
struct TailService: Service {
    let loop: TailLoop
    let logger: Logger

    func run() async throws {
        let loop = loop
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (k: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    do {
                        try loop.run()
                        k.resume()
                    } catch {
                        k.resume(throwing: error)
                    }
                }
                thread.name = "fathom-tail"
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onGracefulShutdown: {
            loop.stop()
        }
        let s = loop.status.withLock { $0 }
        logger.info("stopped", metadata: [
            "lines": "\(s.stats.lines)", "invocations": "\(s.stats.invocations)", "in_flight": "\(s.inFlight)",
            "commits": "\(s.commits)",
        ])
    }
}

/// SIGHUP: reads the settings file again and applies what can change while running (paths,
/// globs, timeouts); the rest needs a restart and is logged as such.
struct ReloadService: Service {
    let loop: TailLoop
    let file: String?
    let flags: DaemonSettings
    let current: DaemonSettings
    let alerting: AlertService?
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            var next = DaemonSettings()
            if let file {
                do {
                    next = try DaemonSettings.load(path: file)
                } catch {
                    logger.error("reload refused, keeping the running settings", metadata: ["error": "\(error)"])
                    continue
                }
            }
            let merged = next.overridden(by: flags)
            if merged.store != current.store || merged.listen != current.listen || merged.http != current.http {
                logger.warning("store, listen and http change only on restart")
            }
            loop.reload(merged.tailOptions)
            if let alerting, let files = merged.rules, !files.isEmpty {
                do {
                    let rules = try RuleFile.load(paths: files)
                    alerting.reload(rules)
                    logger.info("alert rules reloaded", metadata: ["rules": "\(rules.ruleCount)"])
                } catch {
                    logger.error("alert rules not reloaded, keeping the running ones", metadata: ["error": "\(error)"])
                }
            }
            logger.info("reloaded", metadata: ["paths": "\(merged.tailOptions.paths)"])
        }
    }
}
