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

    func run() async throws {
        if let url {
            var request = HTTPClientRequest(url: url.hasSuffix("/") ? url + "api/v1/status" : url + "/api/v1/status")
            if let f = authTokenFile {
                guard let token = try? String(contentsOfFile: f, encoding: .utf8).split(whereSeparator: \.isNewline).first else {
                    Self.note("fathom: cannot read --auth-token-file \(f)\n")
                    throw ExitCode(1)
                }
                request.headers.add(name: "Authorization", value: "Bearer \(token.trimmingCharacters(in: .whitespaces))")
            }
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                let body = try await response.body.collect(upTo: 16 << 20)
                let text = String(buffer: body)
                guard response.status.code == 200 else {
                    Self.note("fathom: \(url) answered \(response.status.code): \(text)\n")
                    throw ExitCode(1)
                }
                Self.emit(text)
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
            status = try DaemonStatus.fromStore(store)
        } catch {
            Self.note("fathom: cannot read the daemon state: \(error)\n")
            throw ExitCode(1)
        }
        Self.emit(out.output == .json ? status.json() : status.table())
    }
}
