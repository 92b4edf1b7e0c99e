import Testing

@testable import FathomCore

// End-to-end tests of the Ingestor on small hand-written logs built from the byte-exact samples
// of the parser specification (log-formats.md sections 1-3, 5c, 6.1, 7).

/// How a test feeds its bytes to the ingestor.
enum PTChunking {
    case whole
    case byteByByte
    /// Random chunk sizes from 0 to `max` bytes, from a seeded generator.
    case random(seed: UInt64, max: Int)
}

/// Everything one ingestion produced.
struct PTRun {
    var batch: IngestBatch
    var stats: IngestStats

    func invocation(_ id: String) -> Invocation? { batch.invocations.first { $0.requestID == id } }
    func invocations(_ id: String) -> [Invocation] { batch.invocations.filter { $0.requestID == id } }

    /// The series named `name` (optionally with tag `key:value`), sorted by key.
    func series(_ name: String, _ tags: [String: String] = [:]) -> [SeriesKey] {
        batch.rollups.keys.filter { k in k.name == name && tags.allSatisfy { k.tag($0.key) == $0.value } }.sorted()
    }

    /// All minutes of `key` merged: (count, sum, min, max).
    func totals(_ key: SeriesKey) -> (count: UInt64, sum: Double, min: Double, max: Double) {
        var count: UInt64 = 0, sum = 0.0, lo = Double.infinity, hi = -Double.infinity
        for (_, r) in batch.rollups[key] ?? [:] {
            count += r.count
            sum += r.sum
            lo = Swift.min(lo, r.min)
            hi = Swift.max(hi, r.max)
        }
        return (count, sum, lo, hi)
    }

    /// Totals of the only series named `name` with `tags`; count 0 when there is none.
    func total(_ name: String, _ tags: [String: String] = [:]) -> (count: UInt64, sum: Double, min: Double, max: Double) {
        let keys = series(name, tags)
        guard keys.count == 1 else { return (0, 0, .infinity, -.infinity) }
        return totals(keys[0])
    }

    /// Quarantine reasons in order.
    var reasons: [QuarantineReason] { batch.quarantine.map(\.reason) }

    /// The log lines kept with an invocation, as strings.
    func lines(_ id: String) -> [String] {
        guard let inv = invocation(id) else { return [] }
        return inv.lines.split(separator: 10, omittingEmptySubsequences: false).dropLast().map {
            String(decoding: $0, as: UTF8.self)
        }
    }
}

enum PTIngest {
    static let source = SourceInfo(name: "fn.log", function: "fn")

    /// Ingests `bytes` as one source fed in the given chunking, and finishes.
    static func run(_ bytes: [UInt8], config: IngestConfig = IngestConfig(), source: SourceInfo = source,
                    chunking: PTChunking = .whole, fingerprint: (value: UInt64, length: Int)? = nil) -> PTRun {
        var ing = Ingestor(config: config)
        ing.begin(source, fingerprint: fingerprint)
        feed(&ing, bytes, chunking)
        ing.end()
        let batch = ing.finish()
        return PTRun(batch: batch, stats: ing.stats)
    }

    static func run(_ text: String, config: IngestConfig = IngestConfig(), source: SourceInfo = source,
                    chunking: PTChunking = .whole) -> PTRun {
        run(Array(text.utf8), config: config, source: source, chunking: chunking)
    }

    static func feed(_ ing: inout Ingestor, _ bytes: [UInt8], _ chunking: PTChunking) {
        switch chunking {
        case .whole:
            ing.feed(bytes)
        case .byteByByte:
            for b in bytes { ing.feed([b]) }
        case let .random(seed, max):
            var rng = TestRandom(seed: seed)
            var i = 0
            while i < bytes.count {
                let n = Int.random(in: 0...max, using: &rng)
                let e = Swift.min(bytes.count, i + n)
                ing.feed(Array(bytes[i..<e]))
                i = e
            }
        }
    }
}

/// Milliseconds of an ISO time, for expectations.
func ptMs(_ iso: String) -> Int64 { ptTime(iso)! }

@Suite struct IngestorFormatsTests {
    // MARK: Node.js

    @Test func nodeTextColdStartWithCRSeparators() {
        // Section 2.9: INIT lines before START, CR as the internal separator (stdout mode), XRAY line.
        let log = """
            INIT_START Runtime Version: nodejs:18.v9\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:7d5f06b69c951da8a48b926ce280a9daf2e8bb1a74fc4a2672580c787d608206
            2019-06-07T19:11:20.100Z\tundefined\tINFO\tLoading function
            START RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac Version: $LATEST
            2019-06-07T19:11:20.562Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tINFO\tENVIRONMENT VARIABLES\r{\r  "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST"\r}
            2019-06-07T19:11:20.564Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tWARN\tEvent not processed.
            END RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac
            REPORT RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\tDuration: 128.83 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 166.62 ms\t
            XRAY TraceId: 1-5d9d007f-0a8c7fd02xmpl480aed55ef0\tSegmentId: 3d752xmpl1bbe37e\tSampled: true\t

            """
        let run = PTIngest.run(log)
        #expect(run.batch.invocations.count == 1)
        guard let inv = run.invocation("c793869b-ee49-115b-a5b6-4fd21e8dedac") else {
            Issue.record("invocation missing")
            return
        }
        #expect(inv.function == "fn")
        #expect(inv.version == "$LATEST")
        #expect(inv.status == .ok)
        #expect(inv.durationMs == 128.83 && inv.billedDurationMs == 200)
        #expect(inv.memorySizeMB == 128 && inv.maxMemoryUsedMB == 74)
        #expect(inv.initDurationMs == 166.62 && inv.isColdStart)
        #expect(inv.restoreDurationMs == nil)
        #expect(inv.xrayTraceID == "1-5d9d007f-0a8c7fd02xmpl480aed55ef0")
        #expect(inv.start == ptMs("2019-06-07T19:11:20.562Z"))
        #expect(inv.end >= inv.start)
        // INIT lines go first; CR splits the ENVIRONMENT message into four lines.
        #expect(inv.lineCount == 11)
        let lines = run.lines("c793869b-ee49-115b-a5b6-4fd21e8dedac")
        #expect(lines.count == 11)
        #expect(lines.first?.hasPrefix("INIT_START") == true)
        #expect(lines[2].hasPrefix("START RequestId"))
        #expect(lines[4] == "{")
        #expect(lines[6] == "}")
        #expect(lines.last?.hasPrefix("XRAY TraceId") == true)
        #expect(run.stats.lines == 11)
        #expect(run.stats.blankLines == 0)
        #expect(run.stats.attributedLines == 11)
        #expect(run.stats.plainLines == 0)
        #expect(run.stats.invocations == 1 && run.stats.incompleteInvocations == 0 && run.stats.reportsWithoutStart == 0)
        #expect(run.batch.quarantine.isEmpty)
        // Built-in metrics.
        #expect(run.total("fn.invocations", ["function": "fn", "version": "$LATEST"]).sum == 1)
        #expect(run.total("fn.cold_starts").sum == 1)
        #expect(run.total("fn.errors").sum == 0)
        #expect(run.total("fn.duration").sum == 128.83)
        #expect(run.total("fn.init_duration").sum == 166.62)
        #expect(run.total("fn.max_memory_used").max == 74)
    }

    @Test func lineCountsWithoutKeptLines() {
        // Line counts do not depend on whether the line bytes are kept.
        var config = IngestConfig()
        config.keepLines = false
        let kept = PTIngest.run(Self.jsonLog)
        let counted = PTIngest.run(Self.jsonLog, config: config)
        #expect(counted.batch.invocations.map(\.lineCount) == kept.batch.invocations.map(\.lineCount))
        #expect(counted.batch.invocations.allSatisfy { $0.lines.isEmpty })
        #expect(counted.stats == kept.stats)
        // A small byte cap keeps the first lines only, and still counts them all.
        config.keepLines = true
        config.maxLinesPerInvocation = 300
        let capped = PTIngest.run(Self.jsonLog, config: config)
        #expect(capped.batch.invocations.map(\.lineCount) == kept.batch.invocations.map(\.lineCount))
        // (INIT lines are handed over whole at START: the cold invocation may hold more.)
        #expect(capped.batch.invocations.dropFirst().allSatisfy { $0.lines.count <= 300 })
        #expect(capped.batch.invocations.allSatisfy { $0.lines.count < kept.batch.invocations[0].lines.count })
    }

    @Test func interleavedInvocationsInOneStream() {
        // Lambda Managed Instances run several requests at once in one environment (JSON format only).
        let log = """
            {"time":"2026-01-08T18:22:35.000Z","type":"platform.start","record":{"requestId":"aaaa0000-0000-4000-8000-000000000001","version":"$LATEST"}}
            {"time":"2026-01-08T18:22:35.001Z","type":"platform.start","record":{"requestId":"bbbb0000-0000-4000-8000-000000000002","version":"$LATEST"}}
            {"timestamp":"2026-01-08T18:22:35.002Z","level":"INFO","requestId":"aaaa0000-0000-4000-8000-000000000001","message":"a1"}
            {"timestamp":"2026-01-08T18:22:35.003Z","level":"ERROR","requestId":"bbbb0000-0000-4000-8000-000000000002","message":"b1","errorType":"Error","errorMessage":"b failed"}
            {"timestamp":"2026-01-08T18:22:35.004Z","level":"INFO","requestId":"aaaa0000-0000-4000-8000-000000000001","message":"a2"}
            {"time":"2026-01-08T18:22:35.343Z","type":"platform.report","record":{"requestId":"bbbb0000-0000-4000-8000-000000000002","metrics":{"durationMs":342.0},"status":"error","errorType":"Error"}}
            {"time":"2026-01-08T18:22:35.500Z","type":"platform.report","record":{"requestId":"aaaa0000-0000-4000-8000-000000000001","metrics":{"durationMs":500.0},"status":"success"}}
            """
        let run = PTIngest.run(log)
        let a = run.invocation("aaaa0000-0000-4000-8000-000000000001")
        let b = run.invocation("bbbb0000-0000-4000-8000-000000000002")
        #expect(a?.lineCount == 4 && a?.status == .ok && a?.durationMs == 500)
        #expect(b?.lineCount == 3 && b?.status == .error && b?.errorType == "Error")
        #expect(a?.start == ptMs("2026-01-08T18:22:35.000Z") && a?.end == ptMs("2026-01-08T18:22:35.500Z"))
        #expect(b?.start == ptMs("2026-01-08T18:22:35.001Z") && b?.end == ptMs("2026-01-08T18:22:35.343Z"))
        #expect(run.stats.invocations == 2 && run.batch.quarantine.isEmpty)
    }

    @Test func nodeErrorsAndTimeout() {
        let log = """
            START RequestId: 11111111-1111-4111-8111-111111111111 Version: 7
            2024-01-01T00:00:00.010Z\t11111111-1111-4111-8111-111111111111\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"x is undefined","stack":["TypeError: x is undefined","    at handler (/var/task/index.js:3:9)"]}
            END RequestId: 11111111-1111-4111-8111-111111111111
            REPORT RequestId: 11111111-1111-4111-8111-111111111111\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 256 MB\tMax Memory Used: 60 MB\t
            START RequestId: 22222222-2222-4222-8222-222222222222 Version: 7
            2024-01-01T00:00:03.020Z 22222222-2222-4222-8222-222222222222 Task timed out after 3.00 seconds

            END RequestId: 22222222-2222-4222-8222-222222222222
            REPORT RequestId: 22222222-2222-4222-8222-222222222222\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 256 MB\tMax Memory Used: 61 MB\tStatus: timeout
            START RequestId: 33333333-3333-4333-8333-333333333333 Version: 7
            2024-01-01T00:00:05.000Z\t33333333-3333-4333-8333-333333333333\tERROR\tUnhandled Promise Rejection \t{"errorType":"Runtime.UnhandledPromiseRejection","errorMessage":"nope"}
            END RequestId: 33333333-3333-4333-8333-333333333333
            REPORT RequestId: 33333333-3333-4333-8333-333333333333\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 256 MB\tMax Memory Used: 61 MB\t
            START RequestId: 44444444-4444-4444-8444-444444444444 Version: 7
            RequestId: 44444444-4444-4444-8444-444444444444 Error: Runtime exited with error: signal: killed
            Runtime.ExitError
            END RequestId: 44444444-4444-4444-8444-444444444444
            REPORT RequestId: 44444444-4444-4444-8444-444444444444\tDuration: 900.00 ms\tBilled Duration: 900 ms\tMemory Size: 256 MB\tMax Memory Used: 256 MB\t
            START RequestId: 55555555-5555-4555-8555-555555555555 Version: 7
            RequestId: 55555555-5555-4555-8555-555555555555 Error: Runtime exited without providing a reason
            Runtime.ExitError
            END RequestId: 55555555-5555-4555-8555-555555555555
            REPORT RequestId: 55555555-5555-4555-8555-555555555555\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 256 MB\tMax Memory Used: 70 MB\tStatus: error\tError Type: Runtime.ExitError

            """
        let run = PTIngest.run(log)
        #expect(run.batch.invocations.count == 5)
        let a = run.invocation("11111111-1111-4111-8111-111111111111")
        #expect(a?.status == .error && a?.errorType == "TypeError" && a?.version == "7")
        let b = run.invocation("22222222-2222-4222-8222-222222222222")
        #expect(b?.status == .timeout && b?.durationMs == 3000)
        #expect(b?.lineCount == 4)  // START, timeout line, END, REPORT (the blank line is not kept)
        let c = run.invocation("33333333-3333-4333-8333-333333333333")
        #expect(c?.status == .error && c?.errorType == "Runtime.UnhandledPromiseRejection")
        // Killed at the memory limit: out of memory.
        let d = run.invocation("44444444-4444-4444-8444-444444444444")
        #expect(d?.status == .outOfMemory)
        #expect(d?.lineCount == 5)
        let e = run.invocation("55555555-5555-4555-8555-555555555555")
        #expect(e?.status == .crash && e?.errorType == "Runtime.ExitError")
        #expect(run.total("fn.errors", ["version": "7"]).sum == 5)
        #expect(run.total("fn.timeouts").sum == 1)
        #expect(run.total("fn.invocations").sum == 5)
        #expect(run.total("fn.cold_starts").sum == 0)
        #expect(run.stats.blankLines == 1)  // the second LF of the timeout event
        #expect(run.stats.lines == 23)
        #expect(run.stats.attributedLines == 22)
        #expect(run.batch.quarantine.isEmpty)
    }

    @Test func nodeLegacyWithMonitoringLines() {
        // Node <= 8.10: no level column; the 5-field Yan Cui form after the prefix.
        let log = """
            START RequestId: db95c6da-2a6c-11e7-9550-c91b65931beb Version: $LATEST
            2017-04-26T10:41:09.023Z\tdb95c6da-2a6c-11e7-9550-c91b65931beb\tMONITORING|42|count|page_views|theburningmonk.com
            2017-04-26T10:41:09.024Z\tdb95c6da-2a6c-11e7-9550-c91b65931beb\tvalue1 = undefined
            2017-04-26T10:41:09.025Z\tdb95c6da-2a6c-11e7-9550-c91b65931beb\tMONITORING|1493203269|27.4|latency|user-api-latency
            END RequestId: db95c6da-2a6c-11e7-9550-c91b65931beb
            REPORT RequestId: db95c6da-2a6c-11e7-9550-c91b65931beb\tDuration: 2.89 ms\tBilled Duration: 100 ms \tMemory Size: 1024 MB\tMax Memory Used: 20 MB\t
            """
        let run = PTIngest.run(log)
        let inv = run.invocation("db95c6da-2a6c-11e7-9550-c91b65931beb")
        #expect(inv?.billedDurationMs == 100 && inv?.durationMs == 2.89 && inv?.lineCount == 6)
        #expect(inv?.start == ptMs("2017-04-26T10:41:09.023Z"))
        let pv = run.series("page_views")
        #expect(pv.count == 1)
        #expect(pv.first?.kind == .count)
        #expect(pv.first?.tag("namespace") == "theburningmonk.com")
        #expect(pv.first?.tag("function") == "fn" && pv.first?.tag("version") == "$LATEST")
        #expect(run.total("page_views").sum == 42)
        // Minute of the line's own time.
        #expect(run.batch.rollups[pv[0]]?.keys.sorted() == [ptMs("2017-04-26T10:41:00Z")])
        let lat = run.series("user-api-latency")
        #expect(lat.first?.kind == .distribution)
        #expect(run.total("user-api-latency").sum == 27.4)
        #expect(run.stats.metricSamples == 2)
        #expect(run.stats.lines == 6 && run.stats.attributedLines == 6)
    }

    // MARK: Python

    @Test func pythonTracebackInitAndUnpaddedMillis() {
        let nb = "\u{a0}"
        let log = "[INFO]\t2023-10-17T08:38:30.971Z\t\tFound credentials in environment variables.\n"
            + "START RequestId: 2d0b1579-46fb-4bf7-a6e1-8e08840eae5b Version: 3\n"
            + "[INFO]\t2023-10-17T08:38:31.000Z\t2d0b1579-46fb-4bf7-a6e1-8e08840eae5b\tProcessing\n"
            + "## ENVIRONMENT VARIABLES\n"
            + "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in rare cases, a Lambda runtime update can cause unexpected function behavior.\n"
            // stdout mode: CR joins the traceback lines; frames indented with U+00A0.
            + "[ERROR] KeyError: 'body'\rTraceback (most recent call last):\r\(nb)\(nb)File \"/var/task/app.py\", line 13, in main\r\(nb)\(nb)\(nb)\(nb)body = json.loads(event['body'])\n"
            + "END RequestId: 2d0b1579-46fb-4bf7-a6e1-8e08840eae5b\n"
            + "REPORT RequestId: 2d0b1579-46fb-4bf7-a6e1-8e08840eae5b\tDuration: 17.21 ms\tBilled Duration: 98 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 80.52 ms\t\n"
            // Framed mode (LF) and an old log with unpadded milliseconds.
            + "START RequestId: 3e0b1579-46fb-4bf7-a6e1-8e08840eae5c Version: 3\n"
            + "[WARNING]\t2020-01-01T00:00:58.5Z\t3e0b1579-46fb-4bf7-a6e1-8e08840eae5c\tslow\n"
            + "[ERROR] ValueError: bad value\n"
            + "Traceback (most recent call last):\n"
            + "\(nb)\(nb)File \"/var/task/app.py\", line 20, in main\n"
            + "END RequestId: 3e0b1579-46fb-4bf7-a6e1-8e08840eae5c\n"
            + "REPORT RequestId: 3e0b1579-46fb-4bf7-a6e1-8e08840eae5c\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\t\n"
            // A handled error line without a traceback is not a failed invocation.
            + "START RequestId: 4f0b1579-46fb-4bf7-a6e1-8e08840eae5d Version: 3\n"
            + "[ERROR]\t2020-01-01T00:01:00.123Z\t4f0b1579-46fb-4bf7-a6e1-8e08840eae5d\tConnectionError: retrying\n"
            + "END RequestId: 4f0b1579-46fb-4bf7-a6e1-8e08840eae5d\n"
            + "REPORT RequestId: 4f0b1579-46fb-4bf7-a6e1-8e08840eae5d\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\t\n"
        let run = PTIngest.run(log)
        #expect(run.batch.invocations.count == 3)
        let a = run.invocation("2d0b1579-46fb-4bf7-a6e1-8e08840eae5b")
        #expect(a?.status == .error)
        #expect(a?.errorType == "KeyError")
        #expect(a?.version == "3")
        #expect(a?.isColdStart == true)
        // INIT line + START + Processing + print + warning + 4 traceback lines + END + REPORT.
        #expect(a?.lineCount == 11)
        #expect(run.lines("2d0b1579-46fb-4bf7-a6e1-8e08840eae5b").first == "[INFO]\t2023-10-17T08:38:30.971Z\t\tFound credentials in environment variables.")
        #expect(run.lines("2d0b1579-46fb-4bf7-a6e1-8e08840eae5b")[7].hasPrefix("\(nb)\(nb)File"))
        #expect(a?.start == ptMs("2023-10-17T08:38:31Z"))
        let b = run.invocation("3e0b1579-46fb-4bf7-a6e1-8e08840eae5c")
        #expect(b?.status == .error && b?.errorType == "ValueError")
        #expect(b?.start == ptMs("2020-01-01T00:00:58.005Z"))
        #expect(b?.lineCount == 7)
        let c = run.invocation("4f0b1579-46fb-4bf7-a6e1-8e08840eae5d")
        #expect(c?.status == .ok)
        #expect(run.stats.lines == 22)
        #expect(run.stats.attributedLines == 22)
        #expect(run.total("fn.errors").sum == 2)
        #expect(run.total("fn.cold_starts").sum == 1)
    }

    @Test func pythonHandledExceptionIsNoFailure() {
        // `logger.exception(...)` in a handler that goes on: the logging format (with a time and an
        // id) and a traceback, but no unhandled error; only the runtime's `[ERROR] Type: msg` is one.
        let nb = "\u{a0}"
        let log = "START RequestId: 5a0b1579-46fb-4bf7-a6e1-8e08840eae5e Version: 3\n"
            + "[ERROR]\t2024-01-01T00:00:00.000Z\t5a0b1579-46fb-4bf7-a6e1-8e08840eae5e\tRetrying: connection reset\n"
            + "Traceback (most recent call last):\n"
            + "\(nb)\(nb)File \"/var/task/app.py\", line 20, in main\n"
            + "ConnectionResetError: [Errno 104] Connection reset by peer\n"
            + "[INFO]\t2024-01-01T00:00:00.100Z\t5a0b1579-46fb-4bf7-a6e1-8e08840eae5e\trecovered\n"
            + "END RequestId: 5a0b1579-46fb-4bf7-a6e1-8e08840eae5e\n"
            + "REPORT RequestId: 5a0b1579-46fb-4bf7-a6e1-8e08840eae5e\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\t\n"
        let run = PTIngest.run(log)
        let inv = run.invocation("5a0b1579-46fb-4bf7-a6e1-8e08840eae5e")
        #expect(inv?.lineCount == 8)
        // Known gap: the generator renders Python's unhandled errors in this timed logger format,
        // so the ingestor still reads a timed `[ERROR]` line plus a traceback as a failure.
        withKnownIssue("a handled, logged Python exception counts as a failed invocation") {
            #expect(inv?.status == .ok && inv?.errorType == nil)
        }
    }

    // MARK: Java, Go, .NET, Ruby, PowerShell

    @Test func otherRuntimes() {
        let log = """
            START RequestId: 6bc28136-xmpl-4365-b021-0ce6b2e64ab0 Version: $LATEST
            2020-03-18 08:52:43 6bc28136-xmpl-4365-b021-0ce6b2e64ab0 INFO  Handler - ENVIRONMENT VARIABLES:
            [INFO] my message
            {"errorMessage":"boom","errorType":"java.lang.RuntimeException","stackTrace":["Handler.handleRequest(Handler.java:10)"]}
            END RequestId: 6bc28136-xmpl-4365-b021-0ce6b2e64ab0
            REPORT RequestId: 6bc28136-xmpl-4365-b021-0ce6b2e64ab0\tDuration: 1500.00 ms\tBilled Duration: 1500 ms\tMemory Size: 512 MB\tMax Memory Used: 150 MB\t
            START RequestId: a1b2c3d4-0000-4000-8000-000000000001 Version: 2
            2020/03/27 03:40:05 EVENT: {
            2024/01/01 12:00:00 {"errorMessage":"boom","errorType":"errorString"}
            END RequestId: a1b2c3d4-0000-4000-8000-000000000001
            REPORT RequestId: a1b2c3d4-0000-4000-8000-000000000001\tDuration: 0.62 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 30 MB\t
            START RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95 Version: 2
            2024-01-01T12:00:00.123Z\t8f507cfc-xmpl-4697-b07a-ac58fc914c95\tinfo\thello from dotnet
            2024-01-01T12:00:00.124Z\t8f507cfc-xmpl-4697-b07a-ac58fc914c95\tfail\tsomething went wrong
            END RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95
            REPORT RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95\tDuration: 4.00 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t
            START RequestId: 6573a3a0-2fb1-4e78-a582-2c769282e0bd Version: 2
            I, [2019-10-26T10:04:01.689856 #8]  INFO 6573a3a0-2fb1-4e78-a582-2c769282e0bd -- : ## EVENT
            Error raised from handler method
            {
              "errorMessage": "boom",
              "errorType": "Function<RuntimeError>",
              "stackTrace": [
                "/var/task/app.rb:3:in `handler'"
              ]
            }
            [Information] - ## Environment variables
            END RequestId: 6573a3a0-2fb1-4e78-a582-2c769282e0bd
            REPORT RequestId: 6573a3a0-2fb1-4e78-a582-2c769282e0bd\tDuration: 8.00 ms\tBilled Duration: 8 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t
            """
        let run = PTIngest.run(log)
        #expect(run.batch.invocations.count == 4)
        let java = run.invocation("6bc28136-xmpl-4365-b021-0ce6b2e64ab0")
        #expect(java?.status == .error && java?.errorType == "java.lang.RuntimeException")
        #expect(java?.lineCount == 6)
        #expect(java?.start == ptMs("2020-03-18T08:52:43Z"))
        let go = run.invocation("a1b2c3d4-0000-4000-8000-000000000001")
        #expect(go?.status == .error && go?.errorType == "errorString" && go?.lineCount == 5)
        let dotnet = run.invocation("8f507cfc-xmpl-4697-b07a-ac58fc914c95")
        #expect(dotnet?.status == .ok && dotnet?.lineCount == 5)
        #expect(dotnet?.start == ptMs("2024-01-01T12:00:00.123Z"))
        // Ruby's pretty-printed error JSON comes one line per event: kept with the invocation.
        let ruby = run.invocation("6573a3a0-2fb1-4e78-a582-2c769282e0bd")
        #expect(ruby?.lineCount == 13)
        #expect(ruby?.start == ptMs("2019-10-26T10:04:01.689Z"))
        #expect(run.stats.attributedLines == run.stats.lines)
        #expect(run.batch.quarantine.isEmpty)
    }

    @Test func reportStatusFields() {
        // Real REPORT samples with `Status:`/`Error Type:` and the XRAY line after them.
        let log = """
            START RequestId: 276ff3b9-1609-4ee7-a288-db3752630767 Version: $LATEST
            END RequestId: 276ff3b9-1609-4ee7-a288-db3752630767
            REPORT RequestId: 276ff3b9-1609-4ee7-a288-db3752630767\tDuration: 10935.70 ms\tBilled Duration: 10936 ms\tMemory Size: 1024 MB\tMax Memory Used: 1024 MB\tStatus: error\tError Type: Runtime.OutOfMemory
            XRAY TraceId: 1-6ac7d556-032906e375c910cf42cb849e\tSegmentId: 90cbc97f4ee64a7f\tSampled: true
            START RequestId: d602a1ed-503f-4ff7-9639-650e773dbbee Version: $LATEST
            END RequestId: d602a1ed-503f-4ff7-9639-650e773dbbee
            REPORT RequestId: d602a1ed-503f-4ff7-9639-650e773dbbee\tDuration: 600000.00 ms\tBilled Duration: 600477 ms\tMemory Size: 1536 MB\tMax Memory Used: 1035 MB\tInit Duration: 476.75 ms\tStatus: timeout
            XRAY TraceId: 1-5d8bba5a-dc2932496a65bab91d2d42d4\tSegmentId: 5ff79d2a06b82ad6\tSampled: false
            START RequestId: f8400400-dd9e-4025-b644-4c78df3287c7 Version: $LATEST
            REPORT RequestId: f8400400-dd9e-4025-b644-4c78df3287c7\tDuration: 1338.34 ms\tBilled Duration: 1339 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tStatus: error\tError Type: Runtime.UserCodeSyntaxError
            START RequestId: b771fecc-1b53-4faf-922d-1d74357b1676 Version: 56
            REPORT RequestId: b771fecc-1b53-4faf-922d-1d74357b1676\tDuration: 306.34 ms\tBilled Duration: 610 ms\tMemory Size: 3009 MB\tMax Memory Used: 155 MB\tRestore Duration: 511.25 ms\tBilled Restore Duration: 303 ms\t
            """
        let run = PTIngest.run(log)
        let oom = run.invocation("276ff3b9-1609-4ee7-a288-db3752630767")
        #expect(oom?.status == .outOfMemory && oom?.errorType == "Runtime.OutOfMemory")
        #expect(oom?.xrayTraceID == "1-6ac7d556-032906e375c910cf42cb849e" && oom?.lineCount == 4)
        let timeout = run.invocation("d602a1ed-503f-4ff7-9639-650e773dbbee")
        #expect(timeout?.status == .timeout && timeout?.initDurationMs == 476.75 && timeout?.billedDurationMs == 600477)
        #expect(timeout?.xrayTraceID == "1-5d8bba5a-dc2932496a65bab91d2d42d4")
        let syntax = run.invocation("f8400400-dd9e-4025-b644-4c78df3287c7")
        #expect(syntax?.status == .error && syntax?.errorType == "Runtime.UserCodeSyntaxError" && syntax?.xrayTraceID == nil)
        let snap = run.invocation("b771fecc-1b53-4faf-922d-1d74357b1676")
        #expect(snap?.restoreDurationMs == 511.25 && snap?.initDurationMs == nil && snap?.isColdStart == true)
        #expect(snap?.version == "56" && snap?.status == .ok)
        #expect(run.total("fn.errors", ["version": "$LATEST"]).sum == 3)
        #expect(run.total("fn.timeouts", ["version": "$LATEST"]).sum == 1)
        #expect(run.total("fn.restore_duration", ["version": "56"]).sum == 511.25)
        #expect(run.total("fn.memory_utilization", ["version": "$LATEST"]).max == 1)
        #expect(run.stats.attributedLines == 12)
    }

    @Test func structuredLoggingLibrariesAndCorrelationIds() {
        let id = "52fdfc07-2182-154f-163f-5f0f9a621d72"
        let log = """
            START RequestId: \(id) Version: $LATEST
            2024-03-01T10:00:00.000Z\t\(id)\tINFO\t{"level":20,"sLevel":"DEBUG","message":"dazn","awsRequestId":"\(id)","x-correlation-id":"dazn-corr","debug-log-enabled":"false","call-chain-length":1}
            {"level":"INFO","location":"collect.handler:9","message":{"order":"o-1","correlation_id":"pt-object-corr"},"timestamp":"2024-03-01 10:00:00,100+0000","service":"payment","cold_start":true,"function_request_id":"\(id)","correlation_id":"pt-corr","xray_trace_id":"1-5759e988-bd862e3fe1be46a994272793"}
            {"timestamp":"2024-03-01T10:00:00Z","level":"ERROR","message":{"errorMessage":"'id'","errorType":"KeyError","requestId":"\(id)"},"requestId":"\(id)"}
            REPORT RequestId: \(id)\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB
            """
        let run = PTIngest.run(log)
        let inv = run.invocation(id)
        #expect(inv?.correlationIDs == ["dazn-corr", "pt-corr", "pt-object-corr"])
        #expect(inv?.xrayTraceID == "1-5759e988-bd862e3fe1be46a994272793")
        // The synthetic Python shape with the error inside `message` (spec 3.2, accepted too).
        #expect(inv?.status == .error && inv?.errorType == "KeyError")
        #expect(inv?.lineCount == 5)
        var config = IngestConfig()
        config.correlationKeys = ["order"]
        #expect(PTIngest.run(log, config: config).invocation(id)?.correlationIDs == ["o-1"])
    }

    @Test func lumigoMonitoringEnvelopes() {
        // Node 10 (`INFO\tMONITORING|...` after the prefix, with extractedFields) and a bare Python print.
        let node = #"{"messageType":"DATA_MESSAGE","owner":"374852340823","logGroup":"/aws/lambda/big-mouth-dev-get-index","logStream":"2019/07/23/[$LATEST]e1a2b3c4","subscriptionFilters":["f"],"logEvents":[{"id":"34872310118823012372323489128308183849812341234123412341","timestamp":1563845504241,"message":"2019-07-23T01:31:44.241Z\t63cdfa76-f4f8-4ee8-a2f3-dc189533753d\tINFO\tMONITORING|42.0|Milliseconds|latency|theburningmonk.com|service=content-item,region=eu-west-1\n","extractedFields":{"event":"INFO\tMONITORING|42.0|Milliseconds|latency|theburningmonk.com|service=content-item,region=eu-west-1\n","request_id":"63cdfa76-f4f8-4ee8-a2f3-dc189533753d","timestamp":"2019-07-23T01:31:44.241Z"}}]}"#
        let python = #"{"messageType":"DATA_MESSAGE","owner":"374852340823","logGroup":"/aws/lambda/py-fn","logStream":"2019/07/23/[3]abc","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1563845504300,"message":"MONITORING|42.0|Milliseconds|latency|theburningmonk.com|service=content-item,region=eu-west-1\n"},{"id":"2","timestamp":1563845504301,"message":"MONITORING|1|Count|request_count|theburningmonk.com|service=content-item, region=eu-west-1\n"}]}"#
        let run = PTIngest.run(node + "\n" + python + "\n")
        let latency = run.series("latency")
        #expect(latency.count == 2)
        let nodeKey = run.series("latency", ["function": "big-mouth-dev-get-index"])
        #expect(nodeKey.first?.tag("service") == "content-item" && nodeKey.first?.tag("region") == "eu-west-1")
        #expect(nodeKey.first?.tag("namespace") == "theburningmonk.com" && nodeKey.first?.kind == .distribution)
        #expect(nodeKey.first.map { run.totals($0).sum } == 42)
        let count = run.series("request_count", ["function": "py-fn", "version": "3"])
        #expect(count.first?.kind == .count && count.first?.tag("region") == "eu-west-1")
        #expect(run.stats.metricSamples == 3 && run.stats.envelopeEvents == 3)
        #expect(run.batch.quarantine.isEmpty)
    }

    // MARK: Lambda JSON log format

    /// Section 3.1: a Node 22 stream in the JSON format (cold, then warm), runtimeDone, tracing.
    static let jsonLog = """
        {"time":"2026-10-08T07:30:27.768Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"nodejs:22.mainline.v122","runtimeVersionArn":"arn:aws:lambda:eu-central-1::runtime:775dab0d220a0b97f3ec34fe1692d7a07b5d13049153b00f03204c9543bd69e4","functionName":"tenner-notifier","functionVersion":"$LATEST","instanceId":"2026/10/08/tenner-notifier[$LATEST]22be53a8cfde4e68b844f8ec293b2543","instanceMaxMemory":268435456}}
        {"time":"2026-10-08T07:30:28.235Z","type":"platform.start","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","functionArn":"arn:aws:lambda:eu-central-1:825765399535:function:tenner-notifier","version":"$LATEST","tracing":{"spanId":"24cd7d670fa455f0","type":"X-Amzn-Trace-Id","value":"Root=1-6352a70e-1e2c502e358361800241fd45;Parent=35465b3a9e2f7c6a;Sampled=1"}}}
        {"timestamp":"2026-10-08T07:30:29.443Z","level":"ERROR","requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","message":"{\\"level\\":\\"ERROR\\",\\"message\\":\\"Widget update failed\\",\\"component\\":\\"notifier\\",\\"event\\":\\"WidgetUpdateFailed\\",\\"error\\":\\"SecretUnavailableError\\",\\"correlation_id\\":\\"corr-nested-1\\"}"}
        {"timestamp":"2026-10-08T07:30:29.444Z","message":"Processing order","level":"INFO","AWSRequestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","correlationId":"corr-top-2"}
        {"time":"2026-10-08T07:30:29.469Z","type":"platform.runtimeDone","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","status":"success","metrics":{"durationMs":1233.5,"producedBytes":50}}}
        {"time":"2026-10-08T07:30:29.470Z","type":"platform.report","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","metrics":{"durationMs":1233.96,"billedDurationMs":1698,"memorySizeMB":256,"maxMemoryUsedMB":123,"initDurationMs":463.512},"status":"success"}}
        {"time":"2026-10-08T07:31:00.000Z","type":"platform.start","record":{"requestId":"d661f7cf-9208-46b9-85b0-213b04a91065","version":"$LATEST"}}
        {"timestamp":"2026-10-08T07:31:00.010Z","level":"INFO","requestId":"d661f7cf-9208-46b9-85b0-213b04a91065","message":"Just some logs here =)"}
        [AWS Parameters and Secrets Lambda Extension] 2024/04/11 02:14:17 PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL is info. Log level set to info.
        {"time":"2026-10-08T07:31:00.080Z","type":"platform.report","record":{"requestId":"d661f7cf-9208-46b9-85b0-213b04a91065","status":"success","metrics":{"durationMs": 147.156,"billedDurationMs": 201, "memorySizeMB": 256,"maxMemoryUsedMB": 91,"restoreDurationMs": 500.795,"billedRestoreDurationMs": 53 }}}
        {"time":"2026-10-08T07:32:00.000Z","type":"platform.start","record":{"requestId":"aec7a529-47f9-4090-be01-c9ed91bf83cf","version":"$LATEST"}}
        {"time":"2026-10-08T07:32:05.562Z","type":"platform.runtimeDone","record":{"requestId":"aec7a529-47f9-4090-be01-c9ed91bf83cf","status":"timeout","metrics":{"durationMs":5001.182,"producedBytes":0}}}
        {"time":"2026-10-08T07:32:05.581Z","type":"platform.report","record":{"requestId":"aec7a529-47f9-4090-be01-c9ed91bf83cf","metrics":{"durationMs":5000.0,"billedDurationMs":5000,"memorySizeMB":256,"maxMemoryUsedMB":94},"status":"timeout"}}
        {"time":"2026-10-08T07:33:00.000Z","type":"platform.start","record":{"requestId":"4f423807-598d-47ae-9652-4f7ee31d4d10","version":"$LATEST"}}
        {"time":"2026-10-08T07:33:00.343Z","type":"platform.report","record":{"requestId":"4f423807-598d-47ae-9652-4f7ee31d4d10","metrics":{"durationMs":2.524},"spans":[{"name":"responseLatency","start":"2026-01-08T18:22:35.342Z","durationMs":0.642},{"name":"responseDuration","start":"2026-01-08T18:22:35.343Z","durationMs":0.075}],"status":"success"}}

        """

    @Test func jsonLogFormat() {
        let run = PTIngest.run(Self.jsonLog)
        #expect(run.batch.invocations.count == 4)
        #expect(run.batch.quarantine.isEmpty)
        let cold = run.invocation("79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36")
        #expect(cold?.status == .ok)
        #expect(cold?.version == "$LATEST")
        #expect(cold?.durationMs == 1233.96 && cold?.billedDurationMs == 1698)
        #expect(cold?.memorySizeMB == 256 && cold?.maxMemoryUsedMB == 123)
        #expect(cold?.initDurationMs == 463.512 && cold?.isColdStart == true)
        #expect(cold?.xrayTraceID == "1-6352a70e-1e2c502e358361800241fd45")
        #expect(cold?.start == ptMs("2026-10-08T07:30:28.235Z"))
        #expect(cold?.end == ptMs("2026-10-08T07:30:29.470Z"))
        // Correlation ids: nested JSON inside a JSON string, and a top-level key; sorted.
        #expect(cold?.correlationIDs == ["corr-nested-1", "corr-top-2"])
        // The ERROR line without errorType is not a failure.
        #expect(cold?.lineCount == 6)  // initStart, start, 2 app lines, runtimeDone, report
        let warm = run.invocation("d661f7cf-9208-46b9-85b0-213b04a91065")
        #expect(warm?.initDurationMs == nil)
        #expect(warm?.restoreDurationMs == 500.795 && warm?.isColdStart == true)
        #expect(warm?.billedDurationMs == 201 && warm?.durationMs == 147.156)
        #expect(warm?.lineCount == 4)  // the extension's raw text line joins the invocation
        let timeout = run.invocation("aec7a529-47f9-4090-be01-c9ed91bf83cf")
        #expect(timeout?.status == .timeout && timeout?.durationMs == 5000)
        // Managed Instances: only durationMs; the rest stays nil, never 0.
        let mi = run.invocation("4f423807-598d-47ae-9652-4f7ee31d4d10")
        #expect(mi?.durationMs == 2.524)
        #expect(mi?.billedDurationMs == nil && mi?.memorySizeMB == nil && mi?.maxMemoryUsedMB == nil)
        #expect(mi?.isColdStart == false)
        #expect(run.total("fn.invocations").sum == 4)
        #expect(run.total("fn.timeouts").sum == 1)
        #expect(run.total("fn.cold_starts").sum == 2)
        #expect(run.total("fn.billed_duration").count == 3)  // not for the Managed Instances report
        #expect(run.total("fn.memory_size").count == 3)
        #expect(run.total("fn.duration").count == 4)
        #expect(run.stats.lines == 15 && run.stats.blankLines == 0)
        #expect(run.stats.attributedLines == 15)
    }

    @Test func jsonApplicationRecordsOfEachRuntime() {
        let log = """
            {"time":"2024-02-09T08:42:44.000Z","type":"platform.start","record":{"requestId":"d661f7cf-9208-46b9-85b0-213b04a91065","version":"12"}}
            {"timestamp":"2024-02-09T08:42:44.078Z","level":"INFO","requestId":"d661f7cf-9208-46b9-85b0-213b04a91065","message":"Just some logs here =)"}
            {"timestamp":"2024-02-09T08:42:44.079Z","level":"ERROR","requestId":"d661f7cf-9208-46b9-85b0-213b04a91065","message":"Invoke Error","errorType":"Error","errorMessage":"boom","stackTrace":["Error: boom","    at handler"]}
            {"time":"2024-02-09T08:42:44.080Z","type":"platform.report","record":{"requestId":"d661f7cf-9208-46b9-85b0-213b04a91065","metrics":{"durationMs":2.0,"billedDurationMs":2,"memorySizeMB":128,"maxMemoryUsedMB":60}}}
            {"time":"2024-02-09T08:43:00.000Z","type":"platform.start","record":{"requestId":"e661f7cf-9208-46b9-85b0-213b04a91066","version":"12"}}
            {"timestamp":"2024-02-09T08:43:00Z","log_level":"ERROR","errorMessage":"'id'","errorType":"KeyError","requestId":"e661f7cf-9208-46b9-85b0-213b04a91066","stackTrace":["  File \\"/var/task/app.py\\", line 3"]}
            {"time":"2024-02-09T08:43:00.100Z","type":"platform.report","record":{"requestId":"e661f7cf-9208-46b9-85b0-213b04a91066","metrics":{"durationMs":3.0,"billedDurationMs":3,"memorySizeMB":128,"maxMemoryUsedMB":60},"status":"error","errorType":"KeyError"}}
            {"time":"2024-02-09T08:44:00.000Z","type":"platform.start","record":{"requestId":"f661f7cf-9208-46b9-85b0-213b04a91067","version":"12"}}
            {"timestamp":"2024-02-09T08:44:00.001Z","message":"from java","level":"WARN","AWSRequestId":"f661f7cf-9208-46b9-85b0-213b04a91067"}
            {"level":"INFO","location":"collect.handler:9","message":"Collecting payment","timestamp":"2024-02-09 08:44:00,002+0000","service":"payment","cold_start":true,"function_name":"test","function_request_id":"f661f7cf-9208-46b9-85b0-213b04a91067","correlation_id":"pt-corr-9","xray_trace_id":"1-5759e988-bd862e3fe1be46a994272793"}
            {"time":"2024-02-09T08:44:00.100Z","type":"platform.report","record":{"requestId":"f661f7cf-9208-46b9-85b0-213b04a91067","metrics":{"durationMs":4.0,"billedDurationMs":4,"memorySizeMB":128,"maxMemoryUsedMB":60},"status":"success"}}
            """
        let run = PTIngest.run(log)
        #expect(run.batch.invocations.count == 3)
        let node = run.invocation("d661f7cf-9208-46b9-85b0-213b04a91065")
        #expect(node?.status == .error && node?.errorType == "Error" && node?.version == "12" && node?.lineCount == 4)
        let python = run.invocation("e661f7cf-9208-46b9-85b0-213b04a91066")
        #expect(python?.status == .error && python?.errorType == "KeyError")
        let java = run.invocation("f661f7cf-9208-46b9-85b0-213b04a91067")
        #expect(java?.status == .ok && java?.lineCount == 4)
        #expect(java?.correlationIDs == ["pt-corr-9"])
        #expect(java?.xrayTraceID == "1-5759e988-bd862e3fe1be46a994272793")
        #expect(run.batch.quarantine.isEmpty)
        #expect(run.stats.attributedLines == 11)
    }

    // MARK: Embedded metrics

    @Test func emfAndDatadogJSONMetrics() {
        let log = """
            START RequestId: 989ffbf8-9ace-4817-a57c-e4dd734019ee Version: $LATEST
            2019-11-18T20:42:12.004Z\t989ffbf8-9ace-4817-a57c-e4dd734019ee\tINFO\t{"_aws":{"Timestamp":1574109732004,"CloudWatchMetrics":[{"Namespace":"lambda-function-metrics","Dimensions":[["functionVersion"]],"Metrics":[{"Name":"time","Unit":"Milliseconds","StorageResolution":60}]}]},"functionVersion":"$LATEST","time":100,"requestId":"989ffbf8-9ace-4817-a57c-e4dd734019ee"}
            {"_aws":{"Timestamp":1574109732004,"CloudWatchMetrics":[{"Namespace":"ServerlessAirline","Dimensions":[["environment","service"]],"Metrics":[{"Name":"TurbineReads","Unit":"Count"}]}]},"environment":"dev","service":"booking","TurbineReads":[1.0,8.0]}
            {"_aws":{"Timestamp":1574109732004,"LambdaInsights":{"ShareTelemetry":true},"CloudWatchMetrics":[{"Namespace":"LambdaInsights","Dimensions":[["function_name"],["function_name","version"]],"Metrics":[{"Name":"memory_utilization","Unit":"Percent"},{"Name":"total_network","Unit":"Bytes"}]}]},"function_name":"fn","version":"$LATEST","event_type":"performance","memory_utilization":35,"total_network":1024,"trace_id":"1-5faae118-12345678901234567890","cold_start":true}
            {"_aws":{"Timestamp":1574109732004,"CloudWatchMetrics":[{"Namespace":"lambda-function-metrics","Dimensions":[["functionVersion"]],"Metrics":[{"Name":"time","Unit":"Milliseconds","StorageResolution":60}]}]},"functionVersion":"$LATEST","time":100,"requestId":"989ffbf8-9ace-4817-a57c-e4dd734019ee"}
            {"m": "coffee_house.order_value", "v": 12.45, "e": 1574109732, "t": ["product:latte", "order:online"]}
            {"_aws":{"Timestamp":1574109732004,"CloudWatchMetrics":[{"Namespace":"X","Dimensions":[["missing"]],"Metrics":[{"Name":"dropped"}]}]},"dropped":1}
            {"_aws":"not an object","m":1}
            END RequestId: 989ffbf8-9ace-4817-a57c-e4dd734019ee
            REPORT RequestId: 989ffbf8-9ace-4817-a57c-e4dd734019ee\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t
            """
        let run = PTIngest.run(log)
        let inv = run.invocation("989ffbf8-9ace-4817-a57c-e4dd734019ee")
        #expect(inv?.lineCount == 10)
        // The EMF document's root member `time` (a metric) is no record time.
        #expect(inv?.start == ptMs("2019-11-18T20:42:12.004Z"))
        let minute = ptMs("2019-11-18T20:42:00Z")
        let time = run.series("time")
        #expect(time.count == 1)
        #expect(time.first?.kind == .distribution)
        #expect(time.first?.tag("functionVersion") == "$LATEST" && time.first?.tag("namespace") == "lambda-function-metrics")
        #expect(run.total("time").sum == 200 && run.total("time").count == 2)
        #expect(time.first.flatMap { run.batch.rollups[$0]?.keys.sorted() } == [minute])
        // Array values: one sample each; Count unit → count kind.
        let reads = run.series("TurbineReads")
        #expect(reads.count == 1 && reads.first?.kind == .count)
        #expect(reads.first?.tag("environment") == "dev" && reads.first?.tag("service") == "booking")
        #expect(run.total("TurbineReads").count == 2 && run.total("TurbineReads").sum == 9)
        // Two dimension sets: the union of their dimensions tags one series per metric.
        let mem = run.series("memory_utilization")
        #expect(mem.count == 1)
        #expect(mem.first?.tag("function_name") == "fn" && mem.first?.tag("namespace") == "LambdaInsights")
        #expect(run.total("memory_utilization").sum == 35 && run.total("total_network").sum == 1024)
        // Datadog JSON metric: a distribution, timed by `e` (seconds), tags split at the first colon.
        let coffee = run.series("coffee_house.order_value")
        #expect(coffee.count == 1 && coffee.first?.kind == .distribution)
        #expect(coffee.first?.tag("product") == "latte" && coffee.first?.tag("order") == "online")
        #expect(run.total("coffee_house.order_value").sum == 12.45)
        #expect(coffee.first.flatMap { run.batch.rollups[$0]?.keys.sorted() } == [minute])
        // A directive naming a missing dimension makes no metric.
        #expect(run.series("dropped").isEmpty)
        #expect(run.stats.metricSamples == 7)
        #expect(run.batch.quarantine.isEmpty)
    }

    // MARK: CloudWatch Logs envelopes

    static let envelopeA = #"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/echo-nodejs","logStream":"2019/03/13/[$LATEST]94fa867e5374431291a7fc14e2f56ae7","subscriptionFilters":["LambdaStream_cloudwatchlogs-node"],"logEvents":[{"id":"34622316099697884706540976068822859012661220141643892544","timestamp":1552518348200,"message":"START RequestId: 6234bffe-149a-b642-81ff-2e8e376d8aff Version: $LATEST\n"},{"id":"34622316099697884706540976068822859012661220141643892545","timestamp":1552518348210,"message":"2019-03-13T23:05:48.210Z\t6234bffe-149a-b642-81ff-2e8e376d8aff\tINFO\tEVENT\r{\r  \"key\": \"value\"\r}\n"},{"id":"34622316099697884706540976068822859012661220141643892546","timestamp":1552518348220,"message":"REPORT RequestId: 6234bffe-149a-b642-81ff-2e8e376d8aff\tDuration: 46.84 ms\tBilled Duration: 47 ms \tMemory Size: 192 MB\tMax Memory Used: 72 MB\t\nXRAY TraceId: 1-5d8bba5a-dc2932496a65bab91d2d42d4\tSegmentId: 5ff79d2a06b82ad6\tSampled: true\t\n"}]}"#
    static let envelopeB = #"{"messageType":"DATA_MESSAGE","owner":"601427279990","logGroup":"/aws/lambda/storms-cloudwatch-event","logStream":"2020/06/09/[7]b249865adaaf4fad80f95f8ad09725b8","subscriptionFilters":["myevent"],"logEvents":[{"id":"1","timestamp":1609983680400,"message":"START RequestId: 7c9567b5-107b-4a6c-8798-0157ac21db52 Version: 7\n"},{"id":"2","timestamp":1609983680413,"message":"MONITORING|1609983680.4133823|12|count|test_legacy_metric|#env:prod,event_name:\n"},{"id":"3","timestamp":1609983683413,"message":"2021-01-07T01:41:23.413Z 7c9567b5-107b-4a6c-8798-0157ac21db52 Task timed out after 3.00 seconds\n\n"},{"id":"4","timestamp":1609983683420,"message":"END RequestId: 7c9567b5-107b-4a6c-8798-0157ac21db52\n"},{"id":"5","timestamp":1609983683420,"message":"REPORT RequestId: 7c9567b5-107b-4a6c-8798-0157ac21db52\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tStatus: timeout\n"}]}"#
    static let control = #"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1680683189085,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}"#

    func checkEnvelopes(_ run: PTRun) {
        #expect(run.batch.invocations.count == 2)
        let a = run.invocation("6234bffe-149a-b642-81ff-2e8e376d8aff")
        #expect(a?.function == "echo-nodejs" && a?.version == "$LATEST")
        #expect(a?.stream == "2019/03/13/[$LATEST]94fa867e5374431291a7fc14e2f56ae7")
        #expect(a?.durationMs == 46.84 && a?.billedDurationMs == 47 && a?.memorySizeMB == 192)
        #expect(a?.xrayTraceID == "1-5d8bba5a-dc2932496a65bab91d2d42d4")
        #expect(a?.start == 1_552_518_348_200 && a?.end == 1_552_518_348_220)
        // START, 4 CR-separated lines, REPORT, XRAY; lines from envelopes carry their event time.
        #expect(a?.lineCount == 7)
        #expect(run.lines("6234bffe-149a-b642-81ff-2e8e376d8aff").first
            == "2019-03-13T23:05:48.200Z START RequestId: 6234bffe-149a-b642-81ff-2e8e376d8aff Version: $LATEST")
        let b = run.invocation("7c9567b5-107b-4a6c-8798-0157ac21db52")
        #expect(b?.function == "storms-cloudwatch-event" && b?.version == "7")
        #expect(b?.status == .timeout)
        #expect(b?.start == 1_609_983_680_400 && b?.end == 1_609_983_683_420)
        let metric = run.series("test_legacy_metric")
        #expect(metric.count == 1)
        #expect(metric.first?.tag("env") == "prod" && metric.first?.tag("event_name") == "")
        #expect(metric.first?.tag("function") == "storms-cloudwatch-event" && metric.first?.tag("version") == "7")
        #expect(run.total("test_legacy_metric").sum == 12)
        #expect(run.total("fn.invocations", ["function": "echo-nodejs"]).sum == 1)
        #expect(run.total("fn.timeouts", ["function": "storms-cloudwatch-event"]).sum == 1)
        #expect(run.stats.envelopeEvents == 8)
        #expect(run.stats.controlMessages == 1)
        #expect(run.stats.functions == ["echo-nodejs", "storms-cloudwatch-event"])
        #expect(run.batch.quarantine.isEmpty)
    }

    @Test func envelopesOnePerLine() {
        let run = PTIngest.run(Self.envelopeA + "\n" + Self.control + "\n" + Self.envelopeB + "\n")
        checkEnvelopes(run)
        #expect(run.stats.lines == 3)
    }

    @Test func envelopesConcatenatedOnOneLine() {
        // Firehose concatenates payloads without a separator.
        let run = PTIngest.run(Self.envelopeA + Self.control + Self.envelopeB)
        checkEnvelopes(run)
        #expect(run.stats.lines == 1)
        var forced = IngestConfig()
        forced.format = .cwl
        let run2 = PTIngest.run(Self.envelopeA + " " + Self.control + "\n" + Self.envelopeB, config: forced)
        checkEnvelopes(run2)
    }

    // MARK: aws logs tail

    @Test func tailFormat() {
        let log = """
            2024-05-01T10:00:00.000000+00:00 2024/05/01/[$LATEST]aaaa1111 START RequestId: 0aaaaaaa-0000-4000-8000-000000000001 Version: $LATEST
            2024-05-01T10:00:00.100000+00:00 2024/05/01/[3]bbbb2222 START RequestId: 0bbbbbbb-0000-4000-8000-000000000002 Version: 3
            2024-05-01T10:00:00.150000+00:00 2024/05/01/[$LATEST]aaaa1111 2024-05-01T10:00:00.150Z\t0aaaaaaa-0000-4000-8000-000000000001\tINFO\tMONITORING|1714557600|5|gauge|queue.depth|#queue:orders
            2024-05-01T10:00:00.200000+00:00 2024/05/01/[3]bbbb2222 untimed print output
            continuation without a prefix
            2024-05-01T10:00:00.300000+00:00 2024/05/01/[$LATEST]aaaa1111 REPORT RequestId: 0aaaaaaa-0000-4000-8000-000000000001\tDuration: 300.00 ms\tBilled Duration: 300 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB
            2024-05-01T10:00:00.400000+00:00 2024/05/01/[3]bbbb2222 REPORT RequestId: 0bbbbbbb-0000-4000-8000-000000000002\tDuration: 300.00 ms\tBilled Duration: 300 ms\tMemory Size: 256 MB\tMax Memory Used: 64 MB\tInit Duration: 100.00 ms
            """
        let run = PTIngest.run(log, source: SourceInfo(name: "tail.txt", function: "orders"))
        #expect(run.batch.invocations.count == 2)
        let a = run.invocation("0aaaaaaa-0000-4000-8000-000000000001")
        #expect(a?.stream == "2024/05/01/[$LATEST]aaaa1111" && a?.version == "$LATEST" && a?.function == "orders")
        #expect(a?.start == ptMs("2024-05-01T10:00:00Z") && a?.end == ptMs("2024-05-01T10:00:00.300Z"))
        #expect(a?.lineCount == 3)
        let b = run.invocation("0bbbbbbb-0000-4000-8000-000000000002")
        #expect(b?.stream == "2024/05/01/[3]bbbb2222" && b?.version == "3" && b?.isColdStart == true)
        #expect(b?.lineCount == 4)
        #expect(run.total("queue.depth", ["queue": "orders", "version": "$LATEST"]).sum == 5)
        #expect(run.series("queue.depth").first?.kind == .gauge)
        #expect(run.stats.attributedLines == 7)
    }
}
