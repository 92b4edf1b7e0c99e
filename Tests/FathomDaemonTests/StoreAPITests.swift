import FathomCore
import FathomHTTP
import FathomIO
import FathomStore
import Foundation
import Testing
@testable import FathomDaemon

/// The daemon's API over a real store, with its tail loop running on a thread: pushed logs are
/// answered once committed, and reads see them.
@Suite struct StoreAPITests {
    final class Running: @unchecked Sendable {
        let dir: URL
        let store: EmbeddedStore
        let loop: TailLoop
        let api: StoreAPI
        let thread: Thread
        let done = DispatchSemaphore(value: 0)

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-api-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("store.sqlite").path
            store = try EmbeddedStore(path: path)
            var options = TailOptions(paths: [])
            options.pollMillis = 5
            let clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
            loop = try TailLoop(store: store, config: IngestConfig(), options: options, state: nil, clock: clock)
            api = StoreAPI(reader: try EmbeddedStore(path: path), loop: loop, http: HTTPStats(), clock: clock)
            let loop = loop
            let done = done
            thread = Thread {
                try? loop.run()
                done.signal()
            }
            thread.start()
        }

        func stop() {
            loop.stop()
            done.wait()
            try? FileManager.default.removeItem(at: dir)
        }
    }

    static let requestID = "8f5a2c1e-0b7d-4c3a-9e11-2f6b7a8c9d01"
    static let log = """
        START RequestId: \(requestID) Version: 7
        2026-11-20T10:00:00.100Z\t\(requestID)\tINFO\t{"msg":"paid","correlation_id":"ord-1"}
        2026-11-20T10:00:00.150Z\t\(requestID)\tINFO\tMONITORING|1795168800|3|count|orders.placed|#tier:gold
        END RequestId: \(requestID)
        REPORT RequestId: \(requestID)\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB

        """

    @Test func pushedLogsAreQueryableWhenAnswered() async throws {
        let r = try Running()
        defer { r.stop() }
        let answer = await r.api.ingest(Array(Self.log.utf8), function: "payments", format: "text", source: "test")
        #expect(answer.status == 200)
        // Answered after the commit: the reads see it at once.
        let functions = String(decoding: await r.api.functions(from: nil, to: nil).body, as: UTF8.self)
        #expect(functions.contains("\"function\":\"payments\"") || functions.contains("\"function\": \"payments\""))
        let trace = await r.api.trace("ord-1")
        #expect(trace.status == 200)
        #expect(String(decoding: trace.body, as: UTF8.self).contains(Self.requestID))
        let q = await r.api.query("sum:orders.placed{*} by {tier}", from: nil, to: nil, step: "1h")
        #expect(q.status == 200)
        #expect(String(decoding: q.body, as: UTF8.self).contains("gold"))
        let metrics = String(decoding: await r.api.metrics().body, as: UTF8.self)
        #expect(metrics.contains("fathom_function_invocations_total{function=\"payments\",version=\"7\"} 1"))
        #expect(metrics.contains("orders_placed_total{function=\"payments\",tier=\"gold\",version=\"7\"} 3"))
        #expect(metrics.contains("fathom_daemon_lines_total 5"))
        let status = String(decoding: await r.api.status().body, as: UTF8.self)
        #expect(status.contains("\"invocations\": 1"))
    }

    @Test func firehoseEnvelopesAreIngested() async throws {
        let r = try Running()
        defer { r.stop() }
        var events = ""
        for (i, line) in Self.log.split(separator: "\n").enumerated() {
            let message = line.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\t", with: "\\t")
            events += (i == 0 ? "" : ",") + "{\"id\":\"\(i)\",\"timestamp\":\(1_795_168_800_000 + i),\"message\":\"\(message)\"}"
        }
        let envelope = "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"/aws/lambda/refunds\","
            + "\"logStream\":\"2026/11/20/[7]abc\",\"subscriptionFilters\":[\"f\"],\"logEvents\":[\(events)]}"
        try await r.api.ingestEnvelopes([Array(envelope.utf8)], source: "firehose:test")
        let functions = String(decoding: await r.api.functions(from: nil, to: nil).body, as: UTF8.self)
        #expect(functions.contains("refunds"))
        #expect(await r.api.trace(Self.requestID).status == 200)
    }

    @Test func badInputIsAnsweredWithAReason() async throws {
        let r = try Running()
        defer { r.stop() }
        let bad = await r.api.query("sum:fn.invocations{", from: nil, to: nil, step: nil)
        #expect(bad.status == 400)
        #expect(String(decoding: bad.body, as: UTF8.self).contains("error"))
        let format = await r.api.ingest([], function: nil, format: "xml", source: "test")
        #expect(format.status == 400)
        #expect(await r.api.trace("nothing-like-this").status == 404)
        #expect(await r.api.readiness().ready == true || r.loop.status.withLock { !$0.ready })
    }

    @Test func dashboardsAreServedAsText() async throws {
        let r = try Running()
        defer { r.stop() }
        _ = await r.api.ingest(Array(Self.log.utf8), function: "payments", format: "text", source: "test")
        let list = await r.api.dashboards()
        let listing = String(decoding: list.body, as: UTF8.self)
        #expect(list.status == 200 && list.contentType.hasPrefix("text/plain"))
        for name in ["canary", "cold-starts", "function", "overview", "pipeline"] { #expect(listing.contains(name), "\(listing)") }

        let frame = await r.api.dashboard(
            "function", parameters: ["var.function": "payments", "at": "2026-11-20T10:30:00Z", "width": "90", "ascii": "1"])
        let text = String(decoding: frame.body, as: UTF8.self)
        #expect(frame.status == 200 && frame.contentType.hasPrefix("text/plain"))
        #expect(text.contains("payments"), "\(text)")
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 90 })
        #expect(text.utf8.allSatisfy { $0 < 0x80 }, "ascii=1 gives ASCII only")

        #expect(await r.api.dashboard("no-such-board", parameters: [:]).status == 404)
        // A name, never a path.
        #expect(await r.api.dashboard("../../etc/passwd", parameters: [:]).status == 404)
        #expect(await r.api.dashboard("overview", parameters: ["width": "5"]).status == 400)
        #expect(await r.api.dashboard("overview", parameters: ["at": "yesterday-ish"]).status == 400)
        // No rules: no alerts route.
        #expect(await r.api.alerts().status == 404)
    }
}
