/// One function invocation, assembled from its START, log lines, END and REPORT (text or JSON).
///
/// Numbers that the logs did not carry are `nil`, never 0: a Managed Instances `platform.report`
/// has only a duration, a REPORT without `Init Duration` is a warm start.
public struct Invocation: Sendable, Equatable {
    public var requestID: String
    public var function: String
    public var version: String
    /// The log stream (execution environment) it ran in, when known.
    public var stream: String
    /// Milliseconds since the Unix epoch.
    public var start: Int64
    /// Milliseconds since the Unix epoch; `start` plus the duration when the end was not timed.
    public var end: Int64
    public var durationMs: Double?
    public var billedDurationMs: Double?
    public var memorySizeMB: Double?
    public var maxMemoryUsedMB: Double?
    public var initDurationMs: Double?
    public var restoreDurationMs: Double?
    public var status: InvocationStatus
    public var errorType: String?
    public var xrayTraceID: String?
    /// Correlation ids found in its JSON log lines, sorted, without duplicates.
    public var correlationIDs: [String]
    /// Its log lines, each ending in `\n`, in the order they were read.
    public var lines: [UInt8]
    public var lineCount: Int

    public init(
        requestID: String, function: String, version: String, stream: String = "", start: Int64, end: Int64,
        durationMs: Double? = nil, billedDurationMs: Double? = nil, memorySizeMB: Double? = nil,
        maxMemoryUsedMB: Double? = nil, initDurationMs: Double? = nil, restoreDurationMs: Double? = nil,
        status: InvocationStatus = .ok, errorType: String? = nil, xrayTraceID: String? = nil,
        correlationIDs: [String] = [], lines: [UInt8] = [], lineCount: Int = 0
    ) {
        self.requestID = requestID
        self.function = function
        self.version = version
        self.stream = stream
        self.start = start
        self.end = end
        self.durationMs = durationMs
        self.billedDurationMs = billedDurationMs
        self.memorySizeMB = memorySizeMB
        self.maxMemoryUsedMB = maxMemoryUsedMB
        self.initDurationMs = initDurationMs
        self.restoreDurationMs = restoreDurationMs
        self.status = status
        self.errorType = errorType
        self.xrayTraceID = xrayTraceID
        self.correlationIDs = correlationIDs
        self.lines = lines
        self.lineCount = lineCount
    }

    /// A cold start: the environment ran INIT (or a SnapStart restore) before this invocation.
    public var isColdStart: Bool { initDurationMs != nil || restoreDurationMs != nil }
}
