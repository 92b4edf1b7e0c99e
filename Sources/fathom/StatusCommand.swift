import ArgumentParser
import AsyncHTTPClient
import FathomCore
import FathomDaemon
import FathomStore
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The daemon's own counters: lines, invocations, files, commits, lag, memory.",
        discussion: """
            With --url, asks a running daemon (GET /api/v1/status). Without it, reads what the last daemon \
            committed to the store (its counters and the invocations it had in flight).

            Examples:
              fathom status --url http://127.0.0.1:9464
              fathom status --output json
            """)

    @Option(help: ArgumentHelp("A running daemon's HTTP address.", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("A file holding the daemon's bearer token.", valueName: "file"))
    var authTokenFile: String?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var out: OutputOptions

    /// A running daemon's JSON status as aligned `name  value` lines (nested objects flattened).
    static func table(fromJSON text: String) -> String {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return text }
        var rows: [(String, String)] = []
        func add(_ prefix: String, _ value: Any) {
            if let d = value as? [String: Any] {
                for (k, v) in d.sorted(by: { $0.key < $1.key }) { add(prefix.isEmpty ? k : "\(prefix).\(k)", v) }
            } else if let a = value as? [Any] {
                for v in a { rows.append((prefix, "\(v)")) }
            } else if value is NSNull {
                rows.append((prefix, "-"))
            } else if String(describing: type(of: value)).contains("Bool") {
                rows.append((prefix, (value as? Bool) == true ? "yes" : "no"))
            } else {
                rows.append((prefix, "\(value)"))
            }
        }
        for (k, v) in obj.sorted(by: { $0.key < $1.key }) { add(k, v) }
        return DaemonStatus.aligned(rows)
    }

    func run() async throws {
        if let url {
            var request = HTTPClientRequest(url: url.hasSuffix("/") ? url + "api/v1/status" : url + "/api/v1/status")
            if let f = authTokenFile {
                do {
                    request.headers.add(name: "Authorization", value: "Bearer \(try Daemon.secret(f, what: "--auth-token-file"))")
                } catch {
                    Self.note("fathom: \(error.message)\n")
                    throw ExitCode(1)
                }
            }
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                let body = try await response.body.collect(upTo: 16 << 20)
                let text = String(buffer: body)
                guard response.status.code == 200 else {
                    Self.note("fathom: \(url) answered \(response.status.code): \(text)\n")
                    throw ExitCode(1)
                }
                Self.emit(out.output == .json ? text : Self.table(fromJSON: text))
            } catch let e as ExitCode {
                throw e
            } catch {
                Self.note("fathom: cannot reach the daemon at \(url): \(error)\n")
                throw ExitCode(1)
            }
            return
        }
        let store = try storeOptions.open()
        let status: DaemonStatus
        do {
            status = try DaemonStatus.fromStore(store, now: nowMillis())
        } catch {
            Self.note("fathom: cannot read the daemon state: \(error)\n")
            throw ExitCode(1)
        }
        Self.emit(out.output == .json ? status.json() : status.table())
    }
}
