/// One notifier's delivery counters (for the daemon's `/metrics` and status). `sent`, `dropped`
/// and `pending` count alerts (one alert change or resend each); `failed` and `retried` count
/// delivery attempts.
public struct NotifierStats: Sendable, Equatable {
    /// The notifier's name (`log`, `webhook http://…`, `alertmanager http://…`).
    public var name: String
    /// Alerts delivered.
    public var sent: Int = 0
    /// Delivery attempts that failed.
    public var failed: Int = 0
    /// Retries scheduled after a failure.
    public var retried: Int = 0
    /// Alerts dropped because the queue was full (oldest first).
    public var dropped: Int = 0
    /// Alerts waiting in the queue (including a batch being delivered or retried).
    public var pending: Int = 0
    /// The last failure's message, nil after a success.
    public var lastError: String? = nil
    /// When the last delivery succeeded (dispatcher clock, ms).
    public var lastSuccess: Int64? = nil

    public init(name: String) {
        self.name = name
    }
}
