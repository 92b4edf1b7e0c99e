import FathomCore
import FathomIO
import FathomStore
import Foundation
import Synchronization

/// Reads sources into the core `Ingestor` and commits its batches to the store. Each source is
/// recognised by the fingerprint of its first bytes: what an earlier run committed is skipped,
/// and data and checkpoints are committed in one transaction, so a re-run never counts twice.
struct IngestRunner {
    /// Nil for a dry run: parse and aggregate, commit nothing.
    let store: (any Store)?
    var ingestor: Ingestor
    /// Commit after this many input bytes (bounds memory: a batch holds its invocations' lines).
    var batchBytes: Int64 = 8 << 20
    /// Commits run on their own thread while the next batch is parsed: at most one waits.
    private let committer = Committer(clock: nowMillis)
    var replay = false
    var progress: Progress?

    private var sinceCommit: Int64 = 0
    /// Fathom's own series (`fathom.lines`, …), stamped with the data's event time.
    private var pipeline = PipelineMetrics()
    /// The newest invocation end committed so far (ms): the event time of the pipeline samples.
    private var watermark: Int64?
    /// Inputs that could not be opened (missing, unreadable), with messages for people.
    private(set) var failures: [String] = []
    /// Inputs that broke off while being read (truncated or corrupt gzip): what came before the
    /// break was ingested and the break is in the quarantine.
    private(set) var warnings: [String] = []

    init(store: (any Store)?, config: IngestConfig) {
        self.store = store
        self.ingestor = Ingestor(config: config)
    }

    /// Reads every input (files, directories, `-` for standard input), then commits the rest.
    mutating func run(_ paths: [String]) throws -> IngestStats {
        let (files, errors) = expandInputsCollectingErrors(paths.isEmpty ? ["-"] : paths)
        for e in errors { failures.append(e.message) }
        for file in files {
            try read(file)
        }
        try commit(ingestor.finish())
        try committer.drain()
        progress?.done()
        return ingestor.stats
    }

    private mutating func read(_ file: InputFile) throws {
        let source: any ByteSource
        do {
            source = try openInput(path: file.path).source
        } catch let e as InputError {
            failures.append(e.message)
            return
        }
        var src = source
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 20)
        var failure: InputError? = nil
        // The first bytes identify the source.
        do {
            while chunk.count < SourceCheckpoint.maxFingerprintLength {
                if try src.read(into: &chunk, max: (1 << 20) - chunk.count) == 0 { break }
            }
        } catch let e as InputError {
            failure = e
        }
        if chunk.isEmpty && failure == nil { return }
        let prefix = Array(chunk.prefix(SourceCheckpoint.maxFingerprintLength))
        let fingerprint = (value: Fingerprint.of(prefix), length: prefix.count)
        let known = replay ? nil : try store?.checkpoint(forPrefix: prefix)
        var info = SourceInfo.from(path: file.path)
        if file.path == "-" { info.name = "-" }
        // Resumed under the identity it was recorded with, so its checkpoint row moves on.
        let identity = known.map { (value: $0.fingerprint, length: $0.fingerprintLength) } ?? fingerprint
        ingestor.begin(info, fingerprint: identity, resume: known.map { ($0.offset, $0.lines) })
        var total = Int64(chunk.count)
        ingestor.feed(chunk)
        sinceCommit += Int64(chunk.count)
        progress?.advance(file.path, bytes: Int64(chunk.count))
        while failure == nil {
            chunk.removeAll(keepingCapacity: true)
            do {
                if try src.read(into: &chunk, max: 1 << 20) == 0 { break }
            } catch let e as InputError {
                failure = e
                break
            }
            total += Int64(chunk.count)
            ingestor.feed(chunk)
            sinceCommit += Int64(chunk.count)
            progress?.advance(file.path, bytes: Int64(chunk.count))
            if sinceCommit >= batchBytes {
                try commit(ingestor.takeBatch())
            }
        }
        if let failure {
            let reason: QuarantineReason
            switch failure.kind {
            case .truncatedGzip, .corruptGzip, .corruptDeflate: reason = .truncatedInput
            default: reason = .unreadable
            }
            ingestor.sourceFailed(reason, detail: failure.message)
            if reason == .truncatedInput { warnings.append(failure.message) } else { failures.append(failure.message) }
        }
        if let known, total <= known.offset { ingestor.skipped() }
        ingestor.end()
        try commit(ingestor.takeBatch())
    }

    private mutating func commit(_ taken: IngestBatch) throws {
        sinceCommit = 0
        var batch = taken
        for inv in batch.invocations where inv.end > (watermark ?? .min) { watermark = inv.end }
        // Before the first invocation there is no event time yet: the counts wait for one.
        if let watermark, !batch.isEmpty {
            pipeline.record(
                ingestor.stats,
                gauges: [("fathom.series", Double(ingestor.seriesCount)), ("fathom.in_flight", Double(ingestor.inFlightCount))],
                at: watermark, into: &batch)
        }
        guard !batch.isEmpty, let store else { return }
        try committer.submit(batch, to: store)
    }
}

/// Progress on standard error, when it is a terminal: the file, bytes read and the rate.
final class Progress {
    private var bytes: Int64 = 0
    private let started = Date()
    private var last = Date.distantPast
    private var current = ""

    func advance(_ path: String, bytes n: Int64) {
        bytes += n
        current = path
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.25 else { return }
        last = now
        let secs = max(now.timeIntervalSince(started), 0.001)
        let mb = Double(bytes) / 1e6
        let line = String(format: "\r\u{1B}[K%.1f MB  %.0f MB/s  %@", mb, mb / secs, String(current.suffix(60)))
        FileHandle.standardError.write(Data(line.utf8))
    }

    func done() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
