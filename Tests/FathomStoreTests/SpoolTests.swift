import FathomCore
import Foundation
import GRDB
import Synchronization
import Testing

@testable import FathomStore

@Suite struct SpoolTests {
    @Test func batchesInFlightsOutWithExactTotals() throws {
        let dir = TempDir()
        let spool = try Spool(path: dir.path("spool/s.sqlite"), maxBytes: 1 << 30)
        for i in 1...10 { try spool.commit(spoolBatch(i), now: t0 + Int64(i)) }
        #expect(try spool.backlog().batches == 10)
        let sink = FakeSink()
        // A small flight budget: the size of batches 1...3, so several flights of a few batches each.
        let sizes = try spool.store.spoolPending(maxBytes: Int64.max).map(\.bytes)
        let budget = sizes[0..<3].reduce(0, +)
        let drainer = SpoolDrainer(spool: spool, sink: sink, maxFlightBytes: Int(budget), backoff: testBackoff)
        drainer.start()
        try drainer.flush(timeout: 60)
        drainer.stop()

        let flights = sink.sent
        #expect(flights.count >= 3)
        #expect(flights.first?.first == 1 && flights.first?.last == 3)
        #expect(flights.last?.last == 10)
        // Contiguous, in order, each within the budget, each as large as the budget allows.
        for (a, b) in zip(flights, flights.dropFirst()) { #expect(b.first == a.last + 1) }
        for f in flights {
            let taken = sizes[Int(f.first - 1)..<Int(f.last)].reduce(0, +)
            #expect(taken <= budget)
            if f.last < 10 { #expect(taken + sizes[Int(f.last)] > budget) }
        }
        #expect(flights.allSatisfy { $0.writer == spool.writerID })
        #expect(flights.map(\.committedAt) == flights.map { t0 + $0.last })
        #expect(flights.flatMap { $0.batch.invocations.map(\.requestID) } == (1...10).map { "req-\($0)" })
        #expect(flights.flatMap { $0.batch.quarantine.map(\.line) } == Array(1...10))
        var duration = Rollup()
        var requests = 0
        for f in flights {
            for r in f.batch.rollups[key("duration")]!.values { duration.merge(r) }
            requests += f.batch.rollups[key("requests", .count)]!.values.reduce(0) { $0 + Int($1.count) }
            // Checkpoints: the newest per source; state: the newest.
            #expect(f.batch.checkpoints.count == 1)
            #expect(f.batch.checkpoints.first?.offset == f.last * 100)
            #expect(f.batch.state == [UInt8(f.last)])
        }
        #expect(duration.count == 10 && duration.value(.sum) == 55)
        #expect(requests == 10)
        // The first flight merged batches 1...3 minute by minute.
        #expect(flights[0].batch.rollups[key("duration")]?[t0]?.count == 3)
        #expect(flights[0].batch.rollups[key("requests", .count)]?.count == 2)

        let status = drainer.status()
        #expect(status.batches == 0 && status.bytes == 0 && status.oldestCommittedAt == nil)
        #expect(status.sentBatches == 10)
        #expect(status.sentRows == flights.reduce(0) { $0 + $1.rows })
        // Invocations, quarantine, rollup minutes (one of duration; one or two of requests per flight).
        let requestMinutes = flights.map { $0.first == $0.last ? 1 : 2 }.reduce(0, +)
        #expect(status.sentRows == 10 + 10 + flights.count + requestMinutes)
        #expect(status.failedAttempts == 0 && status.connected && status.lastError == nil)
        #expect(status.maxBytes == 1 << 30)
    }

    @Test func commitStoresDataCheckpointAndStateTogether() throws {
        let dir = TempDir()
        let spool = try Spool(path: dir.path("s.sqlite"), maxBytes: 1 << 20)
        #expect(try spool.checkpoint(forPrefix: [UInt8](repeating: 1, count: 4096), file: nil) == nil)
        var batch = spoolBatch(1)
        let prefix = Array(repeating: UInt8(ascii: "a"), count: 4096)
        batch.checkpoints = [
            SourceCheckpoint(fingerprint: Fingerprint.of(prefix), fingerprintLength: 4096, path: "/logs/a.log",
                             offset: 5000, lines: 7)
        ]
        try spool.commit(batch, now: t0)
        #expect(try spool.checkpoint(forPrefix: prefix, file: nil)?.offset == 5000)
        #expect(try spool.ingestState() == [1])
        #expect(try spool.sources().map(\.path) == ["/logs/a.log"])
        let backlog = try spool.backlog()
        #expect(backlog.batches == 1 && backlog.oldestCommittedAt == t0)
        #expect(backlog.bytes == Int64(BatchCodec.encode(batch).count))

        // A checkpoint the database refuses (length out of range) aborts the whole commit.
        var bad = spoolBatch(2)
        bad.checkpoints[0].fingerprintLength = 5000
        #expect(throws: StoreError.self) { try spool.commit(bad, now: t0 + 1) }
        #expect(try spool.backlog().batches == 1)
        #expect(try spool.ingestState() == [1])

        // An empty batch stores nothing.
        try spool.commit(IngestBatch(), now: t0 + 2)
        #expect(try spool.backlog().batches == 1)
    }

    @Test func failedSendsAreRetriedWithGrowingBackoffAndNothingIsLost() throws {
        let dir = TempDir()
        let spool = try Spool(path: dir.path("s.sqlite"), maxBytes: 1 << 30)
        for i in 1...5 { try spool.commit(spoolBatch(i), now: t0 + Int64(i)) }
        let sink = FakeSink(failures: 4)
        let drainer = SpoolDrainer(spool: spool, sink: sink, backoff: testBackoff)
        drainer.start()
        try drainer.flush(timeout: 60)
        drainer.stop()
        #expect(sink.sent.count == 1)
        #expect(sink.sent.first.map { [$0.first, $0.last] } == [1, 5])
        #expect(sink.sent.first?.batch.invocations.count == 5)
        let status = drainer.status()
        #expect(status.failedAttempts == 4)
        #expect(status.connected)
        #expect(status.lastError?.contains("connection refused (fake)") == true)
        #expect(status.sentBatches == 5)
        #expect(drainer.delays == [0.001, 0.002, 0.004, 0.004])
    }

    @Test func backoffDoublesUpToItsMaximum() {
        let b = SpoolBackoff()
        #expect((1...10).map { b.delay(after: $0) } == [0.25, 0.5, 1, 2, 4, 8, 16, 30, 30, 30])
        #expect(b.delay(after: 10_000) == 30)
    }

    /// After a crash between a successful send and the delete, the same flight is sent again.
    @Test func aFlightSentButNotDeletedIsResentIdenticallyAfterACrash() throws {
        try resendAfterCrash(at: .afterSend)
    }

    /// After a crash between recording the flight and sending it, it is sent as recorded.
    @Test func aFlightRecordedButNotSentIsSentAfterACrash() throws {
        try resendAfterCrash(at: .beforeSend)
    }

    private func resendAfterCrash(at point: SpoolDrainerFailpoint) throws {
        let dir = TempDir()
        let path = dir.path("s.sqlite")
        let sink = FakeSink()
        var writer = ""
        do {
            let spool = try Spool(path: path, maxBytes: 1 << 30)
            writer = spool.writerID
            for i in 1...3 { try spool.commit(spoolBatch(i), now: t0 + Int64(i)) }
            let crashed = Mutex(false)
            let drainer = SpoolDrainer(
                spool: spool, sink: sink, maxFlightBytes: 32 << 20, backoff: testBackoff,
                failpoint: { p in
                    guard p == point else { return false }
                    crashed.withLock { $0 = true }
                    return true
                })
            drainer.start()
            #expect(eventually { crashed.withLock { $0 } })
            drainer.stop()  // the thread has ended already
            #expect(sink.sent.count == (point == .afterSend ? 1 : 0))
            #expect(try spool.store.spoolFlight().map { [$0.first, $0.last] } == [1, 3])
            #expect(drainer.status().sentBatches == 0)
        }
        // A new process: the spool is free again, its flight still recorded.
        let spool = try Spool(path: path, maxBytes: 1 << 30)
        #expect(spool.writerID == writer)
        try spool.commit(spoolBatch(4), now: t0 + 4)  // not part of the recorded flight
        let drainer = SpoolDrainer(spool: spool, sink: sink, backoff: testBackoff)
        drainer.start()
        try drainer.flush(timeout: 60)
        drainer.stop()

        let sent = sink.sent
        #expect(sent.map { [$0.first, $0.last] } == (point == .afterSend ? [[1, 3], [1, 3], [4, 4]] : [[1, 3], [4, 4]]))
        if point == .afterSend {
            #expect(BatchCodec.encode(sent[0].batch) == BatchCodec.encode(sent[1].batch))
            #expect(sent[0].committedAt == sent[1].committedAt && sent[0].writer == sent[1].writer)
        }
        // An idempotent engine stores each flight once: every batch exactly once.
        let stored = sink.stored
        #expect(stored.map(\.first) == [1, 4])
        #expect(stored.flatMap { $0.batch.invocations.map(\.requestID) } == ["req-1", "req-2", "req-3", "req-4"])
        #expect(try spool.store.spoolFlight() == nil)
    }

    @Test func commitWaitsForRoomWhileTheSpoolIsFull() throws {
        let dir = TempDir()
        // Any batch fills it: the first is admitted (the spool is empty), the second waits.
        let spool = try Spool(path: dir.path("s.sqlite"), maxBytes: 1)
        try spool.commit(spoolBatch(1), now: t0 + 1)
        let sink = FakeSink(held: true)
        let drainer = SpoolDrainer(spool: spool, sink: sink, backoff: testBackoff)
        drainer.start()

        let done = Mutex(false)
        let committer = Thread {
            try? spool.commit(spoolBatch(2), now: t0 + 2)
            done.withLock { $0 = true }
        }
        committer.start()
        Thread.sleep(forTimeInterval: 0.3)
        #expect(!done.withLock { $0 }, "commit went through while the spool was full")
        #expect(try spool.backlog().batches == 1)

        sink.release()
        #expect(eventually { done.withLock { $0 } })
        try drainer.flush(timeout: 60)
        drainer.stop()
        #expect(sink.stored.flatMap { $0.batch.invocations.map(\.requestID) } == ["req-1", "req-2"])
    }

    @Test func aHugeBatchIsAdmittedIntoAnEmptySpool() throws {
        let dir = TempDir()
        let spool = try Spool(path: dir.path("s.sqlite"), maxBytes: 10)
        var big = spoolBatch(1)
        big.invocations[0].lines = [UInt8](repeating: 65, count: 100_000)
        try spool.commit(big, now: t0)
        #expect(try spool.backlog().bytes > 100_000)
    }

    @Test func aSecondSpoolOnTheSamePathIsRefused() throws {
        let dir = TempDir()
        let path = dir.path("s.sqlite")
        do {
            let first = try Spool(path: path, maxBytes: 1 << 20)
            let error = #expect(throws: StoreError.self) { try Spool(path: path, maxBytes: 1 << 20) }
            let text = error?.description ?? ""
            #expect(text.contains("the spool \(path) is in use by another Fathom process (pid \(getpid())"), "\(text)")
            #expect(String(decoding: FileManager.default.contents(atPath: path + ".lock") ?? Data(), as: UTF8.self)
                == "\(getpid())\n")
            _ = first
        }
        // Released with its owner.
        let again = try Spool(path: path, maxBytes: 1 << 20)
        #expect(again.writerID.count == 16)
    }

    @Test func writerIDIsSixteenLowercaseHexCharactersKeptAcrossReopens() throws {
        let dir = TempDir()
        let a = try Spool(path: dir.path("a.sqlite"), maxBytes: 1).writerID
        let b = try Spool(path: dir.path("b.sqlite"), maxBytes: 1).writerID
        #expect(a.count == 16 && a.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(a != b)
        #expect(try Spool(path: dir.path("a.sqlite"), maxBytes: 1).writerID == a)
    }

    @Test func flushTimesOutSayingWhatIsLeftAndWhy() throws {
        let dir = TempDir()
        let path = dir.path("s.sqlite")
        let spool = try Spool(path: path, maxBytes: 1 << 20)
        try spool.commit(spoolBatch(1), now: t0)
        let bytes = try spool.backlog().bytes
        let drainer = SpoolDrainer(spool: spool, sink: FakeSink(alwaysFail: true), backoff: testBackoff)
        drainer.start()
        #expect(eventually { drainer.status().failedAttempts > 0 })
        let error = #expect(throws: SpoolError.self) { try drainer.flush(timeout: 0.05) }
        #expect(error == .notDrained(path: path, batches: 1, bytes: bytes, lastError: "connection refused (fake)"))
        #expect(error?.description == "1 batch (0.0 MB) still in the spool at \(path); last error: connection refused (fake)")
        let status = drainer.status()
        #expect(!status.connected && status.batches == 1)
        drainer.stop()

        // Not started: says so.
        let idle = SpoolDrainer(spool: spool, sink: FakeSink())
        let notRunning = #expect(throws: SpoolError.self) { try idle.flush(timeout: 0) }
        #expect(notRunning?.description.hasSuffix("last error: the drainer is not running") == true)
    }

    @Test func stopIsPromptIdempotentAndFineBeforeStart() throws {
        let dir = TempDir()
        let spool = try Spool(path: dir.path("s.sqlite"), maxBytes: 1 << 20)
        SpoolDrainer(spool: spool, sink: FakeSink()).stop()
        try spool.commit(spoolBatch(1), now: t0)
        // A 30 s backoff: stop must not wait for it.
        let drainer = SpoolDrainer(
            spool: spool, sink: FakeSink(alwaysFail: true), backoff: SpoolBackoff(initial: 30, maximum: 30))
        drainer.start()
        #expect(eventually { drainer.status().failedAttempts == 1 })
        let started = Date()
        drainer.stop()
        #expect(Date().timeIntervalSince(started) < 10)
        drainer.stop()
        drainer.start()  // a stopped drainer does not start again
        #expect(drainer.status().failedAttempts == 1)
        #expect(try spool.backlog().batches == 1)
    }

    @Test func resetClearsTheSpool() throws {
        let dir = TempDir()
        let spool = try Spool(path: dir.path("s.sqlite"), maxBytes: 1 << 20)
        for i in 1...2 { try spool.commit(spoolBatch(i), now: t0) }
        try spool.store.recordSpoolFlight(first: 1, last: 2)
        try spool.reset()
        #expect(try spool.backlog().batches == 0)
        #expect(try spool.store.spoolFlight() == nil)
        #expect(try spool.sources().isEmpty && spool.ingestState() == nil)
        // Sequence numbers are not reused: a flight id never names two contents.
        try spool.commit(spoolBatch(3), now: t0)
        #expect(try spool.store.spoolPending(maxBytes: 1).map(\.seq) == [3])
    }
}
