import Foundation
import Hummingbird
import ServiceLifecycle
import Synchronization

/// A real HTTP server on a loopback port (Hummingbird) that records every POST and answers with
/// the statuses it is given in turn (then 200), optionally after a delay.
final class RecordingServer: Sendable {
    struct Received: Sendable {
        var path: String
        var contentType: String?
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    private let state: Mutex<(received: [Received], statuses: [Int])>
    let delayMs: Int

    init(statuses: [Int] = [], delayMs: Int = 0) {
        state = Mutex((received: [], statuses: statuses))
        self.delayMs = delayMs
    }

    var received: [Received] { state.withLock { $0.received } }

    private func record(_ r: Received) -> Int {
        state.withLock { s in
            s.received.append(r)
            return s.statuses.isEmpty ? 200 : s.statuses.removeFirst()
        }
    }

    /// Runs the server around `body`, which gets `http://127.0.0.1:PORT`.
    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("**") { request, _ -> Response in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            let status = self.record(Received(
                path: request.uri.path, contentType: request.headers[.contentType],
                body: Array(buffer.readableBytesView)))
            if self.delayMs > 0 { try await Task.sleep(for: .milliseconds(self.delayMs)) }
            return Response(status: .init(code: status))
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: quietLogger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: quietLogger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            let result: Result<T, any Error>
            do {
                result = .success(try await body("http://127.0.0.1:\(port)"))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
