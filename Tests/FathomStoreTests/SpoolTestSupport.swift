import FathomCore
import Foundation
import Synchronization

@testable import FathomStore

/// A sink that keeps every flight it is sent, optionally failing the first sends or holding each
/// send until released; `stored` keeps one flight per (writer, first), as an idempotent engine would.
final class FakeSink: FlightSink {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private struct State {
        var sent: [Flight] = []
        var failuresLeft = 0
        var alwaysFail = false
        var held = false
    }

    private let state: Mutex<State>
    private let released = SpoolSignal()

    init(failures: Int = 0, alwaysFail: Bool = false, held: Bool = false) {
        state = Mutex(State(failuresLeft: failures, alwaysFail: alwaysFail, held: held))
    }

    func send(_ flight: Flight) throws {
        while true {
            let g = released.generation
            if !state.withLock({ $0.held }) { break }
            released.wait(since: g, timeout: 0.05)
        }
        try state.withLock { s in
            if s.alwaysFail { throw Failure(description: "connection refused (fake)") }
            if s.failuresLeft > 0 {
                s.failuresLeft -= 1
                throw Failure(description: "connection refused (fake), \(s.failuresLeft) failures left")
            }
            s.sent.append(flight)
        }
    }

    /// Lets held sends (and later ones) through.
    func release() {
        state.withLock { $0.held = false }
        released.broadcast()
    }

    /// Every flight received, in order (duplicates included).
    var sent: [Flight] { state.withLock { $0.sent } }

    /// One flight per (writer, first), the last received.
    var stored: [Flight] {
        var byID: [String: Flight] = [:]
        for f in sent { byID["\(f.writer)/\(f.first)"] = f }
        return byID.values.sorted { $0.first < $1.first }
    }
}

/// Waits up to `timeout` seconds for `condition`.
func eventually(timeout: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return try condition()
}

/// Fast backoffs for tests.
let testBackoff = SpoolBackoff(initial: 0.001, multiplier: 2, maximum: 0.004)

/// A batch for spool tests: one minute of `duration` with `value`, one invocation, one
/// quarantined line, the checkpoint of source `source` at `offset`, and a state.
func spoolBatch(_ i: Int, source: UInt64 = 1, offset: Int64? = nil) -> IngestBatch {
    var b = IngestBatch()
    b.rollups[key("duration")] = [t0: rollup([Double(i)], at: t0 + Int64(i))]
    b.rollups[key("requests", .count)] = [t0 + Int64(i % 2) * minute: rollup([1], at: t0)]
    b.invocations = [invocation("req-\(i)", start: t0 + Int64(i), lines: Array("line \(i)\n".utf8), lineCount: 1)]
    b.quarantine = [
        QuarantineEntry(reason: .badMetricLine, source: "/logs/a.log", line: i, offset: Int64(i) * 10, detail: "d",
                        excerpt: "x")
    ]
    b.checkpoints = [
        SourceCheckpoint(fingerprint: source, fingerprintLength: 4096, path: "/logs/a.log",
                         offset: offset ?? Int64(i) * 100, lines: i)
    ]
    b.state = [UInt8(truncatingIfNeeded: i)]
    return b
}
