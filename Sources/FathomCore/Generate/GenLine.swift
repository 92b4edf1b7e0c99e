/// One log line of a simulated invocation, before it is rendered in an output format.
struct GenLine {
    enum Kind {
        /// `START RequestId: … Version: …`
        case start
        /// An application line; the message is `message` of the invocation's `messages`.
        case app(error: Bool, message: Range<Int>)
        /// `<time> <id> Task timed out after N.00 seconds`
        case timeout
        /// `END RequestId: …`
        case end
        /// `REPORT RequestId: …\tDuration: …`
        case report
    }

    /// Seconds since the epoch.
    var time: Double
    var kind: Kind
}
