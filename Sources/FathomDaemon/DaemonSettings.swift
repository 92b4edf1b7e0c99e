import FathomAlerts
import FathomCore
import Foundation
import Yams

/// Everything `fathom daemon` can be told, by flags or by a YAML file (flags win). Every field
/// is optional: nil means "not given here".
///
/// ```yaml
/// paths: [/var/log/lambda]
/// include: ["*.log", "*.log.*"]
/// exclude: ["*.tmp"]
/// store: /var/lib/fathom/fathom.sqlite
/// listen: 127.0.0.1:9464
/// auth_token_file: /etc/fathom/token
/// firehose_access_key_file: /etc/fathom/firehose-key
/// poll: 200ms
/// scan_interval: 1s
/// partial_line_timeout: 5s
/// rotate_wait: 5s
/// max_open_files: 512
/// max_in_flight: 100000
/// max_series: 100000
/// max_line_bytes: 8388608
/// function: checkout
/// format: auto
/// correlation_keys: [correlation_id]
/// keep_lines: true
/// http: true
/// rules: [/etc/fathom/rules.yaml]          # alert rules, evaluated continuously (issue: alerts)
/// alert_delay: 1m                          # evaluate a tick once the data is this far past it
/// alertmanagers: [http://127.0.0.1:9093]   # push alerts to Alertmanager's /api/v2/alerts
/// webhooks: [http://hooks.example/fathom]  # Alertmanager webhook format, version 4
/// alert_file: /var/log/fathom/alerts.jsonl # one JSON object per alert change
/// alert_log: true                          # one log line per alert change
/// external_url: https://fathom.example     # the base of generatorURL links
/// dashboards: /etc/fathom/dashboards       # more dashboards for GET /dashboards/{name}
/// ```
public struct DaemonSettings: Sendable, Equatable {
    public var paths: [String]?
    public var include: [String]?
    public var exclude: [String]?
    public var store: String?
    /// With a ClickHouse store: the local spool file, and its size bound (e.g. "1GiB").
    public var spool: String?
    public var spoolMax: String?
    public var listen: String?
    public var authTokenFile: String?
    public var firehoseAccessKeyFile: String?
    public var pollMillis: Int?
    public var scanMillis: Int?
    public var partialLineTimeoutMillis: Int?
    public var rotateWaitMillis: Int?
    public var maxOpenFiles: Int?
    public var maxInFlight: Int?
    public var maxSeries: Int?
    public var maxLineBytes: Int?
    public var function: String?
    public var format: InputFormat?
    public var correlationKeys: [String]?
    public var keepLines: Bool?
    public var http: Bool?
    public var rules: [String]?
    public var alertDelayMillis: Int?
    public var alertmanagers: [String]?
    public var webhooks: [String]?
    public var alertFile: String?
    public var alertLog: Bool?
    public var externalURL: String?
    public var dashboards: String?

    public init() {}

    /// `self` with every field `other` sets replaced.
    public func overridden(by other: DaemonSettings) -> DaemonSettings {
        var s = self
        s.paths = other.paths ?? paths
        s.include = other.include ?? include
        s.exclude = other.exclude ?? exclude
        s.store = other.store ?? store
        s.spool = other.spool ?? spool
        s.spoolMax = other.spoolMax ?? spoolMax
        s.listen = other.listen ?? listen
        s.authTokenFile = other.authTokenFile ?? authTokenFile
        s.firehoseAccessKeyFile = other.firehoseAccessKeyFile ?? firehoseAccessKeyFile
        s.pollMillis = other.pollMillis ?? pollMillis
        s.scanMillis = other.scanMillis ?? scanMillis
        s.partialLineTimeoutMillis = other.partialLineTimeoutMillis ?? partialLineTimeoutMillis
        s.rotateWaitMillis = other.rotateWaitMillis ?? rotateWaitMillis
        s.maxOpenFiles = other.maxOpenFiles ?? maxOpenFiles
        s.maxInFlight = other.maxInFlight ?? maxInFlight
        s.maxSeries = other.maxSeries ?? maxSeries
        s.maxLineBytes = other.maxLineBytes ?? maxLineBytes
        s.function = other.function ?? function
        s.format = other.format ?? format
        s.correlationKeys = other.correlationKeys ?? correlationKeys
        s.keepLines = other.keepLines ?? keepLines
        s.http = other.http ?? http
        s.rules = other.rules ?? rules
        s.alertDelayMillis = other.alertDelayMillis ?? alertDelayMillis
        s.alertmanagers = other.alertmanagers ?? alertmanagers
        s.webhooks = other.webhooks ?? webhooks
        s.alertFile = other.alertFile ?? alertFile
        s.alertLog = other.alertLog ?? alertLog
        s.externalURL = other.externalURL ?? externalURL
        s.dashboards = other.dashboards ?? dashboards
        return s
    }

    /// The tail options these settings describe.
    public var tailOptions: TailOptions {
        var o = TailOptions(paths: paths ?? [])
        o.include = include ?? []
        o.exclude = exclude ?? []
        if let v = pollMillis { o.pollMillis = v }
        if let v = scanMillis { o.scanMillis = v }
        if let v = partialLineTimeoutMillis { o.partialLineTimeoutMillis = v }
        if let v = rotateWaitMillis { o.rotateWaitMillis = v }
        if let v = maxOpenFiles { o.maxOpenFiles = v }
        return o
    }

    /// The notifiers these settings describe; `evaluationInterval` is the shortest rule group
    /// interval (it sets how long a firing alert stays valid at Alertmanager without news).
    public func notifierSettings(evaluationInterval: Int64) -> NotifierSettings {
        var n = NotifierSettings()
        n.alertmanagerURLs = alertmanagers ?? []
        n.webhookURLs = webhooks ?? []
        n.log = alertLog ?? true
        n.filePath = alertFile
        n.externalURL = externalURL ?? ""
        n.evaluationInterval = evaluationInterval
        return n
    }

    /// The ingest configuration these settings describe.
    public var ingestConfig: IngestConfig {
        var c = IngestConfig()
        c.function = function
        if let f = format { c.format = f }
        if let k = correlationKeys { c.correlationKeys = k }
        if let v = maxLineBytes { c.maxLineBytes = v }
        if let v = maxInFlight { c.maxInFlight = v }
        if let v = maxSeries { c.maxCustomSeries = v }
        if let v = keepLines { c.keepLines = v }
        return c
    }

    /// Reads a YAML settings file. Unknown keys and values of the wrong type are errors that
    /// name the file and the key (a typo must not be silently ignored).
    public static func load(path: String) throws(SettingsError) -> DaemonSettings {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SettingsError("\(path): cannot read: \(error.localizedDescription)")
        }
        return try parse(text, source: path)
    }

    /// Parses YAML settings; `source` names them in messages.
    public static func parse(_ text: String, source: String) throws(SettingsError) -> DaemonSettings {
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw SettingsError("\(source): not valid YAML: \(error)")
        }
        guard let root else { return DaemonSettings() }
        guard let map = root as? [String: Any] else { throw SettingsError("\(source): expected a mapping of settings at the top") }
        var s = DaemonSettings()
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
            let at = "\(source): \(key)"
            switch key {
            case "paths": s.paths = try strings(value, at)
            case "include": s.include = try strings(value, at)
            case "exclude": s.exclude = try strings(value, at)
            case "store": s.store = try string(value, at)
            case "spool": s.spool = try string(value, at)
            case "spool_max": s.spoolMax = try string(value, at)
            case "listen": s.listen = try string(value, at)
            case "auth_token_file": s.authTokenFile = try string(value, at)
            case "firehose_access_key_file": s.firehoseAccessKeyFile = try string(value, at)
            case "poll": s.pollMillis = try duration(value, at)
            case "scan_interval": s.scanMillis = try duration(value, at)
            case "partial_line_timeout": s.partialLineTimeoutMillis = try duration(value, at)
            case "rotate_wait": s.rotateWaitMillis = try duration(value, at)
            case "max_open_files": s.maxOpenFiles = try positive(value, at)
            case "max_in_flight": s.maxInFlight = try positive(value, at)
            case "max_series": s.maxSeries = try positive(value, at)
            case "max_line_bytes": s.maxLineBytes = try positive(value, at)
            case "function": s.function = try string(value, at)
            case "format":
                let f = try string(value, at)
                guard let format = InputFormat(rawValue: f) else {
                    throw SettingsError("\(at): unknown format '\(f)' (known: \(InputFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                s.format = format
            case "correlation_keys": s.correlationKeys = try strings(value, at)
            case "keep_lines": s.keepLines = try bool(value, at)
            case "http": s.http = try bool(value, at)
            case "rules": s.rules = try strings(value, at)
            case "alert_delay": s.alertDelayMillis = try duration(value, at)
            case "alertmanagers": s.alertmanagers = try strings(value, at)
            case "webhooks": s.webhooks = try strings(value, at)
            case "alert_file": s.alertFile = try string(value, at)
            case "alert_log": s.alertLog = try bool(value, at)
            case "external_url": s.externalURL = try string(value, at)
            case "dashboards": s.dashboards = try string(value, at)
            default:
                throw SettingsError("\(at): unknown setting (known: \(knownKeys.joined(separator: ", ")))")
            }
        }
        return s
    }

    static let knownKeys = [
        "alert_delay", "alert_file", "alert_log", "alertmanagers", "auth_token_file", "correlation_keys", "dashboards",
        "exclude", "external_url", "firehose_access_key_file", "format", "function", "http", "include", "keep_lines",
        "listen", "max_in_flight", "max_line_bytes", "max_open_files", "max_series", "partial_line_timeout", "paths",
        "poll", "rotate_wait", "rules", "scan_interval", "spool", "spool_max", "store", "webhooks",
    ]

    private static func string(_ v: Any, _ at: String) throws(SettingsError) -> String {
        if let s = v as? String { return s }
        if let i = v as? Int { return String(i) }
        throw SettingsError("\(at): expected a string")
    }

    private static func strings(_ v: Any, _ at: String) throws(SettingsError) -> [String] {
        if let s = v as? String { return [s] }
        guard let list = v as? [Any] else { throw SettingsError("\(at): expected a list of strings") }
        var out: [String] = []
        for item in list { out.append(try string(item, at)) }
        return out
    }

    private static func bool(_ v: Any, _ at: String) throws(SettingsError) -> Bool {
        guard let b = v as? Bool else { throw SettingsError("\(at): expected true or false") }
        return b
    }

    private static func positive(_ v: Any, _ at: String) throws(SettingsError) -> Int {
        guard let i = v as? Int, i > 0 else { throw SettingsError("\(at): expected a positive integer") }
        return i
    }

    /// `200ms`, `5s`, `1m`; a bare number is seconds.
    public static func duration(_ v: Any, _ at: String) throws(SettingsError) -> Int {
        if let i = v as? Int, i >= 0 { return i * 1000 }
        if let d = v as? Double, d >= 0 { return Int(d * 1000) }
        guard let s = v as? String else { throw SettingsError("\(at): expected a duration like 200ms, 5s or 1m") }
        do {
            return Int(try TimeSpec.parseDuration(s))
        } catch {
            throw SettingsError("\(at): '\(s)' is not a duration (like 200ms, 5s or 1m)")
        }
    }
}

/// A settings problem, with the file and key it is about.
public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
