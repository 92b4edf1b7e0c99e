import FathomCore
import Testing
@testable import FathomDaemon

@Suite struct DaemonSettingsTests {
    @Test func everyKeyIsRead() throws {
        let s = try DaemonSettings.parse("""
            paths: [/var/log/a, /var/log/b]
            include: "*.log"
            exclude: ["*.tmp"]
            store: /var/lib/fathom/f.sqlite
            listen: 0.0.0.0:9464
            auth_token_file: /etc/fathom/token
            firehose_access_key_file: /etc/fathom/key
            poll: 50ms
            scan_interval: 2
            partial_line_timeout: 1.5
            rotate_wait: 1m
            max_open_files: 64
            max_in_flight: 1000
            max_series: 500
            max_line_bytes: 65536
            function: checkout
            format: json
            correlation_keys: [cid]
            keep_lines: false
            http: true
            rules: [r1.yaml, r2.yaml]
            alert_delay: 30s
            alertmanagers: http://127.0.0.1:9093
            webhooks: [http://h/1]
            alert_file: /tmp/a.jsonl
            alert_log: false
            external_url: https://fathom.example
            dashboards: /etc/fathom/dashboards
            """, source: "f.yaml")
        #expect(s.paths == ["/var/log/a", "/var/log/b"])
        #expect(s.include == ["*.log"])
        #expect(s.pollMillis == 50 && s.scanMillis == 2000 && s.partialLineTimeoutMillis == 1500 && s.rotateWaitMillis == 60_000)
        #expect(s.maxOpenFiles == 64 && s.maxInFlight == 1000 && s.maxSeries == 500 && s.maxLineBytes == 65536)
        #expect(s.format == .json && s.keepLines == false && s.http == true && s.correlationKeys == ["cid"])
        let c = s.ingestConfig
        #expect(c.function == "checkout" && c.maxCustomSeries == 500 && c.maxInFlight == 1000 && !c.keepLines)
        let o = s.tailOptions
        #expect(o.paths.count == 2 && o.pollMillis == 50 && o.maxOpenFiles == 64)
        // DaemonSettings.knownKeys lists exactly the keys this test uses.
        #expect(s.rules == ["r1.yaml", "r2.yaml"] && s.alertDelayMillis == 30_000 && s.alertmanagers == ["http://127.0.0.1:9093"])
        #expect(s.webhooks == ["http://h/1"] && s.alertFile == "/tmp/a.jsonl" && s.alertLog == false)
        #expect(s.externalURL == "https://fathom.example" && s.dashboards == "/etc/fathom/dashboards")
        #expect(DaemonSettings.knownKeys.count == 30)
    }

    @Test(arguments: [
        ("pathz: [a]", "f.yaml: pathz: unknown setting"),
        ("poll: fast", "f.yaml: poll: 'fast' is not a duration"),
        ("max_open_files: -3", "f.yaml: max_open_files: expected a positive integer"),
        ("format: xml", "f.yaml: format: unknown format 'xml'"),
        ("keep_lines: maybe", "f.yaml: keep_lines: expected true or false"),
        ("- a\n- b", "f.yaml: expected a mapping of settings at the top"),
        ("paths: [a\n", "f.yaml: not valid YAML"),
    ])
    func mistakesAreNamed(_ c: (String, String)) {
        #expect(throws: SettingsError.self) { try DaemonSettings.parse(c.0, source: "f.yaml") }
        do {
            _ = try DaemonSettings.parse(c.0, source: "f.yaml")
        } catch {
            #expect(error.message.hasPrefix(c.1), "\(error.message)")
        }
    }

    @Test func flagsWinOverTheFile() throws {
        let file = try DaemonSettings.parse("paths: [a]\npoll: 1s\nlisten: 127.0.0.1:1\n", source: "f")
        var flags = DaemonSettings()
        flags.pollMillis = 20
        let merged = file.overridden(by: flags)
        #expect(merged.pollMillis == 20 && merged.paths == ["a"] && merged.listen == "127.0.0.1:1")
        #expect(try DaemonSettings.parse("", source: "f") == DaemonSettings())
    }
}
