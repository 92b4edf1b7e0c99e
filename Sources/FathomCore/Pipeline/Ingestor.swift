/// Turns log bytes into invocations, metrics and quarantine entries: the whole batch path of the
/// pure core. Feed it sources one after another (in chunks of any size); take batches to commit.
///
/// ```swift
/// var ingestor = Ingestor(config: IngestConfig())
/// ingestor.begin(SourceInfo.from(path: "checkout.log"))
/// ingestor.feed(bytes)
/// ingestor.end()
/// let batch = ingestor.finish()
/// ```
///
/// Lines are attributed to invocations by request id, never by arrival order, so interleaved
/// streams work; lines without an id join the invocation of their log stream. Not `Sendable`:
/// one task owns an ingestor.
public struct Ingestor {
    public let config: IngestConfig
    public internal(set) var stats = IngestStats()

    var aggregator: MetricAggregator
    var interner = Interner()
    var inflight = InFlightTable()
    var recentlyFinished = RecentRequests()
    /// Request ids in the order their invocations opened (some long finished), for the in-flight cap.
    var openOrder: [RequestKey] = []
    var openHead = 0
    var streams: [StreamState] = []
    var streamIndex: [[UInt8]: Int] = [:]
    /// Slots of `streams` forgotten by `forgetStreams`, reused by the next new stream.
    var freeStreams: [Int] = []
    var finished: [Invocation] = []
    var quarantine: [QuarantineEntry] = []
    var correlationKeys: [[UInt8]]
    var scratch: [UInt8] = []
    var messageScratch: [UInt8] = []

    // The source being read.
    var source: SourceInfo?
    /// Whether a source is being read, and its name (kept apart: reading `source` copies four strings).
    var reading = false
    var sourceName = "-"
    var framer = LineFramer()
    var sourceStream = 0
    var sourceFormat: InputFormat = .auto
    var formatDecided = false
    var skipBytes: Int64 = 0
    var fingerprint: (value: UInt64, length: Int)?
    var lastTailStream: Int?
    var currentLine = LineFramer.Line(number: 0, offset: 0, overlong: false, length: 0)
    var checkpoints: [SourceCheckpoint] = []

    public init(config: IngestConfig) {
        self.config = config
        self.aggregator = MetricAggregator(pricing: config.pricing)
        self.aggregator.maxCustomSeries = config.maxCustomSeries
        self.correlationKeys = config.correlationKeys.map { Array($0.utf8) }
    }

    /// Starts reading a source.
    /// - Parameters:
    ///   - info: what the path says about it.
    ///   - fingerprint: its content fingerprint, for the checkpoint.
    ///   - resume: where an earlier run stopped: those bytes are skipped, line numbers go on.
    ///   - positioned: the caller starts feeding at `resume.offset` itself (it seeked the file),
    ///     rather than from the first byte.
    public mutating func begin(_ info: SourceInfo, fingerprint: (value: UInt64, length: Int)? = nil,
                               resume: (offset: Int64, lines: Int)? = nil, positioned: Bool = false) {
        source = info
        reading = true
        sourceName = info.name
        self.fingerprint = fingerprint
        framer = LineFramer(maxLineBytes: config.maxLineBytes, startLine: resume?.lines ?? 0,
                            startOffset: resume?.offset ?? 0)
        skipBytes = positioned ? 0 : resume?.offset ?? 0
        sourceFormat = info.format ?? config.format
        formatDecided = sourceFormat != .auto
        lastTailStream = nil
        let function = config.function ?? info.function ?? "unknown"
        sourceStream = stream(named: Array("src\u{0}\(info.name)\u{0}\(info.stream ?? "")".utf8), function: function,
                              version: info.version, display: info.stream ?? "")
        stats.sources += 1
    }

    /// Feeds the next bytes of the current source.
    public mutating func feed(_ chunk: [UInt8]) {
        if skipBytes > 0 {
            if Int64(chunk.count) <= skipBytes {
                skipBytes -= Int64(chunk.count)
                return
            }
            let rest = Array(chunk[Int(skipBytes)...])
            skipBytes = 0
            feed(rest)
            return
        }
        stats.bytes += Int64(chunk.count)
        var f = LineFramer()
        swap(&f, &framer)
        f.feed(chunk) { v, r, line in self.handle(v, r, line) }
        swap(&f, &framer)
    }

    /// Ends the current source: a last line without a newline is read too.
    public mutating func end() {
        var f = LineFramer()
        swap(&f, &framer)
        f.finish { v, r, line in self.handle(v, r, line) }
        swap(&f, &framer)
        recordCheckpoint(complete: true)
        source = nil
        reading = false
    }

    /// Records that a source was skipped because it was read before.
    public mutating func skipped() { stats.skippedSources += 1 }

    /// Notes a problem with the source itself (unreadable, truncated gzip) in the quarantine.
    public mutating func sourceFailed(_ reason: QuarantineReason, detail: String) {
        let name = sourceName
        addQuarantine(reason, source: name, line: framer.lines, offset: framer.seen, detail: detail, excerpt: "")
    }

    mutating func recordCheckpoint(complete: Bool) {
        guard let src = source, let fp = fingerprint else { return }
        let offset = complete ? framer.seen : framer.consumed
        checkpoints.removeAll { $0.fingerprint == fp.value && $0.fingerprintLength == fp.length }
        checkpoints.append(SourceCheckpoint(fingerprint: fp.value, fingerprintLength: fp.length, path: src.name,
                                            offset: offset, lines: framer.lines, file: src.file))
    }

    /// Everything completed so far: finished invocations, rollups, quarantine and checkpoints.
    /// Invocations still running stay in flight.
    public mutating func takeBatch() -> IngestBatch {
        for i in streams.indices { finalizeReported(stream: i) }
        if reading { recordCheckpoint(complete: false) }
        var batch = IngestBatch()
        batch.invocations = finished
        finished.removeAll(keepingCapacity: true)
        batch.rollups = aggregator.take()
        batch.quarantine = quarantine
        quarantine.removeAll()
        batch.checkpoints = checkpoints
        checkpoints.removeAll()
        return batch
    }

    /// Ends the ingestion: invocations whose REPORT never came are handed out as incomplete.
    public mutating func finish() -> IngestBatch {
        for i in streams.indices { finalizeReported(stream: i) }
        var open: [(key: RequestKey, id: String)] = []
        for key in Array(inflight.keys) { open.append((key, inflight.update(key) { $0.requestID }!)) }
        for (key, _) in open.sorted(by: { $0.id < $1.id }) { finalize(key) }
        return takeBatch()
    }

    /// The streams that invocations in flight belong to.
    func inflightStreamIDs() -> [Int] {
        var ids: [Int] = []
        inflight.forEach { _, inv in ids.append(inv.streamID) }
        return ids
    }

    /// Samples that went to an `__other__` series because of the series cap.
    public var overflowSamples: Int { aggregator.overflowSamples }

    /// Forgets metric series not used in the last `takes` batches (call right after `takeBatch`).
    @discardableResult
    public mutating func expireIdleSeries(olderThanTakes takes: Int) -> Int {
        aggregator.expireIdleSeries(olderThanTakes: takes)
    }

    /// The number of series the aggregator holds.
    public var seriesCount: Int { aggregator.seriesCount }

    // MARK: - Streams

    mutating func stream(named key: [UInt8], function: String, version: String?, display: String) -> Int {
        if let i = streamIndex[key] { return i }
        let state = StreamState(function: function, version: version, name: display)
        let i: Int
        if let free = freeStreams.popLast() {
            i = free
            streams[i] = state
        } else {
            i = streams.count
            streams.append(state)
        }
        streamIndex[key] = i
        return i
    }

    // MARK: - Quarantine

    mutating func addQuarantine(_ reason: QuarantineReason, source: String, line: Int, offset: Int64, detail: String,
                                excerpt: String) {
        stats.quarantined[reason, default: 0] += 1
        quarantine.append(QuarantineEntry(reason: reason, source: source, line: line, offset: offset, detail: detail,
                                          excerpt: excerpt))
    }

    mutating func quarantineLine(_ reason: QuarantineReason, _ v: ByteView, _ r: Range<Int>, detail: String) {
        let cut = r.lowerBound..<Swift.min(r.upperBound, r.lowerBound + 200)
        addQuarantine(reason, source: sourceName, line: currentLine.number, offset: currentLine.offset,
                      detail: detail, excerpt: v.string(cut))
    }
}
