/// The ingestor's state between batches — invocations in flight (START seen, REPORT not yet),
/// what it knows of each log stream, and its counters — as bytes, so that a daemon can commit
/// it in the same transaction as the checkpoints of the batch and pick up where it stopped after
/// a restart: an invocation that began before a crash and ends after it is counted once.
///
/// Taken right after `takeBatch()`, when every cursor's checkpoint matches this state. Sources
/// being read are not part of it: each resumes from its checkpoint.
extension Ingestor {
    /// Format version of `savedState()`.
    static let stateVersion: UInt64 = 1

    /// The state as bytes (see the extension's comment).
    public func savedState() -> [UInt8] {
        var w = StateWriter()
        w.int(Self.stateVersion)
        // Streams, by slot (forgotten slots are written empty, so stream ids stay valid).
        var keyOf = [[UInt8]](repeating: [], count: streams.count)
        for (key, id) in streamIndex { keyOf[id] = key }
        w.int(UInt64(streams.count))
        for (i, s) in streams.enumerated() {
            w.bytes(keyOf[i])
            w.string(s.function)
            w.optString(s.version)
            w.string(s.name)
            w.optInt(s.lastTime)
            w.optKey(s.current)
            w.optKey(s.lastRecord)
            w.int(UInt64(s.lastLevel.rawValue))
            w.int(UInt64(s.reported.count))
            for k in s.reported { w.key(k) }
            w.bytes(s.initLines)
            w.int(UInt64(s.initLineCount))
            w.optInt(s.initTime)
        }
        // Invocations in flight, oldest first (the order the in-flight cap evicts them in).
        var open: [(RequestKey, InFlightInvocation)] = []
        inflight.forEach { open.append(($0, $1)) }
        open.sort { a, b in
            let ta = a.1.startTime ?? a.1.firstTime ?? a.1.streamTimeAtStart ?? 0
            let tb = b.1.startTime ?? b.1.firstTime ?? b.1.streamTimeAtStart ?? 0
            return ta != tb ? ta < tb : a.1.requestID < b.1.requestID
        }
        w.int(UInt64(open.count))
        for (key, inv) in open {
            w.key(key)
            w.string(inv.requestID)
            w.string(inv.function)
            w.string(inv.version)
            w.string(inv.stream)
            w.int(UInt64(inv.streamID))
            w.int((inv.hasStart ? 1 : 0) | (inv.reported ? 2 : 0) | (inv.killed ? 4 : 0))
            w.optInt(inv.startTime)
            w.optInt(inv.firstTime)
            w.optInt(inv.streamTimeAtStart)
            w.optInt(inv.reportTime)
            for d in [inv.report.durationMs, inv.report.billedDurationMs, inv.report.memorySizeMB,
                      inv.report.maxMemoryUsedMB, inv.report.initDurationMs, inv.report.restoreDurationMs] {
                w.optDouble(d)
            }
            w.string(inv.status.rawValue)
            w.optString(inv.errorType)
            w.optString(inv.xray)
            w.int(UInt64(inv.correlation.count))
            for c in inv.correlation { w.string(c) }
            w.bytes(inv.lines)
            w.int(UInt64(inv.lineCount))
            w.optString(inv.pendingErrorType)
        }
        // Counters, so that they run on across restarts.
        let s = stats
        for n in [s.sources, s.skippedSources, s.lines, s.blankLines, s.envelopeEvents, s.controlMessages,
                  s.attributedLines, s.plainLines, s.metricSamples, s.invocations, s.incompleteInvocations,
                  s.reportsWithoutStart, s.evictedInvocations, s.flushedPartialLines] {
            w.int(UInt64(n))
        }
        w.int(UInt64(s.bytes))
        w.int(UInt64(s.quarantined.count))
        for (reason, n) in s.quarantined.sorted(by: { $0.key < $1.key }) {
            w.string(reason.rawValue)
            w.int(UInt64(n))
        }
        w.int(UInt64(s.functions.count))
        for f in s.functions.sorted() { w.string(f) }
        return w.out
    }

    /// Restores a state saved by `savedState()` into a fresh ingestor (no source being read).
    public mutating func restoreState(_ bytes: [UInt8]) throws(SerializationError) {
        var r = ByteReader(bytes, type: "ingestor state")
        let version = try r.readVarInt("format version")
        guard version == Self.stateVersion else { throw r.error("format version \(version), expected \(Self.stateVersion)") }
        var newStreams: [StreamState] = []
        var newIndex: [[UInt8]: Int] = [:]
        var free: [Int] = []
        let streamCount = try r.count("stream count", max: 10_000_000)
        for i in 0..<streamCount {
            let key = try r.readBytes("stream key")
            var s = StreamState(function: try r.readString("stream function"), version: try r.readOptString("stream version"),
                                name: try r.readString("stream name"))
            s.lastTime = try r.readOptInt("stream time")
            s.current = try r.readOptKey("stream current request")
            s.lastRecord = try r.readOptKey("stream last request")
            s.lastLevel = LogLevel(rawValue: UInt8(truncatingIfNeeded: try r.readVarInt("stream level"))) ?? .unknown
            let reported = try r.count("reported count", max: 1 << 20)
            for _ in 0..<reported { s.reported.append(try r.readKey("reported request")) }
            s.initLines = try r.readBytes("INIT lines")
            s.initLineCount = Int(try r.readVarInt("INIT line count"))
            s.initTime = try r.readOptInt("INIT time")
            newStreams.append(s)
            if key.isEmpty { free.append(i) } else { newIndex[key] = i }
        }
        var table = InFlightTable()
        var order: [RequestKey] = []
        let openCount = try r.count("in-flight count", max: 100_000_000)
        for _ in 0..<openCount {
            let key = try r.readKey("request key")
            var inv = InFlightInvocation(
                requestID: try r.readString("request id"), function: try r.readString("function"),
                version: try r.readString("version"), stream: try r.readString("stream"),
                streamID: try r.count("stream id", max: streamCount - 1))
            let flags = try r.readVarInt("flags")
            inv.hasStart = flags & 1 != 0
            inv.reported = flags & 2 != 0
            inv.killed = flags & 4 != 0
            inv.startTime = try r.readOptInt("start time")
            inv.firstTime = try r.readOptInt("first time")
            inv.streamTimeAtStart = try r.readOptInt("stream time at start")
            inv.reportTime = try r.readOptInt("report time")
            inv.report.durationMs = try r.readOptDouble("duration")
            inv.report.billedDurationMs = try r.readOptDouble("billed duration")
            inv.report.memorySizeMB = try r.readOptDouble("memory size")
            inv.report.maxMemoryUsedMB = try r.readOptDouble("max memory used")
            inv.report.initDurationMs = try r.readOptDouble("init duration")
            inv.report.restoreDurationMs = try r.readOptDouble("restore duration")
            let status = try r.readString("status")
            guard let st = InvocationStatus(rawValue: status) else { throw r.error("unknown status \(status)") }
            inv.status = st
            inv.errorType = try r.readOptString("error type")
            inv.xray = try r.readOptString("X-Ray id")
            let correlations = try r.count("correlation count", max: 1 << 20)
            for _ in 0..<correlations { inv.correlation.append(try r.readString("correlation id")) }
            inv.lines = try r.readBytes("lines")
            inv.lineCount = Int(try r.readVarInt("line count"))
            inv.pendingErrorType = try r.readOptString("pending error type")
            table.insert(key, inv)
            order.append(key)
        }
        var s = IngestStats()
        s.sources = try r.count("sources", max: Int.max)
        s.skippedSources = try r.count("skipped sources", max: Int.max)
        s.lines = try r.count("lines", max: Int.max)
        s.blankLines = try r.count("blank lines", max: Int.max)
        s.envelopeEvents = try r.count("envelope events", max: Int.max)
        s.controlMessages = try r.count("control messages", max: Int.max)
        s.attributedLines = try r.count("attributed lines", max: Int.max)
        s.plainLines = try r.count("plain lines", max: Int.max)
        s.metricSamples = try r.count("metric samples", max: Int.max)
        s.invocations = try r.count("invocations", max: Int.max)
        s.incompleteInvocations = try r.count("incomplete invocations", max: Int.max)
        s.reportsWithoutStart = try r.count("reports without start", max: Int.max)
        s.evictedInvocations = try r.count("evicted invocations", max: Int.max)
        s.flushedPartialLines = try r.count("flushed partial lines", max: Int.max)
        s.bytes = Int64(try r.count("bytes", max: Int.max))
        let reasons = try r.count("quarantine reasons", max: 1000)
        for _ in 0..<reasons {
            let name = try r.readString("quarantine reason")
            let n = try r.count("quarantined", max: Int.max)
            // A reason this version does not know is kept under the closest one it does.
            s.quarantined[QuarantineReason(rawValue: name) ?? .unreadable, default: 0] += n
        }
        let functions = try r.count("function count", max: 10_000_000)
        for _ in 0..<functions { s.functions.insert(try r.readString("function")) }
        try r.expectEnd()

        streams = newStreams
        streamIndex = newIndex
        freeStreams = free
        inflight = table
        openOrder = order
        openHead = 0
        stats = s
    }
}

/// Appends the pieces of the ingestor state: varints, length-prefixed bytes, optionals with a
/// presence byte.
struct StateWriter {
    var out: [UInt8] = []

    mutating func int(_ v: UInt64) { VarInt.append(v, to: &out) }
    mutating func signed(_ v: Int64) { VarInt.appendSigned(v, to: &out) }
    mutating func bytes(_ b: [UInt8]) {
        int(UInt64(b.count))
        out.append(contentsOf: b)
    }
    mutating func string(_ s: String) { bytes(Array(s.utf8)) }
    mutating func optString(_ s: String?) {
        out.append(s == nil ? 0 : 1)
        if let s { string(s) }
    }
    mutating func optInt(_ v: Int64?) {
        out.append(v == nil ? 0 : 1)
        if let v { signed(v) }
    }
    mutating func optDouble(_ v: Double?) {
        out.append(v == nil ? 0 : 1)
        if let v { VarInt.appendDouble(v, to: &out) }
    }
    mutating func key(_ k: RequestKey) {
        for w in [k.w0, k.w1, k.w2, k.w3, k.w4, k.tail] { int(w) }
        signed(Int64(k.length))
    }
    mutating func optKey(_ k: RequestKey?) {
        out.append(k == nil ? 0 : 1)
        if let k { key(k) }
    }
}

extension ByteReader {
    mutating func count(_ what: @autoclosure () -> String, max: Int) throws(SerializationError) -> Int {
        let v = try readVarInt(what())
        guard v <= UInt64(Swift.max(max, 0)) else { throw error("\(what()) \(v) is out of range") }
        return Int(v)
    }

    mutating func readBytes(_ what: @autoclosure () -> String) throws(SerializationError) -> [UInt8] {
        let n = try count(what() + " length", max: Int(UInt32.max))
        guard n <= bytes.count - position else { throw error("input ends inside the \(what()) (\(n) bytes)") }
        let out = Array(bytes[position..<(position + n)])
        try skip(n)
        return out
    }

    mutating func readString(_ what: @autoclosure () -> String) throws(SerializationError) -> String {
        String(decoding: try readBytes(what()), as: UTF8.self)
    }

    mutating func present(_ what: @autoclosure () -> String) throws(SerializationError) -> Bool {
        let b = try readByte(what())
        guard b <= 1 else { throw error("bad presence byte \(b) for the \(what())", at: position - 1) }
        return b == 1
    }

    mutating func readOptString(_ what: @autoclosure () -> String) throws(SerializationError) -> String? {
        try present(what()) ? try readString(what()) : nil
    }

    mutating func readOptInt(_ what: @autoclosure () -> String) throws(SerializationError) -> Int64? {
        try present(what()) ? try readSignedVarInt(what()) : nil
    }

    mutating func readOptDouble(_ what: @autoclosure () -> String) throws(SerializationError) -> Double? {
        try present(what()) ? try readDouble(what()) : nil
    }

    mutating func readKey(_ what: @autoclosure () -> String) throws(SerializationError) -> RequestKey {
        var k = RequestKey()
        k.w0 = try readVarInt(what())
        k.w1 = try readVarInt(what())
        k.w2 = try readVarInt(what())
        k.w3 = try readVarInt(what())
        k.w4 = try readVarInt(what())
        k.tail = try readVarInt(what())
        k.length = Int32(truncatingIfNeeded: try readSignedVarInt(what()))
        return k
    }

    mutating func readOptKey(_ what: @autoclosure () -> String) throws(SerializationError) -> RequestKey? {
        try present(what()) ? try readKey(what()) : nil
    }
}
