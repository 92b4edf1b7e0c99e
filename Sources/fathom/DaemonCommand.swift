import ArgumentParser
import FathomCore
import FathomDaemon
import FathomStore
import Foundation
import Logging

struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Tail log directories forever, keep the store current, and serve metrics and queries over HTTP.",
        discussion: """
            Watches the paths recursively (new files and directories are found within --scan-interval), reads \
            what each file gains, follows rotation (rename, copytruncate, truncation, deletion, later gzip) and \
            commits data and file checkpoints together, so that nothing is lost or counted twice across \
            restarts and crashes. Invocations in flight survive a restart.

            HTTP (127.0.0.1:9464 by default): /metrics (Prometheus), /api/v1/query, /api/v1/functions, \
            /api/v1/traces/{id}, /api/v1/series, /api/v1/status, POST /api/v1/logs, POST /api/v1/firehose, \
            /healthz, /readyz. Binding beyond loopback requires --auth-token-file.

            Signals: SIGTERM and SIGINT finish the current cycle, commit and exit 0; SIGHUP re-reads --config.

            Examples:
              fathom daemon /var/log/lambda
              fathom daemon --config /etc/fathom/daemon.yaml
              fathom daemon logs/ --include '*.log' --include '*.log.*'
              fathom daemon logs/ --listen 0.0.0.0:9464 --auth-token-file /etc/fathom/token
            """)

    @Argument(help: "Directories (searched recursively) and files to read.")
    var paths: [String] = []

    @Option(help: ArgumentHelp("A YAML file with the same settings (flags win); re-read on SIGHUP.", valueName: "file"))
    var config: String?

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("Only files matching this glob (repeatable; a glob without / matches the file name).", valueName: "glob"))
    var include: [String] = []

    @Option(help: ArgumentHelp("Never files matching this glob (repeatable).", valueName: "glob"))
    var exclude: [String] = []

    @Option(help: ArgumentHelp("HTTP address (default 127.0.0.1:9464).", valueName: "host:port"))
    var listen: String?

    @Option(help: ArgumentHelp("A file holding the bearer token HTTP clients must send.", valueName: "file"))
    var authTokenFile: String?

    @Option(help: ArgumentHelp("A file holding the Kinesis Data Firehose access key (enables /api/v1/firehose).", valueName: "file"))
    var firehoseAccessKeyFile: String?

    @Flag(help: "Serve no HTTP.")
    var noHttp = false

    @Option(help: ArgumentHelp("Pause between read cycles when idle (default 200ms).", valueName: "duration"))
    var poll: String?

    @Option(help: ArgumentHelp("How often directories are walked (default 1s).", valueName: "duration"))
    var scanInterval: String?

    @Option(help: ArgumentHelp("Read a last line without newline after this long idle (default 5s).", valueName: "duration"))
    var partialLineTimeout: String?

    @Option(help: ArgumentHelp("Keep reading a rotated-away or deleted file this long after its last growth (default 5s).", valueName: "duration"))
    var rotateWait: String?

    @Option(help: ArgumentHelp("At most this many open files (default 512).", valueName: "n"))
    var maxOpenFiles: Int?

    @Option(help: ArgumentHelp("At most this many invocations in flight (default 100000).", valueName: "n"))
    var maxInFlight: Int?

    @Option(help: ArgumentHelp("At most this many custom metric series; more go to __other__ (default 100000).", valueName: "n"))
    var maxSeries: Int?

    @Option(help: "The function, when paths do not say it.")
    var function: String?

    @Option(help: "Input format: auto, text, json, tail or cwl.")
    var format: String?

    @Option(name: .customLong("correlation-key"), help: ArgumentHelp("A JSON key holding correlation ids (repeatable).", valueName: "key"))
    var correlationKeys: [String] = []

    @Flag(help: "Do not keep log lines (metrics and traces only).")
    var noLines = false

    @Option(help: ArgumentHelp("An alert rules file to evaluate continuously (repeatable).", valueName: "file"))
    var rules: [String] = []

    @Option(help: ArgumentHelp("Evaluate an alert tick once the data is this far past it (default 1m).", valueName: "duration"))
    var alertDelay: String?

    @Option(help: ArgumentHelp("Push alerts to this Alertmanager (repeatable), e.g. http://127.0.0.1:9093.", valueName: "url"))
    var alertmanager: [String] = []

    @Option(help: ArgumentHelp("POST alert changes to this webhook in Alertmanager's format (repeatable).", valueName: "url"))
    var webhook: [String] = []

    @Option(help: ArgumentHelp("Append alert changes to this file as JSON lines.", valueName: "path"))
    var alertFile: String?

    @Flag(help: "Do not log alert changes.")
    var noAlertLog = false

    @Option(help: ArgumentHelp("The URL people reach Fathom at, for alerts' generatorURL links.", valueName: "url"))
    var externalURL: String?

    @Option(help: ArgumentHelp("A folder of dashboard files served at /dashboards beside the built-in ones.", valueName: "dir"))
    var dashboards: String?

    func run() async throws {
        var flags = DaemonSettings()
        if !paths.isEmpty { flags.paths = paths }
        if !include.isEmpty { flags.include = include }
        if !exclude.isEmpty { flags.exclude = exclude }
        flags.store = storeOptions.store
        flags.spool = storeOptions.spool
        if storeOptions.spoolMax != StoreOptions.defaultSpoolMax { flags.spoolMax = storeOptions.spoolMax }
        flags.listen = listen
        flags.authTokenFile = authTokenFile
        flags.firehoseAccessKeyFile = firehoseAccessKeyFile
        if noHttp { flags.http = false }
        do {
            func ms(_ s: String?, _ name: String) throws -> Int? {
                try s.map { v throws(SettingsError) in try DaemonSettings.duration(v, "--\(name)") }
            }
            flags.pollMillis = try ms(poll, "poll")
            flags.scanMillis = try ms(scanInterval, "scan-interval")
            flags.partialLineTimeoutMillis = try ms(partialLineTimeout, "partial-line-timeout")
            flags.rotateWaitMillis = try ms(rotateWait, "rotate-wait")
            flags.maxOpenFiles = maxOpenFiles
            flags.maxInFlight = maxInFlight
            flags.maxSeries = maxSeries
            flags.function = function
            if let format {
                guard let f = InputFormat(rawValue: format) else { throw SettingsError("--format: unknown format '\(format)'") }
                flags.format = f
            }
            if !correlationKeys.isEmpty { flags.correlationKeys = correlationKeys }
            if noLines { flags.keepLines = false }
            if !rules.isEmpty { flags.rules = rules }
            flags.alertDelayMillis = try ms(alertDelay, "alert-delay")
            if !alertmanager.isEmpty { flags.alertmanagers = alertmanager }
            if !webhook.isEmpty { flags.webhooks = webhook }
            flags.alertFile = alertFile
            if noAlertLog { flags.alertLog = false }
            flags.externalURL = externalURL
            flags.dashboards = dashboards
            let file = try config.map { path throws(SettingsError) in try DaemonSettings.load(path: path) } ?? DaemonSettings()
            let settings = file.overridden(by: flags)
            let environment = ProcessInfo.processInfo.environment
            let connection: StoreConnection
            do {
                connection = try StoreLocator.connection(
                    settings.store ?? EmbeddedStore.defaultPath(environment: environment), spool: settings.spool,
                    spoolMax: settings.spoolMax ?? StoreOptions.defaultSpoolMax, environment: environment,
                    waitForServer: true)
            } catch let e as StoreLocator.Problem {
                throw SettingsError("store: \(e.message)")
            }
            LoggingSystem.bootstrap { label in
                var h = StreamLogHandler.standardError(label: label)
                h.logLevel = ProcessInfo.processInfo.environment["FATHOM_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
                return h
            }
            let logger = Logger(label: "fathom.daemon")
            try await Daemon.run(settings: settings, settingsFile: config, flags: flags, connection: connection, logger: logger)
        } catch let e as SettingsError {
            Self.note("fathom: \(e.message)\n")
            throw ExitCode(2)
        } catch let e as StoreError {
            Self.note("fathom: \(e)\n")
            throw ExitCode(1)
        }
    }
}
