/// Where the ingestor stands in one source: its line framer (with a partial last line), the
/// stream its lines go to, its format and its identity. A daemon that tails many files keeps one
/// cursor per file and lends it to the ingestor while that file's new bytes are fed:
///
/// ```swift
/// ingestor.resume(cursor)
/// ingestor.feed(bytes)
/// cursor = ingestor.suspend()
/// ```
public struct SourceCursor: Sendable {
    var source: SourceInfo
    var framer: LineFramer
    var sourceStream: Int
    var sourceFormat: InputFormat
    var formatDecided: Bool
    var skipBytes: Int64
    var fingerprint: FingerprintPrefix?
    var lastTailStream: Int?
    var currentLine: LineFramer.Line

    /// The source's name (the path, as the user gave it).
    public var name: String { source.name }
    /// Bytes up to the end of the last complete line (what a checkpoint records).
    public var consumed: Int64 { framer.consumed }
    /// Bytes seen, a partial last line included.
    public var seen: Int64 { framer.seen }
    /// Complete lines read.
    public var lines: Int { framer.lines }
    /// Whether a last line is waiting for its newline.
    public var hasPartialLine: Bool { framer.hasPartialLine }
    /// The identity the source's checkpoints are recorded under.
    public var identity: FingerprintPrefix? { fingerprint }
}

/// The content identity of a source: FNV-1a 64 of its first `length` bytes.
public struct FingerprintPrefix: Sendable, Hashable {
    public var value: UInt64
    public var length: Int

    public init(value: UInt64, length: Int) {
        self.value = value
        self.length = length
    }

    /// The identity of a source that begins with `prefix`.
    public init(of prefix: some Collection<UInt8>) {
        self.value = Fingerprint.of(prefix)
        self.length = prefix.count
    }
}

extension Ingestor {
    /// Takes the current source's cursor out of the ingestor (recording its checkpoint at the
    /// last complete line); the ingestor then reads no source until `resume` or `begin`.
    public mutating func suspend() -> SourceCursor {
        precondition(reading, "suspend() without a source being read")
        recordCheckpoint(complete: false)
        let cursor = SourceCursor(
            source: source!, framer: framer, sourceStream: sourceStream, sourceFormat: sourceFormat,
            formatDecided: formatDecided, skipBytes: skipBytes,
            fingerprint: fingerprint.map { FingerprintPrefix(value: $0.value, length: $0.length) },
            lastTailStream: lastTailStream, currentLine: currentLine)
        framer = LineFramer()
        source = nil
        reading = false
        sourceName = "-"
        return cursor
    }

    /// Makes `cursor`'s source the current one again.
    public mutating func resume(_ cursor: SourceCursor) {
        precondition(!reading, "resume() while another source is being read: suspend() it first")
        source = cursor.source
        sourceName = cursor.source.name
        framer = cursor.framer
        sourceStream = cursor.sourceStream
        sourceFormat = cursor.sourceFormat
        formatDecided = cursor.formatDecided
        skipBytes = cursor.skipBytes
        fingerprint = cursor.fingerprint.map { ($0.value, $0.length) }
        lastTailStream = cursor.lastTailStream
        currentLine = cursor.currentLine
        reading = true
    }

    /// Changes the identity checkpoints of the current source are recorded under (a file that
    /// was shorter than the fingerprint length has grown, so its fingerprint covers more bytes).
    public mutating func reidentify(_ identity: FingerprintPrefix) {
        fingerprint = (identity.value, identity.length)
    }

    /// The identity checkpoints of the current source are recorded under.
    public var currentIdentity: FingerprintPrefix? {
        fingerprint.map { FingerprintPrefix(value: $0.value, length: $0.length) }
    }

    /// Reads a partial last line of the current source as if its newline had come (a writer
    /// left it unterminated for longer than the idle timeout). Bytes that follow start a new line.
    public mutating func flushPartialLine() {
        guard reading, framer.hasPartialLine else { return }
        var f = LineFramer()
        swap(&f, &framer)
        f.finish { v, r, line in self.handle(v, r, line) }
        swap(&f, &framer)
        stats.flushedPartialLines += 1
    }

    /// Forgets the streams of a source that is gone for good (rotated away and read to its end,
    /// or deleted), unless an invocation in flight still belongs to one of them; returns how
    /// many streams were forgotten. Keeps a long-running daemon's memory flat.
    @discardableResult
    public mutating func forgetStreams(ofSource name: String) -> Int {
        let busy = Set(inflightStreamIDs())
        var forgotten = 0
        for (key, id) in streamIndex where streamBelongs(key, to: name) && !busy.contains(id) {
            streamIndex.removeValue(forKey: key)
            streams[id] = StreamState(function: "", version: nil, name: "")
            freeStreams.append(id)
            forgotten += 1
        }
        return forgotten
    }

    private func streamBelongs(_ key: [UInt8], to name: String) -> Bool {
        let n = Array(name.utf8)
        for prefix in ["src\u{0}", "tail\u{0}"] {
            let p = Array(prefix.utf8)
            if key.count > p.count + n.count, key.starts(with: p), key[p.count..<(p.count + n.count)].elementsEqual(n),
               key[p.count + n.count] == 0 {
                return true
            }
        }
        return false
    }

    /// The number of log streams the ingestor keeps state for.
    public var streamCount: Int { streamIndex.count }

    /// The number of invocations in flight (START seen, not yet finalized).
    public var inFlightCount: Int { inflight.count }
}
