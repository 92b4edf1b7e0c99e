/// What `fathom functions` shows for one function version over a time range, from the built-in
/// `fn.*` metrics.
public struct FunctionSummary: Sendable, Equatable {
    public var function: String
    public var version: String
    /// Invocations started in the range (`fn.invocations`).
    public var invocations: Int
    /// Failed invocations, timeouts included (`fn.errors`).
    public var errors: Int
    /// Invocations that timed out (`fn.timeouts`).
    public var timeouts: Int
    /// Invocations that ran INIT or a SnapStart restore first (`fn.cold_starts`).
    public var coldStarts: Int
    /// Durations in ms (`fn.duration`); nil when no invocation reported one.
    public var duration: DistributionStats?
    /// Init durations in ms of the cold starts (`fn.init_duration`); nil when there were none.
    public var initDuration: DistributionStats?
    /// Total billed duration in ms (`fn.billed_duration`).
    public var billedDurationMs: Double
    /// The configured memory size in MB, the latest value of `fn.memory_size`; nil when unknown.
    public var memoryMB: Double?
    /// The largest memory used by one invocation, in MB (`fn.max_memory_used`); nil when unknown.
    public var maxMemoryUsedMB: Double?
    /// Total estimated cost in USD (`fn.cost`).
    public var costUSD: Double
    /// Start of the first minute with data, and start time of the latest invocation (ms since
    /// the epoch).
    public var firstSeen: Int64
    public var lastSeen: Int64

    public init(
        function: String, version: String, invocations: Int = 0, errors: Int = 0, timeouts: Int = 0,
        coldStarts: Int = 0, duration: DistributionStats? = nil, initDuration: DistributionStats? = nil,
        billedDurationMs: Double = 0, memoryMB: Double? = nil, maxMemoryUsedMB: Double? = nil, costUSD: Double = 0,
        firstSeen: Int64, lastSeen: Int64
    ) {
        self.function = function
        self.version = version
        self.invocations = invocations
        self.errors = errors
        self.timeouts = timeouts
        self.coldStarts = coldStarts
        self.duration = duration
        self.initDuration = initDuration
        self.billedDurationMs = billedDurationMs
        self.memoryMB = memoryMB
        self.maxMemoryUsedMB = maxMemoryUsedMB
        self.costUSD = costUSD
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    /// Errors per invocation (0...1), nil without invocations.
    public var errorRate: Double? { invocations > 0 ? Double(errors) / Double(invocations) : nil }

    /// Cold starts per invocation (0...1), nil without invocations.
    public var coldStartRate: Double? { invocations > 0 ? Double(coldStarts) / Double(invocations) : nil }
}
