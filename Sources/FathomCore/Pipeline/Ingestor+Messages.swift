extension Ingestor {
    /// A message line: a platform line, a JSON record, a runtime-prefixed application line, or
    /// plain text (a continuation of the line before it in its stream).
    mutating func handleMessageLine(_ v: ByteView, _ r: Range<Int>, time: Int64?, stream sid: Int,
                                    display: Range<Int>?, stamp: Bool = false) {
        // The line ends at r (an event's message can hold several lines): parse nothing beyond it.
        let v = v.slice(0..<r.upperBound)
        if let t = time { streams[sid].lastTime = t }
        let disp = LineRef(range: display ?? r, stampTime: stamp ? time : nil)
        guard !r.isEmpty else {
            handleApp(v, r, level: .unknown, time: time, requestID: nil, stream: sid, line: disp, continuation: true)
            return
        }
        if let p = PlatformLine.parse(v, r) {
            handlePlatform(p, v, r, time: time, stream: sid, line: disp)
            return
        }
        if v[r.lowerBound] == UInt8(ascii: "{"), handleJSONRecord(v, r, time: time, stream: sid, line: disp) {
            return
        }
        if let pre = RuntimePrefix.parse(v, r) {
            handleApp(v, pre.message..<r.upperBound, level: pre.level, time: pre.time ?? time, requestID: pre.requestID,
                      stream: sid, line: disp, continuation: false)
            return
        }
        handleApp(v, r, level: .unknown, time: time, requestID: nil, stream: sid, line: disp, continuation: true)
    }

    // MARK: - Attribution

    /// The invocation a line belongs to: by request id when it has one, else its stream's.
    mutating func resolve(_ v: ByteView, _ rid: Range<Int>?, stream sid: Int) -> RequestKey? {
        if let rid {
            let key = RequestKey(v, rid)
            if inflight.contains(key) { return key }
            if recentlyFinished.contains(key) { return nil }
            openImplicit(key, v, rid, stream: sid)
            return key
        }
        if let last = streams[sid].lastRecord, inflight.contains(last) { return last }
        if let cur = streams[sid].current, inflight.contains(cur) { return cur }
        return nil
    }

    /// Opens an invocation first seen through a line other than its START.
    mutating func openImplicit(_ key: RequestKey, _ v: ByteView, _ rid: Range<Int>, stream sid: Int) {
        var inv = InFlightInvocation(requestID: v.string(rid), function: streams[sid].function,
                                     version: streams[sid].version ?? "unknown", stream: streams[sid].name, streamID: sid)
        inv.streamTimeAtStart = streams[sid].lastTime
        inflight.insert(key, inv)
        openOrder.append(key)
        if inflight.count > config.maxInFlight { evictOldest() }
        if openOrder.count - openHead > 2 * inflight.count + 1024 { compactOpenOrder() }
    }

    /// Drops finished ids from `openOrder`, keeping the order of those still in flight
    /// (amortised O(1) per invocation: it runs when at least half the entries are stale).
    mutating func compactOpenOrder() {
        var kept: [RequestKey] = []
        kept.reserveCapacity(inflight.count + 1024)
        for i in openHead..<openOrder.count where inflight.contains(openOrder[i]) { kept.append(openOrder[i]) }
        openOrder = kept
        openHead = 0
    }

    /// Hands out the oldest invocation still in flight as incomplete (the in-flight cap acted).
    mutating func evictOldest() {
        while openHead < openOrder.count {
            let key = openOrder[openHead]
            openHead += 1
            if inflight.contains(key) {
                if let sid = inflight.update(key, { $0.streamID }) { streams[sid].reported.removeAll { $0 == key } }
                finalize(key)
                stats.evictedInvocations += 1
                break
            }
        }
        if openHead > 4096 && openHead * 2 > openOrder.count {
            openOrder.removeFirst(openHead)
            openHead = 0
        }
    }

    /// Keeps the line with `key`'s invocation, or with the stream's INIT lines, or as plain text.
    mutating func keep(_ v: ByteView, _ line: LineRef, key: RequestKey?, stream sid: Int, initIfNone: Bool) {
        if let key, inflight.contains(key) {
            stats.attributedLines += 1
            // Counted whether or not its bytes are kept (as INIT lines are).
            let keepLines = config.keepLines
            let cap = config.maxLinesPerInvocation
            _ = inflight.update(key) { inv in
                inv.lineCount += 1
                let room = cap - inv.lines.count
                if keepLines && room > 0 { Self.appendLine(v, line, to: &inv.lines, room: room) }
            }
            return
        }
        if initIfNone && streams[sid].current == nil && streams[sid].initLines.count < 65_536 {
            stats.attributedLines += 1
            streams[sid].initLineCount += 1
            if config.keepLines {
                Self.appendLine(v, line, to: &streams[sid].initLines, room: 65_536)
            }
            return
        }
        stats.plainLines += 1
    }

    static func appendLine(_ v: ByteView, _ line: LineRef, to out: inout [UInt8], room: Int) {
        var budget = room
        if let t = line.stampTime, TimestampParser.parse(v, at: line.range.lowerBound) == nil,
           v.at(line.range.lowerBound) != UInt8(ascii: "[") {
            TimestampParser.appendISO(t, to: &out, fraction: true)
            out.append(32)
            budget -= 25
        }
        let r = line.range
        let cut = r.lowerBound..<Swift.max(r.lowerBound, Swift.min(r.upperBound, r.lowerBound + Swift.max(0, budget - 1)))
        v.append(cut, to: &out)
        out.append(10)
    }

    // MARK: - Platform lines

    mutating func handlePlatform(_ p: PlatformLine, _ v: ByteView, _ r: Range<Int>, time: Int64?, stream sid: Int,
                                 line: LineRef) {
        switch p {
        case let .start(rid, version):
            finalizeReported(stream: sid, keepLast: false)
            let key = RequestKey(v, rid)
            if let (reported, hasStart, existingID) = inflight.update(key, { ($0.reported, $0.hasStart, $0.requestID) }) {
                if reported {
                    // A retry reuses the request id (maybe in another log stream): the first is done.
                    retire(key)
                } else if hasStart {
                    quarantineLine(.duplicateStart, v, r, detail: "request \(existingID) has not ended")
                    return
                }
            }
            if !inflight.contains(key) {
                recentlyFinished.remove(key)
                openImplicit(key, v, rid, stream: sid)
            }
            let ver = version.map { interner.intern(v, $0) } ?? streams[sid].version ?? "unknown"
            if streams[sid].version == nil, version != nil { streams[sid].version = ver }
            let streamTime = streams[sid].lastTime
            var initLines: [UInt8] = []
            let initCount = streams[sid].initLineCount
            if initCount > 0 || !streams[sid].initLines.isEmpty {
                swap(&initLines, &streams[sid].initLines)
                streams[sid].initLineCount = 0
            }
            _ = inflight.update(key) { inv in
                inv.hasStart = true
                inv.version = ver
                inv.startTime = time
                inv.streamTimeAtStart = streamTime
                if inv.lines.capacity < 1024 { inv.lines.reserveCapacity(1024) }
                if initCount > 0 || !initLines.isEmpty {
                    inv.lines.append(contentsOf: initLines)
                    inv.lineCount += initCount
                }
            }
            keep(v, line, key: key, stream: sid, initIfNone: false)
            streams[sid].current = key
            streams[sid].lastRecord = key
        case let .end(rid):
            let key = resolve(v, rid, stream: sid)
            keep(v, line, key: key, stream: sid, initIfNone: false)
            if let key {
                _ = inflight.update(key) { $0.note(time: time) }
                if streams[sid].current == key { streams[sid].current = nil }
                streams[sid].lastRecord = key
            }
        case let .report(rid, fields):
            // Every REPORT is an invocation: a second one for a reported id is a retry (spec 7.1).
            let k0 = RequestKey(v, rid)
            if inflight.update(k0, { $0.reported }) == true { retire(k0) }
            guard let key = resolve(v, rid, stream: sid) else {
                // A second REPORT for a request already finished (a retry reuses its id): a new invocation.
                let k = RequestKey(v, rid)
                recentlyFinished.remove(k)
                openImplicit(k, v, rid, stream: sid)
                applyReport(k, fields, v, time: time, stream: sid, line: line)
                return
            }
            applyReport(key, fields, v, time: time, stream: sid, line: line)
        case .malformedReport:
            quarantineLine(.badReport, v, r, detail: "REPORT without a readable request id or Duration")
        case let .xray(trace):
            let key = streams[sid].lastRecord.flatMap { inflight.contains($0) ? $0 : nil }
            if let key {
                // Trace ids are unique: not interned (the interner is for values that repeat).
                let id = v.string(trace)
                _ = inflight.update(key) { if $0.xray == nil { $0.xray = id } }
            }
            keep(v, line, key: key, stream: sid, initIfNone: false)
        case let .runtimeExit(rid, killed):
            let key = resolve(v, rid, stream: sid)
            if let key {
                _ = inflight.update(key) { inv in
                    inv.fail(.crash, type: "Runtime.ExitError")
                    if killed { inv.killed = true }
                }
            }
            keep(v, line, key: key, stream: sid, initIfNone: false)
        case .environment:
            let key = streams[sid].current
            keep(v, line, key: key, stream: sid, initIfNone: true)
        }
    }

    mutating func applyReport(_ key: RequestKey, _ f: ReportFields, _ v: ByteView, time: Int64?, stream sid: Int,
                              line: LineRef) {
        guard inflight.contains(key) else { return }
        keep(v, line, key: key, stream: sid, initIfNone: false)
        let errorType = f.errorType.map { interner.intern(v, $0) }
        let xray = f.xrayTraceID.map { v.string($0) }
        let report = StoredReport(
            durationMs: f.durationMs, billedDurationMs: f.billedDurationMs, memorySizeMB: f.memorySizeMB,
            maxMemoryUsedMB: f.maxMemoryUsedMB, initDurationMs: f.initDurationMs, restoreDurationMs: f.restoreDurationMs)
        let status = f.status
        let hadStart = inflight.update(key) { inv -> Bool in
            inv.reported = true
            inv.reportTime = time
            inv.report = report
            if let s = status, s != .ok {
                inv.fail(errorType == "Runtime.OutOfMemory" ? .outOfMemory : s, type: errorType)
            } else if errorType == "Runtime.OutOfMemory" {
                inv.fail(.outOfMemory, type: errorType)
            }
            if let x = xray, inv.xray == nil { inv.xray = x }
            return inv.hasStart
        }
        if hadStart == false { stats.reportsWithoutStart += 1 }
        streams[sid].reported.append(key)
        streams[sid].lastRecord = key
        if streams[sid].current == key { streams[sid].current = nil }
        if streams[sid].reported.count > 64 { finalize(streams[sid].reported.removeFirst()) }
    }

    // MARK: - Application lines

    /// An application message (after its runtime prefix, if any).
    mutating func handleApp(_ v: ByteView, _ m: Range<Int>, level: LogLevel, time: Int64?, requestID: Range<Int>?,
                            stream sid: Int, line: LineRef, continuation: Bool) {
        let key = resolve(v, requestID, stream: sid)
        if let t = time {
            streams[sid].lastTime = t
            if let key { _ = inflight.update(key) { $0.note(time: t) } }
        }
        keep(v, line, key: key, stream: sid, initIfNone: true)
        if let key { streams[sid].lastRecord = key }
        if !continuation { streams[sid].lastLevel = level }
        classifyMessage(v, m, level: level, time: time ?? streams[sid].lastTime, key: key, stream: sid,
                        continuation: continuation)
    }

    /// Finds what a message means: a metric, a timeout, an unhandled error, embedded JSON.
    mutating func classifyMessage(_ v: ByteView, _ m: Range<Int>, level: LogLevel, time: Int64?, key: RequestKey?,
                                  stream sid: Int, continuation: Bool) {
        guard !m.isEmpty else { return }
        let first = v[m.lowerBound]
        if first == UInt8(ascii: "M") && v.matches("MONITORING|", at: m.lowerBound) {
            handleMonitoring(v, m.lowerBound, m.upperBound, time: time, key: key, stream: sid)
            return
        }
        if first == UInt8(ascii: "{") {
            scanEmbeddedJSON(v, m, level: level, time: time, key: key, stream: sid)
            return
        }
        if first == UInt8(ascii: "T") {
            if v.matches("Task timed out after", at: m.lowerBound) {
                if let key { _ = inflight.update(key) { $0.fail(.timeout, type: "Task timed out") } }
                return
            }
            if v.matches("Traceback (most recent call last):", at: m.lowerBound) {
                if continuation, streams[sid].lastLevel.isError, let key {
                    _ = inflight.update(key) { inv in
                        if let type = inv.pendingErrorType { inv.fail(.error, type: type) }
                    }
                }
                return
            }
        }
        if level.isError, let key {
            if v.matches("Invoke Error", at: m.lowerBound) || v.matches("Uncaught Exception", at: m.lowerBound)
                || v.matches("Unhandled Promise Rejection", at: m.lowerBound) {
                let type = errorTypeInJSON(v, m) ?? "Error"
                _ = inflight.update(key) { $0.fail(.error, type: type) }
                return
            }
            // Python `[ERROR] ValueError: …` then (next line, or in the same message) a traceback.
            let colon = v.firstIndex(of: UInt8(ascii: ":"), from: m.lowerBound, end: Swift.min(m.upperBound, m.lowerBound + 128))
            if let colon, colon > m.lowerBound, !(m.lowerBound..<colon).contains(where: { ByteClass.isSpace(v[$0]) }) {
                let type = interner.intern(v, m.lowerBound..<colon)
                let traceback = v.firstIndex(of: "\nTraceback (most recent call last):", from: colon, end: m.upperBound) != nil
                _ = inflight.update(key) { inv in
                    inv.pendingErrorType = type
                    if traceback { inv.fail(.error, type: type) }
                }
            }
            if let oom = outOfMemoryText(v, m) { _ = inflight.update(key) { $0.fail(.outOfMemory, type: oom) } }
        }
        if let i = v.firstIndex(of: "MONITORING|", from: m.lowerBound, end: m.upperBound) {
            handleMonitoring(v, i, m.upperBound, time: time, key: key, stream: sid)
        }
    }

    /// The `"errorType":"…"` value in a message, if any.
    func errorTypeInJSON(_ v: ByteView, _ m: Range<Int>) -> String? {
        guard let i = v.firstIndex(of: "\"errorType\":\"", from: m.lowerBound, end: m.upperBound) else { return nil }
        let s = i + 13
        guard let e = v.firstIndex(of: UInt8(ascii: "\""), from: s, end: m.upperBound), e > s else { return nil }
        return v.string(s..<e)
    }

    /// Out-of-memory messages of the runtimes.
    func outOfMemoryText(_ v: ByteView, _ m: Range<Int>) -> String? {
        if v.firstIndex(of: "JavaScript heap out of memory", from: m.lowerBound, end: m.upperBound) != nil
            || v.firstIndex(of: "java.lang.OutOfMemoryError", from: m.lowerBound, end: m.upperBound) != nil
            || v.firstIndex(of: "fatal error: runtime: out of memory", from: m.lowerBound, end: m.upperBound) != nil
            || v.firstIndex(of: "MemoryError", from: m.lowerBound, end: Swift.min(m.upperBound, m.lowerBound + 12)) != nil
            || v.firstIndex(of: "failed to allocate memory (NoMemoryError)", from: m.lowerBound, end: m.upperBound) != nil {
            return "Runtime.OutOfMemory"
        }
        return nil
    }

    // MARK: - Finalising

    /// Hands out the stream's reported invocations (all, or all but the one its last line belongs to).
    mutating func finalizeReported(stream sid: Int, keepLast: Bool = true) {
        guard !streams[sid].reported.isEmpty else { return }
        let reported = streams[sid].reported
        streams[sid].reported.removeAll(keepingCapacity: true)
        for key in reported {
            if keepLast && key == streams[sid].lastRecord && reading {
                streams[sid].reported.append(key)
                continue
            }
            finalize(key)
        }
    }

    /// Hands out a reported invocation at once, because its request id begins again.
    mutating func retire(_ key: RequestKey) {
        guard let sid = inflight.update(key, { $0.streamID }) else { return }
        streams[sid].reported.removeAll { $0 == key }
        finalize(key)
    }

    mutating func finalize(_ key: RequestKey) {
        guard let inv = inflight.removeValue(forKey: key) else { return }
        let done = inv.finished()
        if inv.reported {
            stats.invocations += 1
            aggregator.add(done)
        } else {
            stats.incompleteInvocations += 1
        }
        stats.functions.insert(done.function)
        finished.append(done)
        recentlyFinished.insert(key)
        if streams[inv.streamID].lastRecord == key { streams[inv.streamID].lastRecord = nil }
        if streams[inv.streamID].current == key { streams[inv.streamID].current = nil }
    }
}

/// Which bytes of a line to keep with its invocation, and whether to put its event time first
/// (lines out of CloudWatch envelopes have no time of their own).
struct LineRef {
    var range: Range<Int>
    var stampTime: Int64?
}
