/// What the lines of one invocation share, for rendering.
struct GenInvocationContext {
    /// The request id, `8-4-4-4-12` lower-case hex.
    var requestID: [UInt8] = []
    var version: [UInt8] = []
    var functionName: [UInt8] = []
    var streamName: [UInt8] = []
    var isNode = true
    var memoryMB = 0
    var timeoutSeconds = 0
    var durationCentis: Int64 = 0
    var billedMs: Int64 = 0
    var maxMemoryMB = 0
    var initCentis: Int64? = nil
    /// The messages of the application lines, back to back.
    var messages: [UInt8] = []
}
