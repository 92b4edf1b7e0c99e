/// The members of a JSON log line that Fathom reads, found in one pass.
struct JSONRecordFields {
    var time: JSONMember?
    var type: JSONMember?
    var record: JSONMember?
    var level: JSONMember?
    var requestID: JSONMember?
    var message: JSONMember?
    var errorType: JSONMember?
    var hasErrorMessage = false
    var aws: JSONMember?
    var metricName: JSONMember?
    var metricValue: JSONMember?
    var metricEpoch: JSONMember?
    var metricTags: JSONMember?
    var xray: JSONMember?
    var correlation: [JSONMember] = []
    /// A key that only log records have was seen (so a broken object was meant as a record).
    var recognised = false

    /// Reads member `m` if it is one Fathom knows.
    mutating func take(_ v: ByteView, _ m: JSONMember, correlationKeys: [[UInt8]]) {
        let k = m.key
        guard !k.isEmpty else { return }
        switch k.count {
        case 1:
            switch v[k.lowerBound] {
            case UInt8(ascii: "m"): metricName = m
            case UInt8(ascii: "v"): metricValue = m
            case UInt8(ascii: "e"): metricEpoch = m
            case UInt8(ascii: "t"): metricTags = m
            default: break
            }
            return
        case 4 where v.matches("time", at: k.lowerBound): time = m; recognised = true; return
        case 9 where v.matches("timestamp", at: k.lowerBound): time = m; recognised = true; return
        case 4 where v.matches("type", at: k.lowerBound): type = m; return
        case 6 where v.matches("record", at: k.lowerBound): record = m; return
        case 5 where v.matches("level", at: k.lowerBound), 9 where v.matches("log_level", at: k.lowerBound),
             6 where v.matches("sLevel", at: k.lowerBound):
            if level == nil || m.kind == .string { level = m }
            recognised = true
            return
        case 9 where v.matches("requestId", at: k.lowerBound), 12 where v.matches("AWSRequestId", at: k.lowerBound),
             12 where v.matches("awsRequestId", at: k.lowerBound),
             19 where v.matches("function_request_id", at: k.lowerBound):
            requestID = m
            recognised = true
            return
        case 7 where v.matches("message", at: k.lowerBound), 3 where v.matches("msg", at: k.lowerBound):
            message = m
            return
        case 9 where v.matches("errorType", at: k.lowerBound): errorType = m; return
        case 12 where v.matches("errorMessage", at: k.lowerBound): hasErrorMessage = true; return
        case 4 where v.matches("_aws", at: k.lowerBound): aws = m; recognised = true; return
        case 13 where v.matches("xray_trace_id", at: k.lowerBound): xray = m; return
        default: break
        }
        for ck in correlationKeys where ck.count == k.count {
            var same = true
            for (j, b) in ck.enumerated() where v[k.lowerBound + j] != b {
                same = false
                break
            }
            if same {
                correlation.append(m)
                return
            }
        }
    }

    /// The request id (string content; empty → nil).
    func requestIDRange(_ v: ByteView) -> Range<Int>? {
        guard let m = requestID, m.kind == .string else { return nil }
        let c = m.stringContent
        return c.isEmpty || !ByteClass.isRequestID(v, c) ? nil : c
    }

    /// The level, from a level string or a pino/bunyan number.
    func logLevel(_ v: ByteView) -> LogLevel {
        guard let m = level else { return .unknown }
        if m.kind == .string { return LogLevel.parse(v, m.stringContent) ?? .unknown }
        if m.kind == .number, let d = JSONScanner.double(v, m.value) { return LogLevel(numeric: d) }
        return .unknown
    }

    /// The record's time: an RFC 3339 string or an epoch number. A number below 1e9 is no epoch
    /// (an EMF document may have a metric named `time`, e.g. `"time":100` in the spec's example).
    func timeMillis(_ v: ByteView) -> Int64? {
        guard let m = time else { return nil }
        if m.kind == .string { return TimestampParser.parse(v, at: m.value.lowerBound + 1)?.ms }
        if m.kind == .number, let d = JSONScanner.double(v, m.value), d >= 1e9 { return TimestampParser.epochToMillis(d) }
        return nil
    }
}
