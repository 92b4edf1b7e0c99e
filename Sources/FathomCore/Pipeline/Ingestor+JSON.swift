extension Ingestor {
    /// A line that is a JSON object: a Lambda JSON-format platform record, an application record,
    /// an EMF document, a Datadog JSON metric. Returns false when it is none of those (it is then
    /// read as text). A broken object that began like a record is quarantined.
    mutating func handleJSONRecord(_ v: ByteView, _ r: Range<Int>, time: Int64?, stream sid: Int, line: LineRef) -> Bool {
        var f = JSONRecordFields()
        let keys = correlationKeys
        let end = JSONScanner.forEachMember(v, objectAt: r.lowerBound) { m in f.take(v, m, correlationKeys: keys) }
        guard let end else {
            if f.recognised || f.type != nil {
                quarantineLine(.brokenJSON, v, r, detail: "a JSON log record that is not valid JSON (truncated?)")
                return true
            }
            return false
        }
        if JSONScanner.skipWhitespace(v, from: end) < r.upperBound {
            if f.recognised {
                quarantineLine(.brokenJSON, v, r, detail: "unexpected bytes after the JSON record")
                return true
            }
            return false
        }
        let lineTime = f.timeMillis(v) ?? time
        if let type = f.type, type.kind == .string, v.matches("platform.", at: type.value.lowerBound + 1) {
            handlePlatformRecord(v, f, type: type.stringContent, time: lineTime, stream: sid, line: line)
            return true
        }
        let isMetric = f.metricName != nil && f.metricValue != nil && f.metricEpoch != nil
        guard f.recognised || isMetric || !f.correlation.isEmpty || f.errorType != nil else { return false }
        let level = f.logLevel(v)
        let key = resolve(v, f.requestIDRange(v), stream: sid)
        if let t = lineTime {
            streams[sid].lastTime = t
            if let key { _ = inflight.update(key) { $0.note(time: t) } }
        }
        keep(v, line, key: key, stream: sid, initIfNone: true)
        if let key { streams[sid].lastRecord = key }
        streams[sid].lastLevel = level
        noteIDs(v, f, key: key)
        if let key, let et = f.errorType, level.isError || f.hasErrorMessage {
            let type = JSONScanner.string(v, et.value)
            _ = inflight.update(key) { $0.fail(.error, type: type) }
        }
        if let aws = f.aws, aws.kind == .object {
            handleEMF(v, r, aws: aws, time: lineTime, key: key, stream: sid)
        }
        if isMetric { handleJSONMetric(v, f, r, time: lineTime, key: key, stream: sid) }
        if let m = f.message {
            if m.kind == .string {
                let content = m.stringContent
                if v.firstIndex(of: UInt8(ascii: "\\"), from: content.lowerBound, end: content.upperBound) == nil {
                    classifyMessage(v, content, level: level, time: lineTime, key: key, stream: sid, continuation: false)
                } else {
                    var buf: [UInt8] = []
                    swap(&buf, &messageScratch)
                    buf.removeAll(keepingCapacity: true)
                    if JSONScanner.decodeString(v, m.value, into: &buf) {
                        withByteView(buf) { mv in
                            classifyMessage(mv, 0..<mv.count, level: level, time: lineTime, key: key, stream: sid,
                                            continuation: false)
                        }
                    }
                    swap(&buf, &messageScratch)
                }
            } else if m.kind == .object {
                scanEmbeddedJSON(v, m.value, level: level, time: lineTime, key: key, stream: sid)
            }
        }
        return true
    }

    /// Correlation and X-Ray ids of a JSON record.
    mutating func noteIDs(_ v: ByteView, _ f: JSONRecordFields, key: RequestKey?) {
        guard let key, inflight.contains(key) else { return }
        for c in f.correlation {
            if let s = JSONScanner.string(v, c.value), !s.isEmpty { _ = inflight.update(key) { $0.correlation.append(s) } }
        }
        if let x = f.xray, let s = JSONScanner.string(v, x.value), !s.isEmpty {
            _ = inflight.update(key) { if $0.xray == nil { $0.xray = s } }
        }
    }

    /// JSON embedded in an application message (after a runtime prefix, or a JSON `message`).
    mutating func scanEmbeddedJSON(_ v: ByteView, _ m: Range<Int>, level: LogLevel, time: Int64?, key: RequestKey?,
                                   stream sid: Int) {
        var f = JSONRecordFields()
        let keys = correlationKeys
        guard JSONScanner.forEachMember(v, objectAt: m.lowerBound, { f.take(v, $0, correlationKeys: keys) }) != nil else {
            return
        }
        noteIDs(v, f, key: key)
        if let key, let et = f.errorType, f.hasErrorMessage || level.isError {
            let type = JSONScanner.string(v, et.value)
            _ = inflight.update(key) { $0.fail(.error, type: type) }
        }
        if let aws = f.aws, aws.kind == .object {
            handleEMF(v, m, aws: aws, time: time, key: key, stream: sid)
        }
        if f.metricName != nil && f.metricValue != nil && f.metricEpoch != nil {
            handleJSONMetric(v, f, m, time: time, key: key, stream: sid)
        }
        // A JSON string holding JSON (`console.log(JSON.stringify(obj))` in the JSON log format).
        if let inner = f.message, inner.kind == .string, v.at(inner.value.lowerBound + 1) == UInt8(ascii: "{") {
            var buf: [UInt8] = []
            guard JSONScanner.decodeString(v, inner.value, into: &buf) else { return }
            var g = JSONRecordFields()
            withByteView(buf) { iv in
                if JSONScanner.forEachMember(iv, objectAt: 0, { g.take(iv, $0, correlationKeys: keys) }) != nil {
                    noteIDs(iv, g, key: key)
                }
            }
        }
    }

    /// Datadog's JSON metric `{"m": name, "v": value, "e": epoch seconds, "t": [tags]}`.
    mutating func handleJSONMetric(_ v: ByteView, _ f: JSONRecordFields, _ r: Range<Int>, time lineTime: Int64?,
                                   key: RequestKey?, stream sid: Int) {
        guard let nm = f.metricName, nm.kind == .string, let name = JSONScanner.string(v, nm.value), !name.isEmpty,
              let vm = f.metricValue, vm.kind == .number, let em = f.metricEpoch
        else { return }
        guard let value = JSONScanner.double(v, vm.value), value.isFinite, abs(value) <= MonitoringLine.largestValue else {
            quarantineLine(.nonFiniteValue, v, r, detail: "metric \(name)")
            return
        }
        let time = JSONScanner.double(v, em.value).flatMap(TimestampParser.epochToMillis) ?? lineTime ?? 0
        var tags: [Tag] = []
        if let tm = f.metricTags, tm.kind == .array {
            _ = JSONScanner.forEachElement(v, arrayAt: tm.value.lowerBound) { _, kind, er in
                guard kind == .string, let s = JSONScanner.string(v, er) else { return }
                if let colon = s.firstIndex(of: ":") {
                    tags.append(Tag(String(s[..<colon]), String(s[s.index(after: colon)...])))
                } else {
                    tags.append(Tag(s, ""))
                }
            }
        }
        let (function, version) = owner(key, stream: sid)
        aggregator.addCustom(name: Array(name.utf8), kind: .distribution, tags: tags,
                             tagBytes: Array(tags.sorted().map(\.text).joined(separator: ",").utf8),
                             function: function, version: version, value: value, at: time)
        stats.metricSamples += 1
    }

    /// `platform.*` records of the JSON log format.
    mutating func handlePlatformRecord(_ v: ByteView, _ f: JSONRecordFields, type: Range<Int>, time: Int64?,
                                       stream sid: Int, line: LineRef) {
        var rid: Range<Int>? = nil
        var version: Range<Int>? = nil
        var status: Range<Int>? = nil
        var errorType: Range<Int>? = nil
        var tracing: Range<Int>? = nil
        var metrics: JSONMember? = nil
        if let rec = f.record, rec.kind == .object {
            _ = JSONScanner.forEachMember(v, objectAt: rec.value.lowerBound) { m in
                if m.kind == .string {
                    if JSONScanner.keyEquals(v, m, "requestId") { rid = m.stringContent }
                    else if JSONScanner.keyEquals(v, m, "version") { version = m.stringContent }
                    else if JSONScanner.keyEquals(v, m, "status") { status = m.stringContent }
                    else if JSONScanner.keyEquals(v, m, "errorType") { errorType = m.stringContent }
                } else if m.kind == .object {
                    if JSONScanner.keyEquals(v, m, "metrics") { metrics = m }
                    else if JSONScanner.keyEquals(v, m, "tracing"),
                            let value = JSONScanner.member(v, objectAt: m.value.lowerBound, named: "value"),
                            value.kind == .string {
                        tracing = value.stringContent
                    }
                }
            }
        }
        if let rid, rid.isEmpty || !ByteClass.isRequestID(v, rid) { return keepEnvironment(v, line, stream: sid) }
        let t = v.string(type)
        switch t {
        case "platform.start":
            guard let rid else { return keepEnvironment(v, line, stream: sid) }
            handlePlatform(.start(requestID: rid, version: version), v, rid, time: time, stream: sid, line: line)
            if let tracing {
                let root = xrayRoot(v, tracing)
                _ = inflight.update(RequestKey(v, rid)) { if $0.xray == nil { $0.xray = root } }
            }
        case "platform.report":
            guard let rid else { return keepEnvironment(v, line, stream: sid) }
            var rf = ReportFields()
            if let metrics {
                _ = JSONScanner.forEachMember(v, objectAt: metrics.value.lowerBound) { m in
                    guard m.kind == .number, let d = JSONScanner.double(v, m.value), d.isFinite else { return }
                    if JSONScanner.keyEquals(v, m, "durationMs") { rf.durationMs = d }
                    else if JSONScanner.keyEquals(v, m, "billedDurationMs") { rf.billedDurationMs = d }
                    else if JSONScanner.keyEquals(v, m, "memorySizeMB") { rf.memorySizeMB = d }
                    else if JSONScanner.keyEquals(v, m, "maxMemoryUsedMB") { rf.maxMemoryUsedMB = d }
                    else if JSONScanner.keyEquals(v, m, "initDurationMs") { rf.initDurationMs = d }
                    else if JSONScanner.keyEquals(v, m, "restoreDurationMs") { rf.restoreDurationMs = d }
                    else if JSONScanner.keyEquals(v, m, "billedRestoreDurationMs") { rf.billedRestoreDurationMs = d }
                }
            }
            guard rf.durationMs != nil else {
                quarantineLine(.badReport, v, line.range, detail: "platform.report without metrics.durationMs")
                return
            }
            if let status { rf.status = ReportFields.status(v, status) }
            rf.errorType = errorType
            let p = PlatformLine.report(requestID: rid, rf)
            handlePlatform(p, v, rid, time: time, stream: sid, line: line)
            if let tracing, let key = streams[sid].lastRecord {
                let root = xrayRoot(v, tracing)
                _ = inflight.update(key) { if $0.xray == nil { $0.xray = root } }
            }
        case "platform.runtimeDone", "platform.fault", "platform.end":
            let key = resolve(v, rid, stream: sid)
            keep(v, line, key: key, stream: sid, initIfNone: false)
            if let key, inflight.contains(key) {
                let fault = t == "platform.fault"
                let s = status.flatMap { ReportFields.status(v, $0) }
                let type = errorType.map { v.string($0) }
                _ = inflight.update(key) { inv in
                    inv.note(time: time)
                    if fault {
                        inv.fail(.crash, type: "Runtime.ExitError")
                    } else if let s, s != .ok {
                        inv.fail(s, type: type)
                    }
                }
                streams[sid].lastRecord = key
            }
        default:
            keepEnvironment(v, line, stream: sid)
        }
    }

    mutating func keepEnvironment(_ v: ByteView, _ line: LineRef, stream sid: Int) {
        keep(v, line, key: streams[sid].current, stream: sid, initIfNone: true)
    }

    /// The `Root=` of an `X-Amzn-Trace-Id` value (`Root=1-…;Parent=…;Sampled=1`).
    func xrayRoot(_ v: ByteView, _ r: Range<Int>) -> String {
        if let i = v.firstIndex(of: "Root=", from: r.lowerBound, end: r.upperBound) {
            let s = i + 5
            let e = v.firstIndex(of: UInt8(ascii: ";"), from: s, end: r.upperBound) ?? r.upperBound
            return v.string(s..<e)
        }
        return v.string(r)
    }

    /// One or more CloudWatch Logs subscription envelopes on one line (Firehose concatenates them).
    mutating func handleEnvelopes(_ v: ByteView, _ r: Range<Int>) {
        var i = r.lowerBound
        while i < r.upperBound {
            guard v[i] == UInt8(ascii: "{") else {
                quarantineLine(.badEnvelope, v, i..<r.upperBound, detail: "unexpected bytes after an envelope")
                return
            }
            var messageType: Range<Int>? = nil
            var group: Range<Int>? = nil
            var streamName: Range<Int>? = nil
            var events: Range<Int>? = nil
            let end = JSONScanner.forEachMember(v, objectAt: i) { m in
                if JSONScanner.keyEquals(v, m, "messageType"), m.kind == .string { messageType = m.stringContent }
                else if JSONScanner.keyEquals(v, m, "logGroup"), m.kind == .string { group = m.value }
                else if JSONScanner.keyEquals(v, m, "logStream"), m.kind == .string { streamName = m.value }
                else if JSONScanner.keyEquals(v, m, "logEvents"), m.kind == .array { events = m.value }
            }
            guard let end else {
                quarantineLine(.badEnvelope, v, i..<r.upperBound, detail: "not valid JSON (truncated envelope?)")
                return
            }
            if let mt = messageType, v.matches("CONTROL_MESSAGE", at: mt.lowerBound) {
                stats.controlMessages += 1
            } else if let events {
                let groupName = group.flatMap { JSONScanner.string(v, $0) } ?? ""
                let streamText = streamName.flatMap { JSONScanner.string(v, $0) } ?? ""
                let key = Array("cwl\u{0}\(groupName)\u{0}\(streamText)".utf8)
                let sid: Int
                if let known = streamIndex[key] {
                    sid = known
                } else {
                    let function = config.function ?? StreamName.function(logGroup: groupName) ?? source?.function ?? "unknown"
                    sid = stream(named: key, function: function, version: StreamName.version(streamText), display: streamText)
                }
                _ = JSONScanner.forEachElement(v, arrayAt: events.lowerBound) { _, kind, er in
                    guard kind == .object else { return }
                    handleEnvelopeEvent(v, er, stream: sid)
                }
            } else {
                quarantineLine(.badEnvelope, v, i..<end, detail: "an envelope without logEvents")
            }
            i = JSONScanner.skipWhitespace(v, from: end)
        }
    }

    /// One `logEvents[]` entry: its message may hold several lines (a REPORT and its XRAY line).
    mutating func handleEnvelopeEvent(_ v: ByteView, _ er: Range<Int>, stream sid: Int) {
        var time: Int64? = nil
        var message: JSONMember? = nil
        _ = JSONScanner.forEachMember(v, objectAt: er.lowerBound) { m in
            if JSONScanner.keyEquals(v, m, "timestamp") {
                time = JSONScanner.double(v, m.value).flatMap(TimestampParser.epochToMillis)
            } else if JSONScanner.keyEquals(v, m, "message"), m.kind == .string {
                message = m
            }
        }
        guard let message else { return }
        stats.envelopeEvents += 1
        var buf: [UInt8] = []
        guard JSONScanner.decodeString(v, message.value, into: &buf) else { return }
        withByteView(buf) { mv in
            var end = mv.count
            if end > 0 && mv[end - 1] == 10 { end -= 1 }
            if end > 0 && mv[end - 1] == 13 { end -= 1 }
            var s = 0
            repeat {
                var e = s
                while e < end && mv[e] != 10 && mv[e] != 13 { e += 1 }
                let sub = ByteClass.trimEnd(mv, s..<e)
                if !sub.isEmpty || s == 0 {
                    handleMessageLine(mv, sub, time: time, stream: sid, display: nil, stamp: true)
                }
                if e < end && mv[e] == 13 && e + 1 < end && mv[e + 1] == 10 { e += 1 }
                s = e + 1
            } while s <= end && s < end
        }
    }
}
