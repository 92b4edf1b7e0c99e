import Testing

@testable import FathomCore

// Hostile and broken input: nothing crashes, the good data around it is counted exactly, and
// every rejected line is quarantined with the right reason.

/// A complete, valid text invocation.
func ptInvocation(_ id: String, duration: String = "10.00", extra: [String] = []) -> String {
    (["START RequestId: \(id) Version: 5"] + extra + [
        "END RequestId: \(id)",
        "REPORT RequestId: \(id)\tDuration: \(duration) ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t",
    ]).joined(separator: "\n") + "\n"
}

/// Counts lines the way the framer does: LF, CRLF or a lone CR ends a line; a tail without one counts.
func ptCountLines(_ bytes: [UInt8]) -> Int {
    var n = 0
    var i = 0
    var open = false
    while i < bytes.count {
        let b = bytes[i]
        if b == 10 || b == 13 {
            n += 1
            open = false
            if b == 13 && i + 1 < bytes.count && bytes[i + 1] == 10 { i += 1 }
        } else {
            open = true
        }
        i += 1
    }
    return n + (open ? 1 : 0)
}

@Suite struct BadInputTests {
    @Test func emptyInput() {
        for chunking in [PTChunking.whole, .byteByByte] {
            let run = PTIngest.run([], chunking: chunking, fingerprint: (0xcbf2_9ce4_8422_2325, 0))
            #expect(run.batch.invocations.isEmpty && run.batch.rollups.isEmpty && run.batch.quarantine.isEmpty)
            #expect(run.stats.lines == 0 && run.stats.bytes == 0 && run.stats.sources == 1)
            #expect(run.batch.checkpoints == [SourceCheckpoint(fingerprint: 0xcbf2_9ce4_8422_2325, fingerprintLength: 0,
                                                               path: "fn.log", offset: 0, lines: 0)])
        }
        // Only newlines.
        let blank = PTIngest.run("\n\r\n\r\n\n")
        #expect(blank.stats.lines == 4 && blank.stats.blankLines == 4 && blank.batch.invocations.isEmpty)
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func randomBinaryGarbageBetweenGoodInvocations(seed: UInt64) {
        var rng = TestRandom(seed: seed)
        var garbage = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        garbage.append(10)
        let before = Array(ptInvocation("aaaaaaaa-0000-4000-8000-000000000001").utf8)
        let after = Array(ptInvocation("bbbbbbbb-0000-4000-8000-000000000002", duration: "20.00").utf8)
        let input = before + garbage + after
        let whole = PTIngest.run(input)
        let chunked = PTIngest.run(input, chunking: .random(seed: seed, max: 5000))
        for run in [whole, chunked] {
            #expect(run.stats.lines == ptCountLines(input))
            #expect(run.stats.invocations == 2 && run.stats.incompleteInvocations == 0)
            #expect(run.invocation("aaaaaaaa-0000-4000-8000-000000000001")?.durationMs == 10)
            #expect(run.invocation("bbbbbbbb-0000-4000-8000-000000000002")?.durationMs == 20)
            #expect(run.invocation("bbbbbbbb-0000-4000-8000-000000000002")?.lineCount == 3)
            #expect(run.total("fn.invocations").sum == 2)
            // Lines with a NUL byte are binary; nothing else is refused, everything is accounted for.
            let reasons = Set(run.reasons)
            #expect(reasons.isSubset(of: [.binary]))
            #expect(run.stats.lines == run.stats.blankLines + run.stats.attributedLines + run.stats.plainLines
                + (run.stats.quarantined[.binary] ?? 0))
        }
        #expect(whole.batch.invocations == chunked.batch.invocations)
        #expect(whole.stats == chunked.stats)
        #expect(whole.batch.quarantine == chunked.batch.quarantine)
    }

    @Test func fiftyMegabyteLine() {
        let head = Array((ptInvocation("cccccccc-0000-4000-8000-000000000003") + "START RequestId: dddddddd-0000-4000-8000-000000000004 Version: 5\n").utf8)
        let huge = [UInt8](repeating: UInt8(ascii: "M"), count: 50 << 20)
        let tail = Array(("\nEND RequestId: dddddddd-0000-4000-8000-000000000004\n"
            + "REPORT RequestId: dddddddd-0000-4000-8000-000000000004\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\n"
            + ptInvocation("eeeeeeee-0000-4000-8000-000000000005")).utf8)
        let input = head + huge + tail
        for chunking in [PTChunking.whole, .random(seed: 7, max: 3 << 20)] {
            let run = PTIngest.run(input, chunking: chunking)
            #expect(run.stats.lines == 10)
            #expect(run.reasons == [.lineTooLong])
            let entry = run.batch.quarantine.first
            #expect(entry?.line == 5)
            #expect(entry?.offset == Int64(head.count))
            #expect(entry?.detail.hasPrefix("\(50 << 20) bytes") == true)
            #expect(entry?.excerpt == String(repeating: "M", count: 200))
            #expect(run.stats.invocations == 3)
            #expect(run.invocation("dddddddd-0000-4000-8000-000000000004")?.durationMs == 5)
            #expect(run.invocation("dddddddd-0000-4000-8000-000000000004")?.lineCount == 3)
            #expect(run.invocation("eeeeeeee-0000-4000-8000-000000000005")?.lineCount == 3)
            #expect(run.stats.attributedLines == 9)
            #expect(run.stats.bytes == Int64(input.count))
        }
    }

    @Test func invalidUTF8() {
        var input = Array("START RequestId: ffffffff-0000-4000-8000-000000000006 Version: 5\n".utf8)
        let bad: [UInt8] = Array("2024-01-01T00:00:00.000Z\tffffffff-0000-4000-8000-000000000006\tINFO\tbad ".utf8) + [0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]
        input += bad + [10]
        input += Array("MONITORING|1704067200|1|count|utf8.metric|#k:".utf8) + [0xfe, 0x41] + [10]
        input += Array("{\"timestamp\":\"2024-01-01T00:00:00.001Z\",\"level\":\"INFO\",\"requestId\":\"ffffffff-0000-4000-8000-000000000006\",\"message\":\"caf".utf8) + [0xe9] + Array("\"}\n".utf8)
        input += Array("REPORT RequestId: ffffffff-0000-4000-8000-000000000006\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tStatus: error\tError Type: Runtime.".utf8) + [0xff] + [10]
        let run = PTIngest.run(input)
        #expect(run.batch.quarantine.isEmpty)
        let inv = run.invocation("ffffffff-0000-4000-8000-000000000006")
        #expect(inv?.lineCount == 5)
        #expect(inv?.status == .error)
        #expect(inv?.errorType == "Runtime.\u{FFFD}")
        // Lines are kept byte for byte.
        #expect(inv?.lines == input)
        let metric = run.series("utf8.metric")
        #expect(metric.first?.tag("k") == "\u{FFFD}A")
        #expect(run.stats.metricSamples == 1)
    }

    @Test func nonFiniteValues() {
        let id = "abababab-0000-4000-8000-000000000007"
        let log = ptInvocation(id, extra: [
            "MONITORING|1704067200|NaN|count|m.nan",
            "MONITORING|1704067200|Infinity|gauge|m.inf",
            "MONITORING|1704067200|-inf|gauge|m.ninf",
            "MONITORING|1704067200|1e400|count|m.big",
            "MONITORING|1e400|1|count|m.epoch",
            "MONITORING|NaN|Count|m.five|ns",
            "MONITORING|1704067200|42|count|m.good",
            "{\"m\":\"dd.inf\",\"v\":1e400,\"e\":1704067200,\"t\":[]}",
            "{\"m\":\"dd.big\",\"v\":-1e300,\"e\":1704067200,\"t\":[]}",  // beyond ±2^360
            "{\"m\":\"dd.ok\",\"v\":-1e100,\"e\":1704067200,\"t\":[]}",
            "{\"_aws\":{\"Timestamp\":1704067200000,\"CloudWatchMetrics\":[{\"Namespace\":\"N\",\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"emf\"}]}]},\"emf\":[1,1e400,-1e999,2]}",
        ])
        let run = PTIngest.run(log)
        let q = Dictionary(grouping: run.reasons, by: { $0 }).mapValues(\.count)
        #expect(q == [.nonFiniteValue: 9, .badMetricValue: 1])
        #expect(run.total("m.good").sum == 42)
        #expect(run.total("dd.ok").sum == -1e100)
        #expect(run.total("emf").count == 2 && run.total("emf").sum == 3)
        #expect(run.series("m.nan").isEmpty && run.series("m.big").isEmpty && run.series("dd.inf").isEmpty)
        #expect(run.stats.metricSamples == 4)
        #expect(run.invocation(id)?.lineCount == 14)
        // A REPORT or platform.report whose duration is not finite is a bad report.
        let reports = PTIngest.run("""
            REPORT RequestId: 01010101-0000-4000-8000-000000000008\tDuration: NaN ms\tBilled Duration: 1 ms
            {"time":"2024-01-01T00:00:00.000Z","type":"platform.report","record":{"requestId":"02020202-0000-4000-8000-000000000009","metrics":{"durationMs":1e400}}}
            REPORT RequestId: 03030303-0000-4000-8000-00000000000a\tDuration: 1e400 ms
            """)
        #expect(reports.reasons == [.badReport, .badReport, .badReport])
        #expect(reports.batch.invocations.isEmpty)
    }

    @Test func epochsOfEveryUnit() {
        let id = "cdcdcdcd-0000-4000-8000-00000000000b"
        // The line time is 2024-01-01T00:00:30Z; every metric lands in the minute 00:00.
        let log = ptInvocation(id, extra: [
            "2024-01-01T00:00:30.000Z\t\(id)\tINFO\tMONITORING|1704067230|1|count|e.s",
            "2024-01-01T00:00:30.000Z\t\(id)\tINFO\tMONITORING|1704067230.999|1|count|e.fs",
            "2024-01-01T00:00:30.000Z\t\(id)\tINFO\tMONITORING|1704067230123|1|count|e.ms",
            "2024-01-01T00:00:30.000Z\t\(id)\tINFO\tMONITORING|1704067230123456|1|count|e.us",
            "2024-01-01T00:00:30.000Z\t\(id)\tINFO\tMONITORING|1704067230123456789|1|count|e.ns",
            "2024-01-01T00:00:30.000Z\t\(id)\tINFO\tMONITORING|1|Count|e.untimed|ns",
            "{\"m\":\"e.dd\",\"v\":1,\"e\":1704067230,\"t\":[]}",
            "{\"m\":\"e.ddms\",\"v\":1,\"e\":1704067230123,\"t\":[]}",
            "{\"_aws\":{\"Timestamp\":1704067230123,\"CloudWatchMetrics\":[{\"Namespace\":\"N\",\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"e.emf\"}]}]},\"e.emf\":1}",
        ])
        let run = PTIngest.run(log)
        #expect(run.batch.quarantine.isEmpty)
        let minute = ptMs("2024-01-01T00:00:00Z")
        for name in ["e.s", "e.fs", "e.ms", "e.us", "e.ns", "e.untimed", "e.dd", "e.ddms", "e.emf"] {
            let keys = run.series(name)
            #expect(keys.count == 1, "\(name)")
            #expect(keys.first.flatMap { run.batch.rollups[$0]?.keys.sorted() } == [minute], "\(name)")
        }
        // The metric's own time is kept (as the rollup's last time).
        let ns = run.series("e.ns")[0]
        #expect(run.batch.rollups[ns]?[minute]?.lastTime == 1_704_067_230_123)
        let untimed = run.series("e.untimed")[0]
        #expect(run.batch.rollups[untimed]?[minute]?.lastTime == 1_704_067_230_000)
    }

    @Test func monitoringTimestampSkew() {
        let id = "efefefef-0000-4000-8000-00000000000c"
        let log = ptInvocation(id, extra: [
            "2024-01-03T00:00:00.000Z\t\(id)\tINFO\tMONITORING|1704067200|1|count|skew.two_days",  // 2 days before
            "2024-01-03T00:00:00.000Z\t\(id)\tINFO\tMONITORING|1704249000|1|count|skew.future",  // 2 h 30 after
            "2024-01-03T00:00:00.000Z\t\(id)\tINFO\tMONITORING|1704241800|1|count|skew.half_hour",  // 30 min after
        ])
        let run = PTIngest.run(log)
        #expect(run.reasons == [.timestampSkew, .timestampSkew])
        #expect(run.batch.quarantine.first?.excerpt == "MONITORING|1704067200|1|count|skew.two_days")
        #expect(run.batch.quarantine.first?.line == 2)
        #expect(run.series("skew.two_days").isEmpty && run.series("skew.future").isEmpty)
        let ok = run.series("skew.half_hour")
        #expect(ok.first.flatMap { run.batch.rollups[$0]?.keys.sorted() } == [ptMs("2024-01-03T00:30:00Z")])
        // A wider window accepts them.
        var config = IngestConfig()
        config.maxSkewMs = 3 * 86_400_000
        let wide = PTIngest.run(log, config: config)
        #expect(wide.batch.quarantine.isEmpty && wide.stats.metricSamples == 3)
    }

    @Test func duplicateStart() {
        let id = "12121212-0000-4000-8000-00000000000d"
        let log = """
            START RequestId: \(id) Version: 5
            START RequestId: \(id) Version: 5
            hello
            END RequestId: \(id)
            REPORT RequestId: \(id)\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB

            """
        let run = PTIngest.run(log)
        #expect(run.reasons == [.duplicateStart])
        #expect(run.batch.quarantine.first?.line == 2)
        #expect(run.batch.invocations.count == 1)
        #expect(run.stats.invocations == 1 && run.stats.incompleteInvocations == 0)
        #expect(run.invocation(id)?.lineCount == 4)
    }

    @Test func reportWithoutStart() {
        let log = """
            2024-01-01T00:00:00.100Z\t34343434-0000-4000-8000-00000000000e\tINFO\tlate line
            REPORT RequestId: 34343434-0000-4000-8000-00000000000e\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB
            REPORT RequestId: 56565656-0000-4000-8000-00000000000f\tDuration: 4.00 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tInit Duration: 99.00 ms
            """
        let run = PTIngest.run(log, source: SourceInfo(name: "x/2024/01/01/[9]abc.log", function: "x", version: "9", stream: "2024/01/01/[9]abc"))
        #expect(run.batch.quarantine.isEmpty)
        #expect(run.stats.invocations == 2 && run.stats.reportsWithoutStart == 2)
        let a = run.invocation("34343434-0000-4000-8000-00000000000e")
        #expect(a?.status == .ok && a?.version == "9" && a?.lineCount == 2 && a?.start == ptMs("2024-01-01T00:00:00.100Z"))
        let b = run.invocation("56565656-0000-4000-8000-00000000000f")
        #expect(b?.isColdStart == true && b?.lineCount == 1)
        #expect(run.total("fn.invocations", ["function": "x", "version": "9"]).sum == 2)
    }

    @Test func startWithoutReport() {
        let log = ptInvocation("78787878-0000-4000-8000-000000000010") + """
            START RequestId: 9a9a9a9a-0000-4000-8000-000000000011 Version: 5
            2024-01-01T00:00:00.100Z\t9a9a9a9a-0000-4000-8000-000000000011\tINFO\tworking
            """
        let run = PTIngest.run(log)
        #expect(run.stats.invocations == 1 && run.stats.incompleteInvocations == 1)
        let cut = run.invocation("9a9a9a9a-0000-4000-8000-000000000011")
        #expect(cut?.status == .incomplete && cut?.durationMs == nil && cut?.lineCount == 2)
        #expect(cut?.start == ptMs("2024-01-01T00:00:00.100Z"))
        #expect(run.total("fn.invocations").sum == 1)  // incomplete ones are no invocations
        // takeBatch keeps it in flight; finish hands it out.
        var ing = Ingestor(config: IngestConfig())
        ing.begin(PTIngest.source)
        ing.feed(Array(log.utf8))
        let partial = ing.takeBatch()
        #expect(partial.invocations.map(\.requestID) == ["78787878-0000-4000-8000-000000000010"])
        ing.end()
        #expect(ing.finish().invocations.map(\.status) == [.incomplete])
    }

    @Test func retriesReuseTheRequestId() {
        // Async retries keep the request id: every REPORT is an invocation (spec 7.1, 8.1).
        let id = "bcbcbcbc-0000-4000-8000-000000000012"
        let sameStream = PTIngest.run(ptInvocation(id) + ptInvocation(id, duration: "20.00"))
        #expect(sameStream.invocations(id).map(\.durationMs) == [10, 20])
        #expect(sameStream.batch.quarantine.isEmpty)
        // Two REPORTs with no START in between.
        let twoReports = PTIngest.run("""
            REPORT RequestId: \(id)\tDuration: 1.00 ms
            REPORT RequestId: \(id)\tDuration: 2.00 ms
            """)
        #expect(twoReports.invocations(id).map(\.durationMs) == [1, 2])
        #expect(twoReports.stats.invocations == 2)
        // The retry ran in another execution environment (another log stream).
        func envelope(_ stream: String, _ t: Int64, _ duration: String) -> String {
            #"{"messageType":"DATA_MESSAGE","logGroup":"/aws/lambda/retry","logStream":"\#(stream)","logEvents":[{"id":"1","timestamp":\#(t),"message":"START RequestId: \#(id) Version: 1\n"},{"id":"2","timestamp":\#(t + 5),"message":"END RequestId: \#(id)\n"},{"id":"3","timestamp":\#(t + 5),"message":"REPORT RequestId: \#(id)\tDuration: \#(duration) ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n"}]}"#
        }
        let streams = PTIngest.run(envelope("2024/01/01/[1]aaa", 1_704_067_200_000, "5.00") + "\n"
            + envelope("2024/01/01/[1]bbb", 1_704_067_260_000, "6.00") + "\n")
        #expect(streams.batch.quarantine.isEmpty)
        #expect(streams.invocations(id).map(\.durationMs) == [5, 6])
        #expect(streams.invocations(id).map(\.stream) == ["2024/01/01/[1]aaa", "2024/01/01/[1]bbb"])
        #expect(streams.invocations(id).allSatisfy { $0.lineCount == 3 })
    }

    @Test func truncatedJSONRecords() {
        let id = "dededede-0000-4000-8000-000000000013"
        let log = """
            {"time":"2024-01-01T00:00:00.000Z","type":"platform.start","record":{"requestId":"\(id)","version":"1"}}
            {"timestamp":"2024-01-01T00:00:00.010Z","level":"INFO","requestId":"\(id)","message":"cut in the mid
            {"time":"2024-01-01T00:00:00.020Z","type":"platform.runtimeDone","record":{"requestId":"\(id)","status":"succ
            {"timestamp":"2024-01-01T00:00:00.030Z","level":"INFO","requestId":"\(id)","message":"ok"} trailing
            {"not":"a log record"
            {"time":"2024-01-01T00:00:00.050Z","type":"platform.report","record":{"requestId":"\(id)","metrics":{"durationMs":50.0,"billedDurationMs":50,"memorySizeMB":128,"maxMemoryUsedMB":60},"status":"success"}}
            """
        let run = PTIngest.run(log)
        #expect(run.reasons == [.brokenJSON, .brokenJSON, .brokenJSON])
        #expect(run.batch.quarantine.map(\.line) == [2, 3, 4])
        let inv = run.invocation(id)
        #expect(inv?.durationMs == 50 && inv?.status == .ok)
        #expect(inv?.lineCount == 3)  // start, the unrecognised object (kept as text), report
        #expect(run.stats.invocations == 1)
    }

    @Test func truncatedEnvelope() {
        let good = IngestorFormatsTests.envelopeA
        let cut = String(IngestorFormatsTests.envelopeB.prefix(400))
        let run = PTIngest.run(cut + "\n" + good + "\n" + "{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"g\"}\n" + good.dropLast() + "\n")
        #expect(run.reasons == [.badEnvelope, .badEnvelope, .badEnvelope])
        #expect(run.batch.quarantine.map(\.line) == [1, 3, 4])
        #expect(run.stats.invocations == 1)
        #expect(run.invocation("6234bffe-149a-b642-81ff-2e8e376d8aff")?.lineCount == 7)
        #expect(run.stats.envelopeEvents == 3)
        // Forced envelope format: a plain text line is a bad envelope too.
        var config = IngestConfig()
        config.format = .cwl
        let forced = PTIngest.run("START RequestId: x Version: 1\n" + good + "\n", config: config)
        #expect(forced.reasons == [.badEnvelope])
        #expect(forced.stats.invocations == 1)
    }
}

/// STARTs whose REPORTs never come cannot grow memory without bound: past `maxInFlight` the
/// oldest is handed out as incomplete, and counted.
@Test func inFlightCapHandsOutTheOldestAsIncomplete() {
    var config = IngestConfig()
    config.function = "flood"
    config.maxInFlight = 100
    var ing = Ingestor(config: config)
    ing.begin(SourceInfo(name: "flood.log"))
    var text = ""
    for i in 0..<1_000 {
        text += "START RequestId: 00000000-0000-4000-8000-\(String(format: i)) Version: 1\n"
    }
    // One complete invocation after the flood still counts.
    text += "START RequestId: done-1 Version: 1\n"
    text += "2026-11-20T10:00:00.000Z\tdone-1\tINFO\thello\n"
    text += "REPORT RequestId: done-1\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\n"
    ing.feed(Array(text.utf8))
    ing.end()
    let batch = ing.finish()
    #expect(ing.stats.evictedInvocations == 901)
    #expect(ing.stats.incompleteInvocations == 1_000)
    #expect(ing.stats.invocations == 1)
    #expect(batch.invocations.count == 1_001)
    #expect(ing.inflight.count == 0)
    #expect(ing.openOrder.count - ing.openHead <= 2 * 100 + 1024)
}

private func String(format i: Int) -> String {
    let digits = Swift.String(i)
    return Swift.String(repeating: "0", count: 12 - digits.count) + digits
}
