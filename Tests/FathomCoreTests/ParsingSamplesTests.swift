import Testing

@testable import FathomCore

// Unit tests of the line parsers against the byte-exact samples of the parser specification
// (log-formats.md, sections 1, 2, 5 and 11). Strings are written with Swift
// escapes so that every TAB, CR, LF and U+00A0 is where the spec puts it.

/// A REPORT line taken apart, with its ranges turned into strings.
struct PTReport: Equatable {
    var id: String
    var duration: Double?
    var billed: Double?
    var memory: Double?
    var maxMemory: Double?
    var initDuration: Double?
    var restore: Double?
    var billedRestore: Double?
    var status: InvocationStatus?
    var errorType: String?
    var xray: String?
}

/// A platform line described as text, for compact assertions.
func ptPlatform(_ s: String) -> String {
    withByteView(s) { v in
        switch PlatformLine.parse(v, 0..<v.count) {
        case nil: return "nil"
        case let .start(id, version)?: return "start \(v.string(id)) \(version.map { v.string($0) } ?? "-")"
        case let .end(id)?: return "end \(v.string(id))"
        case .report?: return "report"
        case let .xray(trace)?: return "xray \(trace.isEmpty ? "" : v.string(trace))"
        case .environment?: return "environment"
        case let .runtimeExit(id, killed)?: return "exit \(v.string(id)) killed=\(killed)"
        case .malformedReport?: return "malformed"
        }
    }
}

/// The REPORT fields of `s` (the line framer's view: one physical line, or a whole event).
func ptReport(_ s: String) -> PTReport? {
    withByteView(s) { v in
        guard case let .report(id, f)? = PlatformLine.parse(v, 0..<v.count) else { return nil }
        return PTReport(
            id: v.string(id), duration: f.durationMs, billed: f.billedDurationMs, memory: f.memorySizeMB,
            maxMemory: f.maxMemoryUsedMB, initDuration: f.initDurationMs, restore: f.restoreDurationMs,
            billedRestore: f.billedRestoreDurationMs, status: f.status, errorType: f.errorType.map { v.string($0) },
            xray: f.xrayTraceID.map { v.string($0) })
    }
}

/// A runtime prefix taken apart.
struct PTPrefix: Equatable {
    var time: Int64?
    var id: String?
    var level: LogLevel
    var message: String
}

func ptPrefix(_ s: String) -> PTPrefix? {
    withByteView(s) { v in
        guard let p = RuntimePrefix.parse(v, 0..<v.count) else { return nil }
        return PTPrefix(time: p.time, id: p.requestID.map { v.string($0) }, level: p.level,
                        message: v.string(p.message..<v.count))
    }
}

/// A MONITORING metric taken apart (the marker is searched for in `s`).
struct PTMetric: Equatable {
    var value: Double
    var time: Int64?
    var kind: MetricKind
    var name: String
    var tags: String?
    var namespace: String?
}

enum PTMetricResult: Equatable {
    case ok(PTMetric)
    case tooFewFields, badValue, nonFinite, emptyName
    case unknownType(String)
}

func ptMonitoring(_ s: String) -> PTMetricResult? {
    withByteView(s) { v in
        guard let start = v.firstIndex(of: "MONITORING|") else { return nil }
        switch MonitoringLine.parse(v, from: start, to: v.count) {
        case .success(let m):
            return .ok(PTMetric(value: m.value, time: m.time, kind: m.kind, name: v.string(m.name),
                                tags: m.tags.map { v.string($0) }, namespace: m.namespace.map { v.string($0) }))
        case .failure(.tooFewFields): return .tooFewFields
        case .failure(.badValue): return .badValue
        case .failure(.nonFinite): return .nonFinite
        case .failure(.emptyName): return .emptyName
        case .failure(.unknownType(let r)): return .unknownType(v.string(r))
        }
    }
}

func ptTime(_ s: String, shortFractionIsMillis: Bool = false) -> Int64? {
    withByteView(s) { v in TimestampParser.parse(v, at: 0, shortFractionIsMillis: shortFractionIsMillis)?.ms }
}

@Suite struct PlatformLineSamplesTests {
    // MARK: START / END

    @Test func startAndEnd() {
        #expect(ptPlatform("START RequestId: 4ce9340a-b765-490f-ad8a-02ab3415e2bf Version: $LATEST")
            == "start 4ce9340a-b765-490f-ad8a-02ab3415e2bf $LATEST")
        #expect(ptPlatform("START RequestId: 5ae184ed-85ea-11e7-a771-25a3e4ddb615 Version: 99")
            == "start 5ae184ed-85ea-11e7-a771-25a3e4ddb615 99")
        // 2014 gist: no Version at all.
        #expect(ptPlatform("START RequestId: a0537bcb-712d-11e4-8c97-af075a3c0929")
            == "start a0537bcb-712d-11e4-8c97-af075a3c0929 -")
        #expect(ptPlatform("END RequestId: 4ce9340a-b765-490f-ad8a-02ab3415e2bf")
            == "end 4ce9340a-b765-490f-ad8a-02ab3415e2bf")
        #expect(ptPlatform("START RequestId:") == "nil")
        #expect(ptPlatform("END RequestId: ") == "nil")
        #expect(ptPlatform("STARTED something") == "nil")
    }

    // MARK: REPORT variants of section 2.3

    @Test func reportTabsWithTrailingSpaceBeforeTab() {
        // LDG nodejs-logging.md, GetLogEvents: `ms \t` and a trailing `\t` (the framer removed `\n`).
        let r = ptReport("REPORT RequestId: 4ce9340a-b765-490f-ad8a-02ab3415e2bf\tDuration: 26.73 ms\tBilled Duration: 27 ms \tMemory Size: 128 MB\tMax Memory Used: 75 MB\t")
        #expect(r == PTReport(id: "4ce9340a-b765-490f-ad8a-02ab3415e2bf", duration: 26.73, billed: 27, memory: 128,
                              maxMemory: 75))
        let r2 = ptReport("REPORT RequestId: 6234bffe-149a-b642-81ff-2e8e376d8aff\tDuration: 46.84 ms\tBilled Duration: 47 ms \tMemory Size: 192 MB\tMax Memory Used: 72 MB\t")
        #expect(r2 == PTReport(id: "6234bffe-149a-b642-81ff-2e8e376d8aff", duration: 46.84, billed: 47, memory: 192,
                               maxMemory: 72))
        // 2017, 100 ms billing granularity.
        let r3 = ptReport("REPORT RequestId: 3897a7c2-8ac6-11e7-8e57-bb793172ae75\tDuration: 2.89 ms\tBilled Duration: 100 ms \tMemory Size: 1024 MB\tMax Memory Used: 20 MB\t")
        #expect(r3?.duration == 2.89 && r3?.billed == 100 && r3?.memory == 1024 && r3?.maxMemory == 20)
    }

    @Test func reportWithXRayOnTheNextLine() {
        // DD-FWD: the XRAY part is a second line of the same event. The framer hands out two lines.
        let first = "REPORT RequestId: fe1467d6-1458-4e20-8e40-9aaa4be7a0f4\tDuration: 3470.65 ms\tBilled Duration: 3500 ms\tMemory Size: 128 MB\tMax Memory Used: 89 MB\t"
        #expect(ptReport(first) == PTReport(id: "fe1467d6-1458-4e20-8e40-9aaa4be7a0f4", duration: 3470.65,
                                            billed: 3500, memory: 128, maxMemory: 89))
        #expect(ptPlatform("XRAY TraceId: 1-5d8bba5a-dc2932496a65bab91d2d42d4\tSegmentId: 5ff79d2a06b82ad6\tSampled: true\t")
            == "xray 1-5d8bba5a-dc2932496a65bab91d2d42d4")
        // report_with_xray: no terminator after the XRAY line.
        #expect(ptPlatform("XRAY TraceId: 1-5d83c0ad-b8eb33a0b1de97d804fac890\tSegmentId: 31255c3b19bd3637\tSampled: true")
            == "xray 1-5d83c0ad-b8eb33a0b1de97d804fac890")
        // The parser is given one line at a time (the ingestor splits events on LF/CR); handed a
        // whole event anyway, it still reads the REPORT fields.
        let event = "REPORT RequestId: 814ba7cb-071e-4181-9a09-fa41db5bccad\tDuration: 1711.87 ms\tBilled Duration: 1800 ms\tMemory Size: 128 MB\tMax Memory Used: 98 MB\t\nXRAY TraceId: 1-5d83c0ad-b8eb33a0b1de97d804fac890\tSegmentId: 31255c3b19bd3637\tSampled: true"
        #expect(ptReport(event)?.duration == 1711.87)
        #expect(ptReport(event)?.maxMemory == 98)
    }

    @Test func reportWithXRayFlattenedOnTheSameLine() {
        // LDG nodejs (docs flattened the LF into a TAB), with Init Duration and `xmpl` ids.
        let r = ptReport("REPORT RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\tDuration: 128.83 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 166.62 ms\tXRAY TraceId: 1-5d9d007f-0a8c7fd02xmpl480aed55ef0\tSegmentId: 3d752xmpl1bbe37e\tSampled: true")
        #expect(r == PTReport(id: "c793869b-ee49-115b-a5b6-4fd21e8dedac", duration: 128.83, billed: 200, memory: 128,
                              maxMemory: 74, initDuration: 166.62, xray: "1-5d9d007f-0a8c7fd02xmpl480aed55ef0"))
        // SnapStart + XRAY, whitespace-flattened with single spaces.
        let s = ptReport("REPORT RequestId: 24addd09-6e64-49fb-b187-94ba9b60b59a Duration: 127.10 ms Billed Duration: 154 ms Memory Size: 2048 MB Max Memory Used: 212 MB Restore Duration: 325.93 ms Billed Restore Duration: 26 ms XRAY TraceId: 1-66d978e5-56c7378e556e94b5461da07c SegmentId: 29c3839e6ecb5895 Sampled: true")
        #expect(s == PTReport(id: "24addd09-6e64-49fb-b187-94ba9b60b59a", duration: 127.10, billed: 154, memory: 2048,
                              maxMemory: 212, restore: 325.93, billedRestore: 26,
                              xray: "1-66d978e5-56c7378e556e94b5461da07c"))
    }

    @Test func reportStatusAndErrorType() {
        let syntax = ptReport("REPORT RequestId: f8400400-dd9e-4025-b644-4c78df3287c7\tDuration: 1338.34 ms\tBilled Duration: 1339 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tStatus: error\tError Type: Runtime.UserCodeSyntaxError")
        #expect(syntax?.status == .error)
        #expect(syntax?.errorType == "Runtime.UserCodeSyntaxError")
        #expect(syntax?.duration == 1338.34)
        let oom = ptReport("REPORT RequestId: 276ff3b9-1609-4ee7-a288-db3752630767\tDuration: 10935.70 ms\tBilled Duration: 10936 ms\tMemory Size: 1024 MB\tMax Memory Used: 1024 MB\tStatus: error\tError Type: Runtime.OutOfMemory")
        #expect(oom == PTReport(id: "276ff3b9-1609-4ee7-a288-db3752630767", duration: 10935.70, billed: 10936,
                                memory: 1024, maxMemory: 1024, status: .error, errorType: "Runtime.OutOfMemory"))
        // Init Duration before Status; billed = duration + init.
        let timeout = ptReport("REPORT RequestId: d602a1ed-503f-4ff7-9639-650e773dbbee\tDuration: 600000.00 ms\tBilled Duration: 600477 ms\tMemory Size: 1536 MB\tMax Memory Used: 1035 MB\tInit Duration: 476.75 ms\tStatus: timeout")
        #expect(timeout == PTReport(id: "d602a1ed-503f-4ff7-9639-650e773dbbee", duration: 600000, billed: 600477,
                                    memory: 1536, maxMemory: 1035, initDuration: 476.75, status: .timeout))
        let t2 = ptReport("REPORT RequestId: 13222b1e-f16b-4550-89df-869ab0a9806d\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 1024 MB\tMax Memory Used: 64 MB\tStatus: timeout")
        #expect(t2?.status == .timeout && t2?.errorType == nil && t2?.duration == 3000)
    }

    @Test func reportSnapStartRestoreFields() {
        // `sam logs` output with a trailing TAB; Restore vs Billed Restore must not be confused.
        let r = ptReport("REPORT RequestId: b771fecc-1b53-4faf-922d-1d74357b1676\tDuration: 306.34 ms\tBilled Duration: 610 ms\tMemory Size: 3009 MB\tMax Memory Used: 155 MB\tRestore Duration: 511.25 ms\tBilled Restore Duration: 303 ms\t")
        #expect(r == PTReport(id: "b771fecc-1b53-4faf-922d-1d74357b1676", duration: 306.34, billed: 610, memory: 3009,
                              maxMemory: 155, restore: 511.25, billedRestore: 303))
        #expect(r?.initDuration == nil)
    }

    @Test func reportSpaceSeparatedVariants() {
        // DD-FWD cold_start_report: runs of spaces, integer Init Duration.
        let cold = ptReport("REPORT RequestId: 8edab1f8-7d34-4a8e-a965-15ccbbb78d4c Duration: 0.81 ms  Billed Duration: 100 ms Memory Size: 128 MB Max Memory Used: 90 MB  Init Duration: 1234 ms")
        #expect(cold == PTReport(id: "8edab1f8-7d34-4a8e-a965-15ccbbb78d4c", duration: 0.81, billed: 100, memory: 128,
                                 maxMemory: 90, initDuration: 1234))
        // CLI --log-type Tail table.
        let cli = ptReport("REPORT RequestId: 57f231fb-1730-4395-85cb-4f71bd2b87b8  Duration: 79.67 ms      Billed Duration: 80 ms         Memory Size: 128 MB     Max Memory Used: 73 MB")
        #expect(cli == PTReport(id: "57f231fb-1730-4395-85cb-4f71bd2b87b8", duration: 79.67, billed: 80, memory: 128,
                                maxMemory: 73))
    }

    @Test func reportOddRequestIdSeparatorAndEmulatorOrder() {
        // Lumigo fixture: TAB after `RequestId:`.
        let tab = ptReport("REPORT RequestId:\tf631edda-4a4c-4ee1-8d8f-6e8c3b1e3b1a\tDuration: 1.0 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 19 MB\t")
        #expect(tab?.id == "f631edda-4a4c-4ee1-8d8f-6e8c3b1e3b1a")
        #expect(tab?.duration == 1.0 && tab?.billed == 100)
        // SAM CLI / RIE: Init Duration first, fake Max Memory Used.
        let rie = ptReport("REPORT RequestId: 61348fde-1111-2222-3333-444455556666\tInit Duration: 0.33 ms\tDuration: 2122.88 ms\tBilled Duration: 2123 ms\tMemory Size: 512 MB\tMax Memory Used: 512 MB\t")
        #expect(rie == PTReport(id: "61348fde-1111-2222-3333-444455556666", duration: 2122.88, billed: 2123,
                                memory: 512, maxMemory: 512, initDuration: 0.33))
    }

    @Test func malformedReports() {
        #expect(ptPlatform("REPORT invalid report log line") == "malformed")
        #expect(ptPlatform("REPORT RequestId: abc\tBilled Duration: 27 ms") == "malformed")  // no Duration
        #expect(ptPlatform("REPORT RequestId: abc\tDuration: NaN ms") == "malformed")
        #expect(ptPlatform("REPORT RequestId: ") == "malformed")
        #expect(ptPlatform("REPORTED nothing") == "nil")
    }

    // MARK: INIT_START, INIT_REPORT, RESTORE, EXTENSION, TELEMETRY

    @Test func environmentLines() {
        let lines = [
            "INIT_START Runtime Version: nodejs:18.v9\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:7d5f06b69c951da8a48b926ce280a9daf2e8bb1a74fc4a2672580c787d608206",
            "INIT_START Runtime Version: python:3.12.mainlinev2.v27\tRuntime Version ARN: arn:aws-us-gov:lambda:us-gov-west-1::runtime:abc",
            "INIT_REPORT Init Duration: 150.79 ms\tPhase: init\tStatus: error\tError Type: Runtime.UserCodeSyntaxError",
            "INIT_REPORT Init Duration: 1329.49 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.UserCodeSyntaxError",
            "INIT_REPORT Init Duration: 1670.77 ms   Phase: init     Status: error   Error Type: Runtime.Unknown",
            "INIT_REPORT Init Duration: 9999.79 ms    Phase: init    Status: timeout",
            "INIT_REPORT Init Duration: 10.17 ms Phase: init Status: error   Error Type: Runtime.ExitError",
            "RESTORE_START Runtime Version: java:11.v21\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0",
            "RESTORE_REPORT Restore Duration: 474.16 ms",
            "TELEMETRY\tName: datadog-agent\tState: Subscribed\tTypes: [Platform, Function, Extension]",
            "EXTENSION\tName: datadog-agent\tState: Ready\tEvents: [INVOKE,SHUTDOWN]",
            "EXTENSION\tName: AWSParametersAndSecretsLambdaExtension\tState: Ready\tEvents: [SHUTDOWN, INVOKE]",
            "EXTENSION\tName: lambda-adapter\tState: Ready\tEvents: []",
            "LOGS\tName: my-ext\tState: Subscribed\tTypes: [platform]",
        ]
        for line in lines { #expect(ptPlatform(line) == "environment", "\(line)") }
        // Look-alikes are not platform lines.
        #expect(ptPlatform("EXTENSIONS are great") == "nil")
        #expect(ptPlatform("TELEMETRYX") == "nil")
        #expect(ptPlatform("LOGS are here") == "nil")
        #expect(ptPlatform("[AWS Parameters and Secrets Lambda Extension] 2024/06/26 02:34:50 INFO Serving on port 2773") == "nil")
    }

    // MARK: Timeouts and runtime exits (2.8)

    @Test func runtimeExits() {
        #expect(ptPlatform("RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1 Error: Runtime exited without providing a reason")
            == "exit c3252230-c73d-49f6-8844-968c01d1e2e1 killed=false")
        #expect(ptPlatform("RequestId: 43e50939ce8c Error: Runtime exited with error: signal: killed Runtime.ExitError")
            == "exit 43e50939ce8c killed=true")
        #expect(ptPlatform("RequestId: d018ab48-1111-2222-3333-444455556666 Error: Runtime exited with error: signal: killed")
            == "exit d018ab48-1111-2222-3333-444455556666 killed=true")
        #expect(ptPlatform("RequestId: d018ab48-1111-2222-3333-444455556666 Error: Runtime exited with error: exit status 1")
            == "exit d018ab48-1111-2222-3333-444455556666 killed=false")
        #expect(ptPlatform("RequestId: 16f8d3a2-26fc-11e8-bca6-73dbc61c39e7 Process exited before completing request")
            == "exit 16f8d3a2-26fc-11e8-bca6-73dbc61c39e7 killed=false")
        // The second line of the event is plain text.
        #expect(ptPlatform("Runtime.ExitError") == "nil")
        #expect(ptPlatform("RequestId: abc something else") == "nil")
    }

    @Test func timeoutLineIsARuntimePrefixedMessage() {
        // Space-separated, written by the platform with the request id.
        let p = ptPrefix("2020-06-09T15:02:26.150Z 7c9567b5-107b-4a6c-8798-0157ac21db52 Task timed out after 3.00 seconds")
        #expect(p == PTPrefix(time: 1_591_714_946_150, id: "7c9567b5-107b-4a6c-8798-0157ac21db52", level: .unknown,
                              message: "Task timed out after 3.00 seconds"))
        #expect(ptPlatform("2020-06-09T15:02:26.150Z 7c9567b5-107b-4a6c-8798-0157ac21db52 Task timed out after 3.00 seconds") == "nil")
    }
}

@Suite struct RuntimePrefixSamplesTests {
    @Test func nodeText() {
        #expect(ptPrefix("2019-06-05T19:30:03.173Z\t4ce9340a-b765-490f-ad8a-02ab3415e2bf\tINFO\tEVENT")
            == PTPrefix(time: 1_559_763_003_173, id: "4ce9340a-b765-490f-ad8a-02ab3415e2bf", level: .info, message: "EVENT"))
        #expect(ptPrefix("2019-06-07T19:11:20.564Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tWARN\tEvent not processed.")?.level == .warn)
        let dd = ptPrefix("2023-02-18T22:23:34.030Z\t9f294aed-ba7e-49fe-a1b9-9a7ad6313712\tINFO\t[dd.trace_id=7064794513067584152 dd.span_id=3738137934146625350] Hello, World!")
        #expect(dd?.message == "[dd.trace_id=7064794513067584152 dd.span_id=3738137934146625350] Hello, World!")
        // INIT: the literal `undefined` is no request id. Note the space before the second TAB.
        let initErr = ptPrefix("2025-02-10T07:37:10.463Z\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\"Runtime.UserCodeSyntaxError\"}")
        #expect(initErr == PTPrefix(time: 1_739_173_030_463, id: nil, level: .error,
                                    message: "Uncaught Exception \t{\"errorType\":\"Runtime.UserCodeSyntaxError\"}"))
        // A message that begins with a TAB keeps it (only one separator TAB is removed).
        #expect(ptPrefix("2019-06-05T19:30:03.173Z\tabc\tINFO\t\tindented")?.message == "\tindented")
        for (token, level) in [("TRACE", LogLevel.trace), ("DEBUG", .debug), ("FATAL", .fatal), ("ERROR", .error)] {
            #expect(ptPrefix("2019-06-05T19:30:03.173Z\tabc\t\(token)\tx")?.level == level)
        }
    }

    @Test func nodeLegacyWithoutLevel() {
        #expect(ptPrefix("2017-04-10T21:54:32.683Z\t479fb51c-1e38-11e7-99ca-67bf163608ed\tvalue1 = undefined")
            == PTPrefix(time: 1_491_861_272_683, id: "479fb51c-1e38-11e7-99ca-67bf163608ed", level: .unknown,
                        message: "value1 = undefined"))
        #expect(ptPrefix("2017-04-26T10:41:09.023Z\tdb95c6da-2a6c-11e7-9550-c91b65931beb\tMONITORING|42|count|page_views|theburningmonk.com")?.message
            == "MONITORING|42|count|page_views|theburningmonk.com")
    }

    @Test func python() {
        #expect(ptPrefix("[INFO]\t2023-08-31T23:43:26.428Z\t2d0b1579-46fb-4bf7-a6e1-8e08840eae5b\tCloudWatch logs group: /aws/lambda/myLambdaFunction")
            == PTPrefix(time: 1_693_525_406_428, id: "2d0b1579-46fb-4bf7-a6e1-8e08840eae5b", level: .info,
                        message: "CloudWatch logs group: /aws/lambda/myLambdaFunction"))
        // INIT: empty request id, two TABs.
        #expect(ptPrefix("[INFO]\t2023-10-17T08:38:30.971Z\t\tFound credentials in environment variables.")
            == PTPrefix(time: 1_697_531_910_971, id: nil, level: .info, message: "Found credentials in environment variables."))
        // Pre-2021 unpadded milliseconds: `.5Z` is 5 ms, `.53Z` is 53 ms.
        #expect(ptPrefix("[WARNING]\t2020-01-01T00:00:58.5Z\tabc\tx")?.time == 1_577_836_858_005)
        #expect(ptPrefix("[WARNING]\t2020-01-01T00:00:58.53Z\tabc\tx")?.time == 1_577_836_858_053)
        #expect(ptPrefix("[WARNING]\t2020-01-01T00:00:58.5Z\tabc\tx")?.level == .warn)
        #expect(ptPrefix("[CRITICAL]\t2020-01-01T00:00:58.500Z\tabc\tx")?.level == .fatal)
        // stdout-mode unhandled error: `[ERROR] Type: message`, no timestamp.
        #expect(ptPrefix("[ERROR] KeyError: 'body'") == PTPrefix(time: nil, id: nil, level: .error, message: "KeyError: 'body'"))
        #expect(ptPrefix("[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'daily'")?.message
            == "Runtime.ImportModuleError: Unable to import module 'app': No module named 'daily'")
        // Traceback frames indented with U+00A0 and bare print() output have no prefix.
        #expect(ptPrefix("\u{a0}\u{a0}File \"/var/task/app.py\", line 13, in main") == nil)
        #expect(ptPrefix("Traceback (most recent call last):") == nil)
        #expect(ptPrefix("## ENVIRONMENT VARIABLES") == nil)
        #expect(ptPrefix("LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code.") == nil)
        #expect(ptPrefix("[Level 25]\tx") == nil)
    }

    @Test func javaGoDotNetRubyPowerShell() {
        // Java LambdaLogger with a level.
        #expect(ptPrefix("[INFO] my message") == PTPrefix(time: nil, id: nil, level: .info, message: "my message"))
        // log4j2 pattern: space separated, no millis, level padded to 5.
        #expect(ptPrefix("2020-03-18 08:52:43 6bc28136-xmpl-4365-b021-0ce6b2e64ab0 INFO  Handler - ENVIRONMENT VARIABLES:")
            == PTPrefix(time: 1_584_521_563_000, id: "6bc28136-xmpl-4365-b021-0ce6b2e64ab0", level: .info,
                        message: "Handler - ENVIRONMENT VARIABLES:"))
        // Go `log`: slashes, second precision, no request id.
        #expect(ptPrefix("2020/03/27 03:40:05 EVENT: {") == PTPrefix(time: 1_585_280_405_000, id: nil, level: .unknown, message: "EVENT: {"))
        #expect(ptPrefix("2024/01/01 12:00:00 {\"errorMessage\":\"boom\",\"errorType\":\"errorString\"}")?.message
            == "{\"errorMessage\":\"boom\",\"errorType\":\"errorString\"}")
        // .NET short level names.
        for (token, level) in [("info", LogLevel.info), ("fail", .error), ("crit", .fatal), ("trce", .trace),
                               ("dbug", .debug), ("warn", .warn)] {
            #expect(ptPrefix("2024-01-01T12:00:00.123Z\t8f507cfc-xmpl-4697-b07a-ac58fc914c95\t\(token)\thello")
                == PTPrefix(time: 1_704_110_400_123, id: "8f507cfc-xmpl-4697-b07a-ac58fc914c95", level: level, message: "hello"))
        }
        // Ruby Logger: microseconds, no zone, severity right-aligned.
        #expect(ptPrefix("I, [2019-10-26T10:04:01.689856 #8]  INFO 6573a3a0-2fb1-4e78-a582-2c769282e0bd -- : ## EVENT")
            == PTPrefix(time: 1_572_084_241_689, id: "6573a3a0-2fb1-4e78-a582-2c769282e0bd", level: .info, message: "## EVENT"))
        #expect(ptPrefix("E, [2019-10-26T10:04:01.689856 #8] ERROR 6573a3a0-2fb1-4e78-a582-2c769282e0bd -- : boom")?.level == .error)
        // PowerShell.
        #expect(ptPrefix("[Information] - ## Environment variables")
            == PTPrefix(time: nil, id: nil, level: .info, message: "## Environment variables"))
        // Extension output is not a runtime prefix.
        #expect(ptPrefix("[appconfig agent] 2024/08/29 17:22:53 INFO AppConfig Lambda Extension 2.0.711") == nil)
    }
}

@Suite struct MonitoringLineSamplesTests {
    @Test func datadogFractionalEpochAndEmptyTagValue() {
        // DD-FWD fixture cloudwatch_log_legacy_metric.json.
        #expect(ptMonitoring("MONITORING|1609983680.4133823|12|count|test_legacy_metric|#env:prod,event_name:\n")
            == .ok(PTMetric(value: 12, time: 1_609_983_680_413, kind: .count, name: "test_legacy_metric",
                            tags: "env:prod,event_name:")))
        // Datadog doc example; the service-check sample has no tag field.
        #expect(ptMonitoring("MONITORING|1572273854|42|count|my.metric.name|#tag1:value,tag2")
            == .ok(PTMetric(value: 42, time: 1_572_273_854_000, kind: .count, name: "my.metric.name", tags: "tag1:value,tag2")))
        #expect(ptMonitoring("MONITORING|1572273854|1|check|my.service.check")
            == .ok(PTMetric(value: 1, time: 1_572_273_854_000, kind: .check, name: "my.service.check")))
        #expect(ptMonitoring("MONITORING|1572273854|3.5|gauge|g|#a:b")
            == .ok(PTMetric(value: 3.5, time: 1_572_273_854_000, kind: .gauge, name: "g", tags: "a:b")))
        #expect(ptMonitoring("MONITORING|1572273854|3.5|histogram|h")
            == .ok(PTMetric(value: 3.5, time: 1_572_273_854_000, kind: .distribution, name: "h")))
    }

    @Test func epochsOfEveryUnit() {
        let ms = ptMonitoring("MONITORING|1572273854123|1|count|c|#env:x")
        let us = ptMonitoring("MONITORING|1572273854123456|1|count|c|#env:x")
        let ns = ptMonitoring("MONITORING|1572273854123456789|1|count|c|#env:x")
        for r in [ms, us, ns] {
            guard case .ok(let m)? = r else {
                Issue.record("not parsed: \(String(describing: r))")
                continue
            }
            #expect(m.time == 1_572_273_854_123)
        }
    }

    @Test func wildVariants() {
        // Go helper: `%f` value, namespace-dotted name (leading dot), tags without `#`.
        #expect(ptMonitoring("MONITORING|1572273854|12.000000|count|.requests|env:prod,region:eu")
            == .ok(PTMetric(value: 12, time: 1_572_273_854_000, kind: .count, name: ".requests", tags: "env:prod,region:eu")))
        // Node runtime prefix in front: the marker is found after it.
        #expect(ptMonitoring("2019-07-23T01:31:44.241Z\tabc\tINFO\tMONITORING|1572273854|1|count|x")
            == .ok(PTMetric(value: 1, time: 1_572_273_854_000, kind: .count, name: "x")))
        // Yan Cui's brief example: Datadog order with a free-form type.
        #expect(ptMonitoring("MONITORING|1489795335|27.4|latency|user-api-latency")
            == .ok(PTMetric(value: 27.4, time: 1_489_795_335_000, kind: .distribution, name: "user-api-latency")))
    }

    @Test func fiveFieldDialect() {
        // lambda-logging-metrics-demo: value|unit|name|namespace, no timestamp.
        #expect(ptMonitoring("MONITORING|42|count|page_views|theburningmonk.com")
            == .ok(PTMetric(value: 42, time: nil, kind: .count, name: "page_views", namespace: "theburningmonk.com")))
        // Lumigo SAR: dimensions after the namespace (with and without spaces after commas).
        #expect(ptMonitoring("MONITORING|1|Count|request_count|theburningmonk.com|service=content-item,region=eu-west-1")
            == .ok(PTMetric(value: 1, time: nil, kind: .count, name: "request_count",
                            tags: "service=content-item,region=eu-west-1", namespace: "theburningmonk.com")))
        #expect(ptMonitoring("MONITORING|42.7|Milliseconds|latency|theburningmonk.com|service=content-item, region=eu-west-1")
            == .ok(PTMetric(value: 42.7, time: nil, kind: .distribution, name: "latency",
                            tags: "service=content-item, region=eu-west-1", namespace: "theburningmonk.com")))
        #expect(ptMonitoring("INFO\tMONITORING|42.0|Milliseconds|latency|theburningmonk.com|service=content-item,region=eu-west-1\n")
            == .ok(PTMetric(value: 42, time: nil, kind: .distribution, name: "latency",
                            tags: "service=content-item,region=eu-west-1", namespace: "theburningmonk.com")))
    }

    @Test func refusals() {
        #expect(ptMonitoring("MONITORING YO!") == nil)  // no marker: plain text
        #expect(ptMonitoring("MONITORING|1|2|3") == .tooFewFields)
        #expect(ptMonitoring("MONITORING|") == .tooFewFields)
        #expect(ptMonitoring("MONITORING|1572273854|NaN|count|x") == .nonFinite)
        #expect(ptMonitoring("MONITORING|1572273854|Infinity|count|x") == .nonFinite)
        #expect(ptMonitoring("MONITORING|1572273854|-Infinity|gauge|x") == .nonFinite)
        #expect(ptMonitoring("MONITORING|1572273854|1e400|count|x") == .nonFinite)
        #expect(ptMonitoring("MONITORING|1572273854|1e109|count|x") == .nonFinite)  // beyond ±2^360
        #expect(ptMonitoring("MONITORING|1572273854|abc|count|x") == .badValue)
        #expect(ptMonitoring("MONITORING|yesterday|1|count|x") == .badValue)
        #expect(ptMonitoring("MONITORING|1572273854|1|bogus|x") == .unknownType("bogus"))
        #expect(ptMonitoring("MONITORING|1572273854|1|count|") == .emptyName)
        #expect(ptMonitoring("MONITORING|NaN|Count|x|ns") == .nonFinite)
        #expect(ptMonitoring("MONITORING|1e400|Count|x|ns") == .nonFinite)
    }
}

@Suite struct TimestampSamplesTests {
    @Test func isoForms() {
        #expect(ptTime("2019-06-05T19:30:03.173Z") == 1_559_763_003_173)
        #expect(ptTime("2019-06-05T19:30:03Z") == 1_559_763_003_000)  // Python JSON: no fraction
        #expect(ptTime("2019-06-05T19:30:03.1Z") == 1_559_763_003_100)  // a decimal fraction
        #expect(ptTime("2019-06-05T19:30:03.5Z", shortFractionIsMillis: true) == 1_559_763_003_005)
        #expect(ptTime("2019-06-05T19:30:03.173456789Z") == 1_559_763_003_173)  // extra digits truncated
        #expect(ptTime("2024-11-02T16:51:31.587199Z") == 1_730_566_291_587)
        // Offsets: `aws logs tail`, Powertools (`,` before millis and `+0000`).
        #expect(ptTime("2019-06-05T19:30:03.173000+00:00") == 1_559_763_003_173)
        #expect(ptTime("2021-05-03 11:47:12,494+0000") == 1_620_042_432_494)
        #expect(ptTime("2019-06-05T21:30:03.173+02:00") == 1_559_763_003_173)
        #expect(ptTime("2019-06-05T14:30:03.173-0500") == 1_559_763_003_173)
        #expect(ptTime("2019-06-05T21:30:03+02") == 1_559_763_003_000)
        // Go and log4j, Ruby without zone.
        #expect(ptTime("2020/03/27 03:40:05") == 1_585_280_405_000)
        #expect(ptTime("2020-03-18 08:52:43") == 1_584_521_563_000)
        #expect(ptTime("2019-10-26T10:04:01.689856") == 1_572_084_241_689)
        // Before 1970 and leap days.
        #expect(ptTime("2024-02-29T00:00:00Z") == 1_709_164_800_000)
        #expect(ptTime("1969-12-31T23:59:59Z") == -1000)
    }

    @Test func refusals() {
        for s in ["", "2019", "2019-13-01T00:00:00Z", "2019-06-32T00:00:00Z", "2019-06-05X19:30:03Z",
                  "2019-06-05T24:00:00Z", "2019-06-05T19:60:00Z", "2019-06-05T19:30:03.Z", "2019/06-05 19:30:03",
                  "20190605T193003Z", "abcd-ef-ghT00:00:00Z"] {
            #expect(ptTime(s) == nil, "\(s)")
        }
    }

    @Test func epochUnits() {
        #expect(TimestampParser.epochToMillis(1_572_273_854) == 1_572_273_854_000)
        #expect(TimestampParser.epochToMillis(1_609_983_680.4133823) == 1_609_983_680_413)
        #expect(TimestampParser.epochToMillis(1_572_273_854_123) == 1_572_273_854_123)
        #expect(TimestampParser.epochToMillis(1_572_273_854_123_456) == 1_572_273_854_123)
        #expect(TimestampParser.epochToMillis(1_572_273_854_123_456_768) == 1_572_273_854_123)
        #expect(TimestampParser.epochToMillis(.nan) == nil)
        #expect(TimestampParser.epochToMillis(.infinity) == nil)
        #expect(TimestampParser.epochToMillis(-1) == nil)
        #expect(TimestampParser.epochToMillis(1e300) == nil)
    }

    @Test func formatRoundTrip() {
        for ms: Int64 in [0, 1_559_763_003_173, 1_709_164_800_000, 4_102_444_799_999] {
            let s = TimestampParser.formatMillis(ms)
            #expect(ptTime(s) == ms, "\(s)")
        }
        #expect(TimestampParser.formatMillis(1_559_763_003_173) == "2019-06-05T19:30:03.173Z")
    }
}

@Suite struct LogLevelSamplesTests {
    func level(_ s: String) -> LogLevel? { withByteView(s) { LogLevel.parse($0, 0..<$0.count) } }

    @Test func vocabularies() {
        #expect(level("WARNING") == .warn && level("WARN") == .warn && level("Warning") == .warn)
        #expect(level("CRITICAL") == .fatal && level("Critical") == .fatal && level("crit") == .fatal)
        #expect(level("Information") == .info && level("INFO") == .info)
        #expect(level("fail") == .error && level("Error") == .error)
        #expect(level("Trace") == .trace && level("trce") == .trace && level("dbug") == .debug)
        #expect(level("INF") == nil && level("value1") == nil && level("") == nil && level("MONITORING|1") == nil)
        #expect(LogLevel(numeric: 20) == .debug && LogLevel(numeric: 30) == .info && LogLevel(numeric: 40) == .warn)
        #expect(LogLevel(numeric: 50) == .error && LogLevel(numeric: 60) == .fatal && LogLevel(numeric: 10) == .trace)
    }
}
