import Testing
@testable import FathomCore

enum RenderTraceFixture {
    static let t0 = RenderFixture.t0

    /// Two invocations, given out of order; the second has a CRLF line and a tab.
    static let invocations = [
        Invocation(
            requestID: "req-b", function: "worker", version: "7", start: t0 + 40, end: t0 + 160, durationMs: 120.25,
            status: .error, errorType: "TypeError", correlationIDs: ["c-1"],
            lines: Array("2025-11-20T08:00:00.040Z\treq-b\tERROR\tboom\r\nsecond \"line\"\n".utf8), lineCount: 2),
        Invocation(
            requestID: "req-a", function: "api", version: "$LATEST", start: t0, end: t0 + 200, durationMs: 199.5,
            initDurationMs: 80, xrayTraceID: "1-abc", correlationIDs: ["c-1", "c-2"],
            lines: Array("hello\n".utf8), lineCount: 1),
    ]
}

@Test func renderTraceTable() {
    #expect(
        Renderers.trace(id: "c-1", RenderTraceFixture.invocations, format: .table) == """
            trace c-1: 2 invocations, 2 functions (api, worker), 200 ms
            FUNCTION  VERSION  OFFSET   DURATION  STATUS  COLD  TIMELINE
            api       $LATEST   +0 ms  199.50 ms  ok      yes   ████████████████████████████████████████
            worker    7        +40 ms  120.25 ms  error   no    ░░░░░░░░█████████████████████████░░░░░░░

            ── api $LATEST req-a (ok)
              hello

            ── worker 7 req-b (error: TypeError)
              2025-11-20T08:00:00.040Z\treq-b\tERROR\tboom
              second "line"

            """)
}

@Test func renderTraceTableASCIINarrow() {
    let inv = Invocation(requestID: "r", function: "f", version: "1", start: 0, end: 0)
    #expect(
        Renderers.trace(id: "c-1", RenderTraceFixture.invocations + [inv], format: .table, width: 10, ascii: true)
            .hasPrefix("trace c-1: 3 invocations"))
    #expect(
        Renderers.trace(id: "c-1", RenderTraceFixture.invocations, format: .table, width: 10, ascii: true) == """
            trace c-1: 2 invocations, 2 functions (api, worker), 200 ms
            FUNCTION  VERSION  OFFSET   DURATION  STATUS  COLD  TIMELINE
            api       $LATEST   +0 ms  199.50 ms  ok      yes   ##########
            worker    7        +40 ms  120.25 ms  error   no    ..#######.

            -- api $LATEST req-a (ok)
              hello

            -- worker 7 req-b (error: TypeError)
              2025-11-20T08:00:00.040Z\treq-b\tERROR\tboom
              second "line"

            """)
}

@Test func renderTraceSingleInstantAndNoLines() {
    let inv = Invocation(requestID: "r1", function: "f", version: "3", start: 5000, end: 5000, status: .incomplete)
    #expect(
        Renderers.trace(id: "r1", [inv], format: .table, width: 4) == """
            trace r1: 1 invocation, 1 function (f), 0 ms
            FUNCTION  VERSION  OFFSET  DURATION  STATUS      COLD  TIMELINE
            f         3         +0 ms         -  incomplete  no    ████

            ── f 3 r1 (incomplete)
              (no log lines)

            """)
}

@Test func renderTraceBars() {
    #expect(Renderers.bar(from: 0, length: 50, total: 100, width: 10, ascii: true) == "#####.....")
    #expect(Renderers.bar(from: 99, length: 1, total: 100, width: 10, ascii: true) == ".........#")
    #expect(Renderers.bar(from: 30, length: 0, total: 100, width: 10, ascii: true) == "...#......")
    #expect(Renderers.bar(from: 0, length: 100, total: 100, width: 0, ascii: true) == "#")
}

@Test func renderTraceEmpty() throws {
    #expect(Renderers.trace(id: "nope", [], format: .table) == "no invocation is linked to nope\n")
    let json = try #require(RenderJSON.parse(Renderers.trace(id: "nope", [], format: .json)))
    #expect(json["id"] == .string("nope"))
    #expect(json["spans"] == .array([]))
}

@Test func renderTraceJSON() throws {
    let text = Renderers.trace(id: "c-1", RenderTraceFixture.invocations, format: .json)
    #expect(
        text == """
            {
              "id": "c-1",
              "start": "2025-11-20T08:00:00.000Z",
              "span_ms": 200,
              "spans": [
                {
                  "function": "api",
                  "version": "$LATEST",
                  "request_id": "req-a",
                  "stream": "",
                  "start": "2025-11-20T08:00:00.000Z",
                  "offset_ms": 0,
                  "duration_ms": 199.5,
                  "billed_duration_ms": null,
                  "init_duration_ms": 80,
                  "memory_size_mb": null,
                  "max_memory_used_mb": null,
                  "status": "ok",
                  "cold_start": true,
                  "error_type": null,
                  "xray_trace_id": "1-abc",
                  "correlation_ids": [
                    "c-1",
                    "c-2"
                  ],
                  "lines": [
                    "hello"
                  ]
                },
                {
                  "function": "worker",
                  "version": "7",
                  "request_id": "req-b",
                  "stream": "",
                  "start": "2025-11-20T08:00:00.040Z",
                  "offset_ms": 40,
                  "duration_ms": 120.25,
                  "billed_duration_ms": null,
                  "init_duration_ms": null,
                  "memory_size_mb": null,
                  "max_memory_used_mb": null,
                  "status": "error",
                  "cold_start": false,
                  "error_type": "TypeError",
                  "xray_trace_id": null,
                  "correlation_ids": [
                    "c-1"
                  ],
                  "lines": [
                    "2025-11-20T08:00:00.040Z\\treq-b\\tERROR\\tboom",
                    "second \\"line\\""
                  ]
                }
              ]
            }

            """)
    let json = try #require(RenderJSON.parse(text))
    for key in ["id", "spans"] { #expect(json[key] != nil) }
    let span = try #require(json["spans"]?[1])
    for key in ["function", "version", "request_id", "start", "duration_ms", "status", "cold_start", "lines",
                "error_type", "xray_trace_id", "correlation_ids", "offset_ms"] {
        #expect(span[key] != nil, "span lacks \(key)")
    }
    #expect(span["lines"]?[0] == .string("2025-11-20T08:00:00.040Z\treq-b\tERROR\tboom"))
}

@Test func renderTraceCSV() {
    #expect(
        Renderers.trace(id: "c-1", RenderTraceFixture.invocations, format: .csv) == """
            function,version,request_id,start,offset_ms,duration_ms,status,cold_start,error_type,xray_trace_id,correlation_ids,line_count
            api,$LATEST,req-a,2025-11-20T08:00:00.000Z,0,199.5,ok,true,,1-abc,c-1 c-2,1
            worker,7,req-b,2025-11-20T08:00:00.040Z,40,120.25,error,false,TypeError,,c-1,2

            """)
}

@Test func renderTraceLogLines() {
    #expect(Renderers.logLines(Array("a\r\n\nb\n".utf8)) == ["a", "", "b"])
    #expect(Renderers.logLines(Array("no end".utf8)) == ["no end"])
    #expect(Renderers.logLines([]) == [])
}
