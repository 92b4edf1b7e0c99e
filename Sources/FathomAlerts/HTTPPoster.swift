import AsyncHTTPClient
import NIOCore

/// POSTs a JSON body with AsyncHTTPClient; any 2xx answer is success, anything else (another
/// status, a connection error, the timeout) throws a `NotifierError`.
struct HTTPPoster: Sendable {
    let client: HTTPClient
    let timeoutMs: Int64

    func post(_ body: [UInt8], to url: String, notifier: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "fathom")
        request.body = .bytes(body)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(max(timeoutMs, 1)))
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw NotifierError(notifier: notifier, message: "timed out after \(timeoutMs) ms")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw NotifierError(notifier: notifier, message: "\(error)")
        }
        // Read (a little of) the answer so the connection can be reused, and for the error text.
        let answer = try? await response.body.collect(upTo: 4096)
        guard (200..<300).contains(response.status.code) else {
            let text = answer.map { String(buffer: $0) } ?? ""
            throw NotifierError(
                notifier: notifier,
                message: "HTTP \(response.status.code)" + (text.isEmpty ? "" : ": \(text.prefix(200))"))
        }
    }
}
