import Hummingbird

/// The per-request context: Hummingbird's core storage plus the client's address.
struct FathomRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's IP address (no port), or nil when unknown (a Unix socket, a closed channel).
    let remoteAddress: String?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }
}
