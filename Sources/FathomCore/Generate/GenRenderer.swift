/// Renders generated lines in the output formats, byte for byte as genlogs writes them.
struct GenRenderer {
    let format: GeneratorFormat
    /// cwl into a directory: each line is a bare log event object (`{"id":…}`), grouped into
    /// envelopes later; otherwise each cwl line is a whole envelope with its newline.
    let bareEvents: Bool
    private var time = GenTime()
    private var raw: [UInt8] = []

    init(format: GeneratorFormat, bareEvents: Bool) {
        self.format = format
        self.bareEvents = bareEvents
    }

    /// Appends `line` in the output format (with its trailing newline, except bare cwl events).
    mutating func render(_ line: GenLine, _ c: GenInvocationContext, into out: inout [UInt8]) {
        switch format {
        case .text:
            appendRaw(line, c, into: &out)
            out.append(0x0A)
        case .tail:
            // aws logs tail: `2026-11-20T06:40:00.123000+00:00 <stream> <message>`
            time.appendISO(ms: GenTime.ms(line.time), to: &out)
            out.removeLast()  // the Z
            GenBytes.append("000+00:00 ", to: &out)
            out.append(contentsOf: c.streamName)
            out.append(0x20)
            appendRaw(line, c, into: &out)
            out.append(0x0A)
        case .cwl:
            var message = raw  // borrowed scratch, given back below
            raw = []
            message.removeAll(keepingCapacity: true)
            appendRaw(line, c, into: &message)
            if !bareEvents {
                GenBytes.appendEnvelopeHead(function: c.functionName, stream: c.streamName, to: &out)
                out.append(UInt8(ascii: "["))
            }
            Self.appendEvent(time: line.time, message: message, to: &out)
            raw = message
            if !bareEvents { GenBytes.append("]}\n", to: &out) }
        case .json:
            appendJSON(line, c, into: &out)
            out.append(0x0A)
        }
    }

    /// `{"id":"<µs>","timestamp":<ms>,"message":"…"}`
    static func appendEvent(time: Double, message: [UInt8], to out: inout [UInt8]) {
        let micros = GenTime.micros(time)
        GenBytes.append("{\"id\":\"", to: &out)
        GenBytes.appendInt(micros, to: &out)
        GenBytes.append("\",\"timestamp\":", to: &out)
        GenBytes.appendInt(GenTime.floorDiv(micros, 1000), to: &out)
        GenBytes.append(",\"message\":", to: &out)
        GenBytes.appendJSONString(message, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The line as the runtime prints it (genlogs' `line`).
    private mutating func appendRaw(_ line: GenLine, _ c: GenInvocationContext, into out: inout [UInt8]) {
        switch line.kind {
        case .start:
            GenBytes.append("START RequestId: ", to: &out)
            out.append(contentsOf: c.requestID)
            GenBytes.append(" Version: ", to: &out)
            out.append(contentsOf: c.version)
        case .app(let error, let message):
            if c.isNode {
                time.appendISO(ms: GenTime.ms(line.time), to: &out)
                out.append(0x09)
                out.append(contentsOf: c.requestID)
                GenBytes.append(error ? "\tERROR\t" : "\tINFO\t", to: &out)
            } else {
                GenBytes.append(error ? "[ERROR]\t" : "[INFO]\t", to: &out)
                time.appendISO(ms: GenTime.ms(line.time), to: &out)
                out.append(0x09)
                out.append(contentsOf: c.requestID)
                out.append(0x09)
            }
            out.append(contentsOf: c.messages[message])
        case .timeout:
            time.appendISO(ms: GenTime.ms(line.time), to: &out)
            out.append(0x20)
            out.append(contentsOf: c.requestID)
            out.append(0x20)
            appendTimeoutMessage(c, into: &out)
        case .end:
            GenBytes.append("END RequestId: ", to: &out)
            out.append(contentsOf: c.requestID)
        case .report:
            GenBytes.append("REPORT RequestId: ", to: &out)
            out.append(contentsOf: c.requestID)
            GenBytes.append("\tDuration: ", to: &out)
            GenBytes.appendFixed2(centis: c.durationCentis, to: &out)
            GenBytes.append(" ms\tBilled Duration: ", to: &out)
            GenBytes.appendInt(c.billedMs, to: &out)
            GenBytes.append(" ms\tMemory Size: ", to: &out)
            GenBytes.appendInt(c.memoryMB, to: &out)
            GenBytes.append(" MB\tMax Memory Used: ", to: &out)
            GenBytes.appendInt(c.maxMemoryMB, to: &out)
            GenBytes.append(" MB\t", to: &out)
            if let i = c.initCentis {
                GenBytes.append("Init Duration: ", to: &out)
                GenBytes.appendFixed2(centis: i, to: &out)
                GenBytes.append(" ms\t", to: &out)
            }
        }
    }

    private func appendTimeoutMessage(_ c: GenInvocationContext, into out: inout [UInt8]) {
        GenBytes.append("Task timed out after ", to: &out)
        GenBytes.appendInt(c.timeoutSeconds, to: &out)
        GenBytes.append(".00 seconds", to: &out)
    }

    /// Lambda's JSON log format, as genlogs renders it.
    private mutating func appendJSON(_ line: GenLine, _ c: GenInvocationContext, into out: inout [UInt8]) {
        let ms = GenTime.ms(line.time)
        switch line.kind {
        case .start, .end, .report:
            GenBytes.append("{\"time\":\"", to: &out)
            time.appendISO(ms: ms, to: &out)
            GenBytes.append("\",\"type\":\"", to: &out)
            switch line.kind {
            case .start: GenBytes.append("platform.start", to: &out)
            case .end: GenBytes.append("platform.runtimeDone", to: &out)
            default: GenBytes.append("platform.report", to: &out)
            }
            GenBytes.append("\",\"record\":{\"requestId\":\"", to: &out)
            out.append(contentsOf: c.requestID)
            out.append(UInt8(ascii: "\""))
            switch line.kind {
            case .start:
                GenBytes.append(",\"version\":", to: &out)
                GenBytes.appendJSONString(c.version, to: &out)
            case .end:
                GenBytes.append(",\"status\":\"success\"", to: &out)
            default:
                GenBytes.append(",\"metrics\":{\"durationMs\":", to: &out)
                GenBytes.appendRepr2(centis: c.durationCentis, to: &out)
                GenBytes.append(",\"billedDurationMs\":", to: &out)
                GenBytes.appendInt(c.billedMs, to: &out)
                GenBytes.append(",\"memorySizeMB\":", to: &out)
                GenBytes.appendInt(c.memoryMB, to: &out)
                GenBytes.append(",\"maxMemoryUsedMB\":", to: &out)
                GenBytes.appendInt(c.maxMemoryMB, to: &out)
                if let i = c.initCentis {
                    GenBytes.append(",\"initDurationMs\":", to: &out)
                    GenBytes.appendRepr2(centis: i, to: &out)
                }
                GenBytes.append("},\"status\":\"success\"", to: &out)
            }
            GenBytes.append("}}", to: &out)
        case .timeout, .app:
            GenBytes.append("{\"timestamp\":\"", to: &out)
            time.appendISO(ms: ms, to: &out)
            GenBytes.append("\",\"level\":\"", to: &out)
            if case .app(let error, _) = line.kind, !error {
                GenBytes.append("INFO", to: &out)
            } else {
                GenBytes.append("ERROR", to: &out)
            }
            GenBytes.append("\",\"requestId\":\"", to: &out)
            out.append(contentsOf: c.requestID)
            GenBytes.append("\",\"message\":\"", to: &out)
            if case .app(_, let message) = line.kind {
                GenBytes.appendJSONEscaped(c.messages[message], to: &out)
            } else {
                appendTimeoutMessage(c, into: &out)
            }
            GenBytes.append("\"}", to: &out)
        }
    }
}
