import FathomCore
import Hummingbird

/// Builders for the responses the server sends.
enum Reply {
    /// The daemon's answer as is.
    static func api(_ answer: APIResponse) -> Response {
        bytes(answer.status, contentType: answer.contentType, answer.body)
    }

    /// `{"error":"<message>"}` with `status` (and any extra headers).
    static func error(_ status: Int, _ message: String, headers: HTTPFields = [:]) -> Response {
        var response = api(.error(status, message))
        response.headers.append(contentsOf: headers)
        return response
    }

    /// A JSON body built by `build` into a compact writer.
    static func json(_ status: Int, _ build: (inout JSONWriter) -> Void) -> Response {
        var writer = JSONWriter()
        build(&writer)
        return bytes(status, contentType: "application/json", writer.bytes)
    }

    /// `body` with `status` and `contentType`. A status outside 100…599 (a daemon bug) becomes 500
    /// rather than trapping in `HTTPResponse.Status`.
    static func bytes(_ status: Int, contentType: String, _ body: [UInt8]) -> Response {
        Response(
            status: HTTPResponse.Status(code: (100...599).contains(status) ? status : 500),
            headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
