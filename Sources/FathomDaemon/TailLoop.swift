#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FathomCore
import FathomIO
import FathomStore
import Synchronization

/// Log bytes that arrived over HTTP, waiting for the next cycle; `done` runs once they are
/// committed (or could not be).
struct PushedData: Sendable {
    var info: SourceInfo
    var chunks: [[UInt8]]
    /// Add a newline after each chunk (CloudWatch envelopes are one JSON document each).
    var newlineAfterEach: Bool
    var done: @Sendable ((any Error)?) -> Void
}

/// The daemon's ingest loop, on its own thread: walk the watched paths, read what each file
/// gained, feed the ingestor, and commit — data, checkpoints and the ingestor's state in one
/// transaction — every cycle. Nothing here is shared but the inbox, the status and the stop flag.
public final class TailLoop: @unchecked Sendable {
    // Loop thread only.
    var ingestor: Ingestor
    var files: [FileID: TrackedFile] = [:]
    var gzipSources: [FileID: any ByteSource] = [:]
    var options: TailOptions
    var discovery: FileDiscovery
    var nextScan: Int64 = 0
    var buffer: [UInt8] = []
    var readMtimes: [Int64] = []
    var events: [String: Int] = [:]
    var caps: [String: Int] = [:]
    /// The newest checkpoint of every identity this process has read, committed or not, so a
    /// copy of a file (copytruncate, compression) resumes where the reading really stands.
    var latest: [FingerprintPrefix: SourceCheckpoint] = [:]
    /// The file whose cursor holds an identity: a copy with the same identity waits for it.
    var owner: [FingerprintPrefix: FileID] = [:]
    var scanned = false
    /// The next discovery sequence number.
    var nextSeq = 0
    /// Bytes one file may give in this cycle.
    var share = 4 << 20
    /// Batches taken since idle series were last expired, and when that was.
    var takesSinceExpiry = 0
    /// Fathom's own series, stamped with the commit's wall-clock time.
    var pipeline = PipelineMetrics()
    var lastExpiry: Int64 = 0

    // Shared.
    let store: any Store
    let committer: Committer
    let clock: @Sendable () -> Int64
    private let stopFlag = Atomic<Bool>(false)
    private let pendingOptions = Mutex<TailOptions?>(nil)
    private let inbox = Mutex<[PushedData]>([])
    /// The latest status, for HTTP and `fathom status`.
    public let status = Mutex<DaemonStatus>(DaemonStatus())
    /// Cumulative function metrics since start, for `/metrics`.
    public let cumulative = Mutex<CumulativeMetrics>(CumulativeMetrics())
    private let finished = Mutex<Bool>(false)

    /// - Parameters:
    ///   - state: the ingestor state committed last (invocations in flight survive a restart).
    public init(store: any Store, config: IngestConfig, options: TailOptions, state: [UInt8]?,
                clock: @escaping @Sendable () -> Int64) throws {
        self.store = store
        self.options = options
        self.clock = clock
        self.committer = Committer(clock: clock)
        self.ingestor = Ingestor(config: config)
        self.discovery = FileDiscovery(roots: options.paths, include: options.include.map(Glob.init),
                                       exclude: options.exclude.map(Glob.init))
        if let state { try ingestor.restoreState(state) }
        pipeline = PipelineMetrics(baseline: ingestor.stats)
        buffer.reserveCapacity(1 << 20)
        status.withLock {
            $0.startedMillis = clock()
            $0.stats = ingestor.stats
        }
    }

    /// Asks the loop to finish its cycle, commit and return.
    public func stop() { stopFlag.store(true, ordering: .releasing) }

    /// Applies new options at the start of the next cycle (SIGHUP).
    public func reload(_ options: TailOptions) { pendingOptions.withLock { $0 = options } }

    /// Queues bytes that came over HTTP for the next cycle.
    func push(_ data: PushedData) { inbox.withLock { $0.append(data) } }

    /// Runs until `stop()`; throws when a commit fails (after which nothing more is read: the
    /// store holds everything up to the last good commit, and a restart resumes there).
    public func run() throws {
        defer { finished.withLock { $0 = true } }
        while true {
            let stopping = stopFlag.load(ordering: .acquiring)
            let read = try cycle()
            let caughtUp = read == 0 && scanned
            status.withLock { $0.caughtUp = caughtUp }
            if stopping {
                try committer.drain()
                publish()
                return
            }
            if read == 0 { idle() }
        }
    }

    /// One pass: new options, discovery, reads, pushed data, commit. Returns bytes read.
    @discardableResult
    func cycle() throws -> Int {
        if let o = pendingOptions.withLock({ v -> TailOptions? in defer { v = nil }; return v }) {
            options = o
            discovery = FileDiscovery(roots: o.paths, include: o.include.map(Glob.init), exclude: o.exclude.map(Glob.init))
            nextScan = 0
            events["reloaded", default: 0] += 1
        }
        let now = clock()
        if now >= nextScan {
            scan(now: now)
            nextScan = now + Int64(options.scanMillis)
        }
        var read = 0
        // Every file gets a turn every cycle (fair under overload), with a share of the cycle's
        // budget, so that a batch — and memory — stay bounded however slow commits get.
        share = Swift.min(options.readBudgetBytes, Swift.max(256 << 10, options.cycleBudgetBytes / Swift.max(1, files.count)))
        for id in files.keys.sorted(by: { files[$0]!.seq < files[$1]!.seq }) {
            read += service(id, now: now)
        }
        let pushed = inbox.withLock { v -> [PushedData] in defer { v.removeAll() }; return v }
        for p in pushed {
            ingestor.begin(p.info)
            for c in p.chunks {
                ingestor.feed(c)
                if p.newlineAfterEach { ingestor.feed([10]) }
            }
            ingestor.end()
        }
        try commit(callbacks: pushed.map(\.done))
        publish()
        return read
    }

    /// Takes the batch and hands it to the committer, with the state that goes with it.
    func commit(callbacks: [@Sendable ((any Error)?) -> Void]) throws {
        var batch = ingestor.takeBatch()
        takesSinceExpiry += 1
        let now = clock()
        if lastExpiry == 0 { lastExpiry = now }
        if now - lastExpiry >= Self.seriesIdleMillis {
            // Series unused for a whole period are forgotten (their data is in the store).
            let n = ingestor.expireIdleSeries(olderThanTakes: takesSinceExpiry)
            events["series_expired", default: 0] += n
            takesSinceExpiry = 0
            lastExpiry = now
        }
        let empty = batch.isEmpty
        if empty && callbacks.isEmpty { return }
        batch.state = ingestor.savedState()
        let mtimes = readMtimes
        readMtimes.removeAll()
        var gauges: [(name: String, value: Double)] = [
            ("fathom.series", Double(ingestor.seriesCount)), ("fathom.in_flight", Double(ingestor.inFlightCount)),
            ("fathom.streams", Double(ingestor.streamCount)),
        ]
        if let oldest = mtimes.min() { gauges.append(("fathom.ingest_lag_seconds", Swift.max(0, Double(now - oldest) / 1000))) }
        pipeline.record(ingestor.stats, gauges: gauges, at: now, into: &batch)
        let rollups = batch.rollups.filter { !PipelineMetrics.isPipelineSeries($0.key.name) }
        let newest = batch.invocations.lazy.map(\.end).max()
        let started = clock()
        do {
            try committer.submit(batch, to: store) { [self] error in
                let end = clock()
                if error == nil { cumulative.withLock { $0.add(rollups) } }
                status.withLock { s in
                    if error != nil {
                        s.commitFailures += 1
                        s.ready = false
                        s.readyReason = "commit failed: \(error!)"
                        return
                    }
                    s.commits += 1
                    if let newest, newest > (s.eventWatermark ?? .min) { s.eventWatermark = newest }
                    s.lastCommitMillis = end
                    s.lastCommitSeconds = Double(end - started) / 1000
                    // Quantiles over a window of at most five minutes.
                    if end - s.lagWindowStart >= 300_000 {
                        s.lag = DDSketch()
                        s.lagWindowStart = end
                    }
                    for m in mtimes {
                        let lag = Swift.max(0, Double(end - m) / 1000)
                        s.lag.add(lag)
                        s.lagSum += lag
                        s.lagCount += 1
                    }
                }
                for c in callbacks { c(error) }
            }
        } catch {
            for c in callbacks { c(error) }
            status.withLock {
                $0.commitFailures += 1
                $0.ready = false
                $0.readyReason = "commit failed: \(error)"
            }
            throw error
        }
    }

    /// Metric series unused this long are forgotten by the aggregator.
    static let seriesIdleMillis: Int64 = 30 * 60_000

    /// Publishes counters for HTTP and `fathom status`.
    func publish() {
        let open = files.values.filter { $0.fd >= 0 }.count
        let resident = residentMemory()
        status.withLock { s in
            s.stats = ingestor.stats
            s.filesWatched = files.count
            s.filesOpen = open
            s.streams = ingestor.streamCount
            s.inFlight = ingestor.inFlightCount
            s.series = ingestor.seriesCount
            s.fileEvents = events
            s.caps = caps
            s.caps["in_flight"] = ingestor.stats.evictedInvocations
            s.caps["series"] = ingestor.overflowSamples
            s.residentBytes = resident
            if scanned && s.commitFailures == 0 {
                s.ready = true
                s.readyReason = "ok"
            }
        }
    }

    /// Waits `pollMillis`, in short steps, waking early to stop or to commit pushed data.
    func idle() {
        var slept = 0
        while slept < options.pollMillis && !stopFlag.load(ordering: .acquiring) && inbox.withLock({ $0.isEmpty }) {
            let step = Swift.min(20, options.pollMillis - slept)
            sleepMillis(step)
            slept += step
        }
    }

    func sleepMillis(_ ms: Int) {
        var ts = timespec(tv_sec: ms / 1000, tv_nsec: (ms % 1000) * 1_000_000)
        nanosleep(&ts, nil)
    }

    func residentMemory() -> Int64 {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 128)
        let n = read(fd, &buf, 127)
        guard n > 0 else { return 0 }
        let fields = String(decoding: buf[0..<n], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return 0 }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
