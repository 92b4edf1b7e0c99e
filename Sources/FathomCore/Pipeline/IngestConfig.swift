/// How input is read: the layout of each line of a source.
public enum InputFormat: String, Sendable, CaseIterable {
    /// Decide per source (tail prefixes) and per line (CloudWatch envelopes, JSON records).
    case auto
    /// Lines as the runtime and the platform print them (text or Lambda's JSON log format).
    case text
    /// Lambda's JSON log format (read exactly like `text`: every line is classified).
    case json
    /// `aws logs tail` output: `<iso time> <log stream> <message>`.
    case tail
    /// CloudWatch Logs subscription envelopes (`DATA_MESSAGE`), one or more per line.
    case cwl
}

/// Settings of one ingestion.
public struct IngestConfig: Sendable {
    /// The function every line belongs to, overriding log groups and paths.
    public var function: String?
    public var format: InputFormat = .auto
    /// Keys of JSON log lines that hold correlation ids (top level, or inside a JSON message).
    public var correlationKeys: [String] = ["correlation_id", "correlationId", "x-correlation-id"]
    /// Longer lines are quarantined (`line_too_long`) after their first bytes.
    public var maxLineBytes = 8 << 20
    /// A MONITORING timestamp further than this from its line's time is quarantined (ms).
    public var maxSkewMs: Int64 = 3_600_000
    public var pricing = Pricing()
    /// Keep each invocation's log lines (for `fathom trace`).
    public var keepLines = true
    /// At most this many bytes of lines are kept per invocation.
    public var maxLinesPerInvocation = 1 << 20
    /// At most this many invocations are assembled at once; past it the oldest is handed out as
    /// `incomplete` (counted in `IngestStats.evictedInvocations`), so a log of STARTs whose
    /// REPORTs never come cannot grow memory without bound.
    public var maxInFlight = 100_000
    /// At most this many custom metric series; samples of further ones go to their metric's
    /// `__other__` series (counted in `Ingestor.overflowSamples`).
    public var maxCustomSeries = 100_000

    public init() {}
}

/// What the ingestor knows of a source before reading it.
public struct SourceInfo: Sendable, Equatable {
    /// The source as the user named it (a path, or `-`).
    public var name: String
    /// Function, version and log stream implied by the path (`<function>/YYYY/MM/DD/[<version>]<stream>`).
    public var function: String?
    public var version: String?
    public var stream: String?
    /// Device and inode, when the source is a file (recorded with its checkpoints).
    public var file: FileID?
    /// The format of this source, overriding the configured one (HTTP requests name theirs).
    public var format: InputFormat?

    public init(name: String, function: String? = nil, version: String? = nil, stream: String? = nil,
                file: FileID? = nil, format: InputFormat? = nil) {
        self.name = name
        self.format = format
        self.function = function
        self.version = version
        self.stream = stream
        self.file = file
    }

    /// What a path says about the logs in it: the exported layout
    /// `<function>/YYYY/MM/DD/[<version>]<stream>[.log][.gz]`, or a flat file named after its function.
    public static func from(path: String) -> SourceInfo {
        if path == "-" { return SourceInfo(name: path) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        func isDigits(_ s: String, _ n: Int) -> Bool { s.utf8.count == n && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
        var stem = rotationBase(parts.last ?? path)
        for ext in [".gz", ".log", ".txt", ".json", ".ndjson"] where stem.hasSuffix(ext) {
            stem = String(stem.dropLast(ext.utf8.count))
        }
        if parts.count >= 5 {
            let n = parts.count
            if isDigits(parts[n - 4], 4), isDigits(parts[n - 3], 2), isDigits(parts[n - 2], 2) {
                let function = n >= 5 ? parts[n - 5] : nil
                let stream = parts[n - 4] + "/" + parts[n - 3] + "/" + parts[n - 2] + "/" + stem
                return SourceInfo(name: path, function: function, version: StreamName.version(stem), stream: stream)
            }
        }
        return SourceInfo(name: path, function: stem.isEmpty ? nil : stem, version: StreamName.version(stem), stream: nil)
    }
}

/// The name a rotated file had before rotation: `app.log.1`, `app.log.1.gz`, `app.log-20261121`,
/// `app.log-2026-11-21.gz` and `app.log.2026-11-21` are all `app.log`.
public func rotationBase(_ name: String) -> String {
    var s = Substring(name)
    if s.hasSuffix(".gz") { s = s.dropLast(3) }
    func digits(_ t: Substring) -> Bool { !t.isEmpty && t.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
    // `.1` … `.999`
    if let dot = s.lastIndex(of: "."), dot > s.startIndex {
        let tail = s[s.index(after: dot)...]
        if tail.count <= 3 && digits(tail) { return String(s[..<dot]) }
    }
    // `-20261121`, `.2026112103`
    if let sep = s.lastIndex(where: { $0 == "-" || $0 == "." }), sep > s.startIndex {
        let tail = s[s.index(after: sep)...]
        if tail.count >= 8 && digits(tail) { return String(s[..<sep]) }
    }
    // `-2026-11-21`, `.2026-11-21`
    if s.count > 11 {
        let tail = s.suffix(11)
        let u = Array(tail.utf8)
        if (u[0] == 45 || u[0] == 46) && u[5] == 45 && u[8] == 45
            && digits(tail.dropFirst().prefix(4)) && digits(tail.dropFirst(6).prefix(2)) && digits(tail.suffix(2)) {
            return String(s.dropLast(11))
        }
    }
    return name
}

/// Names of log groups and streams.
public enum StreamName {
    /// The text between the first `[` and the following `]` of a log stream name
    /// (`2019/03/13/[$LATEST]94fa…` → `$LATEST`), if any.
    public static func version(_ stream: String) -> String? {
        guard let open = stream.firstIndex(of: "["), let close = stream[open...].firstIndex(of: "]"),
              stream.index(after: open) < close
        else { return nil }
        return String(stream[stream.index(after: open)..<close])
    }

    /// The function of a log group: `/aws/lambda/<name>` → name; Lambda@Edge `/aws/lambda/us-east-1.<name>` → name;
    /// a custom group → its last path segment.
    public static func function(logGroup: String) -> String? {
        guard let last = logGroup.split(separator: "/").last else { return nil }
        if logGroup.hasPrefix("/aws/lambda/"), let dot = last.firstIndex(of: "."),
           last[..<dot].split(separator: "-").count == 3 {
            return String(last[last.index(after: dot)...])
        }
        return String(last)
    }
}
