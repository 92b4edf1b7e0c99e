/// An invocation being assembled: what its lines have said so far.
struct InFlightInvocation {
    var requestID: String
    var function: String
    var version: String
    var stream: String
    var streamID: Int
    var hasStart = false
    var reported = false
    /// The START line's own time, the first and last timed lines, the REPORT's own time.
    var startTime: Int64?
    var firstTime: Int64?
    var streamTimeAtStart: Int64?
    var reportTime: Int64?
    var report = StoredReport()
    var status: InvocationStatus = .ok
    var errorType: String?
    var xray: String?
    var correlation: [String] = []
    var lines: [UInt8] = []
    var lineCount = 0
    var killed = false
    /// An error-level line was seen; a following traceback confirms an unhandled error.
    var pendingErrorType: String?

    /// An empty slot's placeholder (no allocation).
    static let vacant = InFlightInvocation(requestID: "", function: "", version: "", stream: "", streamID: 0)

    init(requestID: String, function: String, version: String, stream: String, streamID: Int) {
        self.requestID = requestID
        self.function = function
        self.version = version
        self.stream = stream
        self.streamID = streamID
    }

    mutating func note(time: Int64?) {
        guard let t = time else { return }
        if firstTime == nil || t < firstTime! { firstTime = t }
    }

    mutating func fail(_ s: InvocationStatus, type: String?) {
        status = status.combined(with: s)
        if errorType == nil, let type { errorType = type }
    }

    /// The finished invocation.
    func finished() -> Invocation {
        let duration = report.durationMs
        var start = startTime ?? firstTime
        if start == nil, let end = reportTime, let d = duration { start = end - Int64(d.rounded()) }
        let s = start ?? streamTimeAtStart ?? reportTime ?? 0
        var end = reportTime ?? (s + Int64((duration ?? 0).rounded()))
        if end < s { end = s }
        var st = reported ? status : .incomplete
        if st == .crash, killed, let m = report.maxMemoryUsedMB, let size = report.memorySizeMB, m >= size {
            st = .outOfMemory
        }
        return Invocation(
            requestID: requestID, function: function, version: version, stream: stream, start: s, end: end,
            durationMs: duration, billedDurationMs: report.billedDurationMs, memorySizeMB: report.memorySizeMB,
            maxMemoryUsedMB: report.maxMemoryUsedMB, initDurationMs: report.initDurationMs,
            restoreDurationMs: report.restoreDurationMs, status: st, errorType: errorType, xrayTraceID: xray,
            correlationIDs: correlation.count < 2 ? correlation : Array(Set(correlation)).sorted(), lines: lines, lineCount: lineCount)
    }
}

/// The numbers of a REPORT, kept past the line they came from.
struct StoredReport {
    var durationMs: Double?
    var billedDurationMs: Double?
    var memorySizeMB: Double?
    var maxMemoryUsedMB: Double?
    var initDurationMs: Double?
    var restoreDurationMs: Double?
}

/// What the ingestor knows of one log stream (one execution environment, or one source).
struct StreamState {
    var function: String
    var version: String?
    var name: String
    var lastTime: Int64?
    /// Between a START and its END.
    var current: RequestKey?
    /// The invocation of the last attributed line (continuation lines join it).
    var lastRecord: RequestKey?
    var lastLevel: LogLevel = .unknown
    /// Reported invocations that may still get a line (XRAY, late output) until the next START.
    var reported: [RequestKey] = []
    /// Lines before the first START (INIT output), given to the next invocation.
    var initLines: [UInt8] = []
    var initLineCount = 0
    var initTime: Int64?
}
