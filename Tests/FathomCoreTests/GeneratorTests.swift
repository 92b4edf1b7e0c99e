import Testing

@testable import FathomCore

/// A minimal JSON reader for checking generated output (objects keep their key order).
private indirect enum GenTestJSON: Equatable {
    case null, bool(Bool), number(Double), string(String), array([GenTestJSON]), object([(String, GenTestJSON)])

    static func == (a: GenTestJSON, b: GenTestJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        default: return false
        }
    }

    subscript(_ key: String) -> GenTestJSON? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var number: Double? { if case .number(let d) = self { return d } else { return nil } }
    var array: [GenTestJSON]? { if case .array(let a) = self { return a } else { return nil } }
    var keys: [String] { if case .object(let m) = self { return m.map(\.0) } else { return [] } }

    /// Parses one complete JSON document; nil when it is not valid JSON.
    static func parse<C: Collection>(_ text: C) -> GenTestJSON? where C.Element == UInt8 {
        var p = Parser(bytes: Array(text))
        guard let v = p.value() else { return nil }
        p.skipSpace()
        return p.i == p.bytes.count ? v : nil
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
        }

        mutating func literal(_ s: String) -> Bool {
            let u = Array(s.utf8)
            guard i + u.count <= bytes.count, Array(bytes[i..<i + u.count]) == u else { return false }
            i += u.count
            return true
        }

        mutating func value() -> GenTestJSON? {
            skipSpace()
            guard i < bytes.count else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [(String, GenTestJSON)] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    return .object(members)
                }
                while true {
                    skipSpace()
                    guard let k = str() else { return nil }
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
                    i += 1
                    guard let v = value() else { return nil }
                    members.append((k, v))
                    skipSpace()
                    guard i < bytes.count else { return nil }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                    return nil
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [GenTestJSON] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return .array(items)
                }
                while true {
                    guard let v = value() else { return nil }
                    items.append(v)
                    skipSpace()
                    guard i < bytes.count else { return nil }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    return nil
                }
            case UInt8(ascii: "\""):
                return str().map(GenTestJSON.string)
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default:
                let start = i
                while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
                return Double(String(decoding: bytes[start..<i], as: UTF8.self)).map(GenTestJSON.number)
            }
        }

        mutating func str() -> String? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                if c < 0x20 { return nil }
                if c != UInt8(ascii: "\\") {
                    out.append(c)
                    continue
                }
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "u"):
                    guard i + 4 <= bytes.count, let v = UInt8(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16)
                    else { return nil }
                    out.append(v)
                    i += 4
                default: return nil
                }
            }
            return nil
        }
    }
}

private func genLines(_ bytes: [UInt8]) -> [String] {
    String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

private func genRun(_ config: GeneratorConfig) throws -> (files: [GeneratedFile], truth: GeneratorTruth, json: [UInt8]) {
    var g = try LogGenerator(config)
    let (files, json) = g.run()
    return (files, g.truth!, json)
}

/// How many times `needle` occurs in `text` (non-overlapping).
private func genCount(of needle: String, in text: String) -> Int {
    var n = 0
    var rest = text[...]
    while let r = rest.firstRange(of: needle) {
        n += 1
        rest = rest[r.upperBound...]
    }
    return n
}

@Suite("Log generator")
struct GeneratorTests {
    // MARK: Math and formatting

    @Test func mathMatchesKnownValues() {
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-14 * max(abs(b), 1e-300) }
        #expect(close(GenMath.log(2), 0.6931471805599453))
        #expect(close(GenMath.log(10), 2.302585092994046))
        #expect(close(GenMath.log(1e-300), -690.7755278982137))
        #expect(GenMath.log(1) == 0)
        #expect(close(GenMath.exp(1), 2.718281828459045))
        #expect(close(GenMath.exp(-20), 2.061153622438558e-09))
        #expect(close(GenMath.exp(700), 1.0142320547350045e+304))
        #expect(GenMath.exp(0) == 1)
        #expect(close(GenMath.cos(1), 0.5403023058681398))
        #expect(close(GenMath.cos(3), -0.9899924966004454))
        #expect(close(GenMath.cos(100), 0.8623188722876839))
        #expect(close(GenMath.sin(1), 0.8414709848078965))
        var r = GenRandom(seed: 99)
        for _ in 0..<10_000 {
            let x = r.uniform(-50, 50)
            let y = GenMath.exp(r.uniform(-700, 700))
            #expect(abs(GenMath.log(GenMath.exp(x)) - x) <= 1e-13 * max(1, abs(x)))
            #expect(abs(GenMath.exp(GenMath.log(y)) / y - 1) <= 1e-12)
            let c = GenMath.cos(x)
            let s = GenMath.sin(x)
            #expect(abs(c * c + s * s - 1) <= 1e-15)
        }
    }

    @Test func randomIsDeterministicAndUniform() {
        var a = GenRandom(seed: 42)
        var b = GenRandom(seed: 42)
        var c = GenRandom(seed: 43)
        let xs = (0..<8).map { _ in a.next() }
        #expect(xs == (0..<8).map { _ in b.next() })
        #expect(xs != (0..<8).map { _ in c.next() })
        var counts = [0, 0, 0]
        var sum = 0.0
        var normals: [Double] = []
        for _ in 0..<30_000 {
            counts[a.below(3)] += 1
            let u = a.unit()
            #expect(u >= 0 && u < 1)
            sum += u
            normals.append(a.normal())
        }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
        #expect(abs(sum / 30_000 - 0.5) < 0.01)
        let mean = normals.reduce(0, +) / 30_000
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 30_000
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
        for _ in 0..<1000 { #expect((1...2).contains(a.int(1, 2))) }
    }

    @Test func timestampsAreRFC3339() {
        #expect(GenTime.iso(ms: 0) == "1970-01-01T00:00:00.000Z")
        #expect(GenTime.iso(ms: 1_795_168_800_000) == "2026-11-20T10:00:00.000Z")
        #expect(GenTime.iso(ms: 951_782_400_500) == "2000-02-29T00:00:00.500Z")
        #expect(GenTime.iso(ms: 4_102_444_799_999) == "2099-12-31T23:59:59.999Z")
        #expect(GenTime.iso(ms: -1000) == "1969-12-31T23:59:59.000Z")
        #expect(String(decoding: GenTime.dayPath(ms: 951_782_400_500), as: UTF8.self) == "2000/02/29")
    }

    @Test func metricValuesPrintAsPython() {
        // Python: f"{v:g}" if v != int(v) else str(int(v))
        let cases: [(Int64, String, Int64)] = [
            (12345, "123.45", 12345), (1_234_567, "12345.7", 1_234_570), (12_345_678, "123457", 12_345_700),
            (123_456_789, "1.23457e+06", 123_457_000), (99_999_996, "1e+06", 100_000_000), (5, "0.05", 5),
            (10, "0.1", 10), (1_234_550, "12345.5", 1_234_550), (9_999_996, "100000", 10_000_000), (150, "1.5", 150),
            (1025, "10.25", 1025), (1_234_567_890, "1.23457e+07", 1_234_570_000), (300, "3", 300),
            (123_456_700, "1234567", 123_456_700),
        ]
        for (centis, text, printed) in cases {
            var out: [UInt8] = []
            let p = GenBytes.appendMetricValue(centis: centis, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == text, "centis \(centis)")
            #expect(p == printed, "centis \(centis)")
            #expect(Double(text)! == Double(printed) / 100)
        }
    }

    @Test func quantileRangesFollowGenlogs() {
        let a = GeneratorTruth.Summary(sorted: [1, 2, 3, 4], sum: 10)
        #expect(a.quantiles.map(\.value) == [2, 4, 4, 4])
        #expect(a.quantiles.map(\.low) == [2, 3, 3, 3])
        #expect(a.quantiles.map(\.high) == [3, 4, 4, 4])
        let b = GeneratorTruth.Summary(sorted: (1...10).map(Double.init), sum: 55)
        #expect(b.quantiles.map(\.value) == [5, 9, 10, 10])
        #expect(b.quantiles.map(\.low) == [5, 9, 9, 9])
        #expect(b.quantiles.map(\.high) == [6, 10, 10, 10])
        let empty = GeneratorTruth.Summary(sorted: [], sum: 0)
        #expect(empty.quantiles.isEmpty && empty.min == nil)
    }

    // MARK: Configuration

    @Test func refusesBadConfigurations() {
        #expect(throws: GeneratorError.self) { try LogGenerator(GeneratorConfig(functions: 2, format: .text)) }
        #expect(throws: GeneratorError.self) { try LogGenerator(GeneratorConfig(functions: 3, format: .tail)) }
        #expect(throws: GeneratorError.self) { try LogGenerator(GeneratorConfig(functions: 0)) }
        #expect(throws: GeneratorError.self) { try LogGenerator(GeneratorConfig(functions: 9, format: .json)) }
        #expect(throws: GeneratorError.self) { try LogGenerator(GeneratorConfig(functions: 1, canaryShare: 1.5)) }
        #expect(throws: GeneratorError.self) { try LogGenerator(GeneratorConfig(functions: 1, seconds: 0)) }
        do {
            _ = try LogGenerator(GeneratorConfig(functions: 2, format: .text))
        } catch {
            #expect(error.message.contains("--functions"))
        }
        // a directory holds any number of functions in text
        #expect((try? LogGenerator(GeneratorConfig(functions: 8, format: .text, outDir: "x"))) != nil)
    }

    // MARK: Determinism and streaming

    @Test func sameSeedSameBytesDifferentSeedDifferentBytes() throws {
        for format in GeneratorFormat.allCases {
            let config = GeneratorConfig(seed: 5, invocations: 300, functions: 1, format: format)
            let a = try genRun(config)
            let b = try genRun(config)
            #expect(a.files == b.files)
            #expect(a.json == b.json)
            var other = config
            other.seed = 6
            let c = try genRun(other)
            #expect(a.files != c.files)
            #expect(a.json != c.json)
        }
        let dir = GeneratorConfig(seed: 5, invocations: 600, functions: 4, format: .cwl, outDir: "out")
        #expect(try genRun(dir).files == genRun(dir).files)
    }

    @Test func streamingEqualsInMemory() throws {
        for format in [GeneratorFormat.text, .cwl, .json] {
            let config = GeneratorConfig(seed: 9, invocations: 2000, functions: format == .text ? 1 : 5, format: format)
            let whole = try genRun(config)
            var g = try LogGenerator(config)
            var chunks: [[UInt8]] = []
            g.generate(chunkSize: 4096) { file in
                #expect(file.path == nil)
                chunks.append(file.bytes)
            }
            #expect(chunks.count > 10)
            #expect(chunks.dropLast().allSatisfy { $0.count >= 4096 })
            #expect(Array(chunks.joined()) == whole.files[0].bytes)
            #expect(g.truth == whole.truth)
            #expect(whole.files.count == 1 && whole.files[0].path == nil)
        }
    }

    // MARK: Formats

    @Test func textStreamIsOrderedAndConsistentWithTruth() throws {
        let (files, truth, _) = try genRun(GeneratorConfig(seed: 3, invocations: 3000, functions: 1, format: .text))
        let text = String(decoding: files[0].bytes, as: UTF8.self)
        let all = genLines(files[0].bytes)
        // every line is START/END/REPORT, a Node.js application line, a timeout, or a traceback line
        var stamps: [String] = []
        var reports = 0
        var monitoring = 0
        var inits = 0
        var errorLines = 0
        var timeouts = 0
        for line in all {
            if line.hasPrefix("START RequestId: ") {
                #expect(line.contains(" Version: 4"))
            } else if line.hasPrefix("END RequestId: ") {
            } else if line.hasPrefix("REPORT RequestId: ") {
                reports += 1
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                #expect(fields.count == 6 || fields.count == 7)
                #expect(fields[1].hasPrefix("Duration: ") && fields[1].hasSuffix(" ms"))
                #expect(fields[2].hasPrefix("Billed Duration: "))
                #expect(fields[3] == "Memory Size: 512 MB")
                #expect(fields[4].hasPrefix("Max Memory Used: "))
                #expect(fields.last == "")
                if fields.count == 7 { inits += 1 }
            } else {
                // <timestamp>\t<request id>\t<LEVEL>\t<message>, or <timestamp> <id> Task timed out …
                let stamp = String(line.prefix(24))
                #expect(stamp.count == 24 && stamp.hasSuffix("Z") && stamp.dropFirst(10).hasPrefix("T"), "\(line)")
                stamps.append(stamp)
                if line.contains("Task timed out after 6.00 seconds") {
                    timeouts += 1
                } else {
                    let fields = line.split(separator: "\t", maxSplits: 3)
                    #expect(fields.count == 4 && fields[1].count == 36)
                    if fields[2] == "ERROR" { errorLines += 1 }
                    if fields[3].hasPrefix("MONITORING|") { monitoring += 1 }
                }
            }
        }
        #expect(stamps == stamps.sorted(), "the merged stream is ordered by time")
        let invocations = truth.functions.map(\.invocations).reduce(0, +)
        #expect(invocations == 3000 && reports == 3000)
        #expect(truth.functions.map(\.coldStarts).reduce(0, +) == inits)
        #expect(truth.functions.map(\.initDurationMs.count).reduce(0, +) == inits)
        #expect(truth.functions.map(\.timeouts).reduce(0, +) == timeouts)
        #expect(truth.functions.map(\.errors).reduce(0, +) == errorLines + timeouts)
        #expect(truth.metrics.map(\.values.count).reduce(0, +) == monitoring)
        #expect(truth.invocationsPerMinute.map(\.invocations).reduce(0, +) == invocations)
        #expect(truth.traces.isEmpty, "one function: no traces")
        #expect(truth.lines == all.count, "checkout is Node.js: one line per event")
        #expect(genCount(of: "START RequestId: ", in: text) == 3000)
        #expect(truth.functions.allSatisfy { $0.durationMs.count == $0.invocations && $0.memoryMB == 512 })
        // durations in the truth are the printed ones
        let printedSum = all.filter { $0.hasPrefix("REPORT") }.map { line -> Int in
            let d = line.split(separator: "\t")[1].dropFirst("Duration: ".count).dropLast(" ms".count)
            return Int(String(d.filter { $0 != "." }))!
        }.reduce(0, +)
        let truthSum = truth.functions.map(\.durationMs.sum).reduce(0, +)
        #expect(abs(truthSum - Double(printedSum) / 100) < 1e-6)
    }

    @Test func jsonAndCloudWatchLinesAreValid() throws {
        for format in [GeneratorFormat.json, .cwl] {
            let (files, truth, _) = try genRun(GeneratorConfig(seed: 4, invocations: 1500, functions: 5, format: format))
            let all = genLines(files[0].bytes)
            #expect(all.count == truth.lines, "one JSON object per event")
            var previous = ""
            var reports = 0
            var requestIDs: Set<String> = []
            for line in all {
                guard let v = GenTestJSON.parse(line.utf8) else {
                    Issue.record("not JSON: \(line)")
                    continue
                }
                let time: String
                if format == .cwl {
                    #expect(v.keys == ["messageType", "owner", "logGroup", "logStream", "subscriptionFilters", "logEvents"])
                    #expect(v["messageType"] == .string("DATA_MESSAGE"))
                    #expect(v["logGroup"]?.string?.hasPrefix("/aws/lambda/") == true)
                    let events = v["logEvents"]?.array ?? []
                    #expect(events.count == 1)
                    let e = events[0]
                    #expect(e.keys == ["id", "timestamp", "message"])
                    let ms = e["timestamp"]!.number!
                    #expect(e["id"]!.string!.hasPrefix(String(Int64(ms))))
                    time = String(Int64(ms))
                    let message = e["message"]!.string!
                    if message.hasPrefix("REPORT ") { reports += 1 }
                    if message.hasPrefix("START ") { requestIDs.insert(String(message.split(separator: " ")[2])) }
                } else {
                    if let t = v["time"]?.string {
                        time = t
                        #expect(v.keys == ["time", "type", "record"])
                        if v["type"] == .string("platform.report") {
                            reports += 1
                            let m = v["record"]!["metrics"]!
                            #expect(m["durationMs"]?.number != nil && m["billedDurationMs"]?.number != nil)
                        }
                        if v["type"] == .string("platform.start") { requestIDs.insert(v["record"]!["requestId"]!.string!) }
                    } else {
                        #expect(v.keys == ["timestamp", "level", "requestId", "message"])
                        time = v["timestamp"]!.string!
                    }
                }
                #expect(time.count == previous.count ? time >= previous : true, "ordered by time")
                previous = time
            }
            #expect(reports == truth.functions.map(\.invocations).reduce(0, +))
            // every trace hop is an invocation in the output, and traces link different functions
            #expect(!truth.traces.isEmpty)
            for trace in truth.traces {
                #expect(trace.id.hasPrefix("c-") && trace.id.utf8.count == 18)
                for hop in trace.hops { #expect(requestIDs.contains(hop.requestID)) }
            }
            #expect(truth.traces.contains { Set($0.hops.map(\.function)).count > 1 })
        }
    }

    @Test func tailLinesCarryStreamAndTime() throws {
        let (files, _, _) = try genRun(GeneratorConfig(seed: 8, invocations: 200, functions: 1, format: .tail))
        var stamps: [String] = []
        for line in genLines(files[0].bytes) where line.first == "2" && line.contains("+00:00 ") {
            let parts = line.split(separator: " ", maxSplits: 2)
            #expect(parts[0].count == 32 && parts[0].hasSuffix("000+00:00"))
            #expect(parts[1].hasPrefix("2026/11/20/[4") && parts[1].count == 47)
            stamps.append(String(parts[0]))
        }
        #expect(stamps.count > 1000 && stamps == stamps.sorted())
    }

    // MARK: Directory layouts

    @Test func streamFilesLayout() throws {
        let (files, truth, _) = try genRun(
            GeneratorConfig(seed: 2, invocations: 2000, functions: 8, format: .text, outDir: "logs"))
        #expect(files.map { $0.path! } == files.map { $0.path! }.sorted())
        var reports = 0
        var cold = 0
        for f in files {
            let path = f.path!
            // <function>/<YYYY>/<MM>/<DD>/[<version>]<32 hex>.log
            let parts = path.split(separator: "/")
            #expect(parts.count == 5 && path.hasSuffix(".log") && !f.gzip)
            #expect(GenCatalog.functions.contains { $0.name == parts[0] })
            #expect(parts[1] == "2026" && parts[2] == "11" && parts[3].count == 2)
            #expect(parts[4].hasPrefix("[4") && parts[4].count == "[40]".count + 32 + ".log".count)
            let text = String(decoding: f.bytes, as: UTF8.self)
            let version = parts[4].dropFirst().prefix(2)
            for line in genLines(f.bytes) where line.hasPrefix("START ") { #expect(line.hasSuffix("Version: \(version)")) }
            reports += genCount(of: "REPORT RequestId", in: text)
            // a stream starts with a cold start, and its first invocation is its only cold one at most once per 100
            cold += genCount(of: "Init Duration", in: text)
            #expect(genLines(f.bytes).first { $0.hasPrefix("REPORT") }?.contains("Init Duration") == true)
        }
        #expect(reports == 2000)
        #expect(cold == truth.functions.map(\.coldStarts).reduce(0, +))
        #expect(files.count == cold, "every cold start opens a stream")
    }

    @Test func cloudWatchArchivesLayout() throws {
        let config = GeneratorConfig(seed: 2, invocations: 3000, functions: 3, format: .cwl, outDir: "a", gzip: true)
        let (files, truth, _) = try genRun(config)
        var events = 0
        var perFunction: [String: [String]] = [:]
        for f in files {
            #expect(f.gzip && f.path!.hasSuffix(".json.gz"))
            let parts = f.path!.split(separator: "/")
            #expect(parts.count == 2 && parts[1].count == "000000.json.gz".count)
            perFunction[String(parts[0]), default: []].append(String(parts[1]))
            var inFile = 0
            for line in genLines(f.bytes) {
                let v = GenTestJSON.parse(line.utf8)!
                #expect(v["logGroup"] == .string("/aws/lambda/\(parts[0])"))
                #expect(v["logStream"]?.string?.hasPrefix("2026/11/20/[4") == true)
                inFile += v["logEvents"]!.array!.count
            }
            #expect(inFile <= 500)
            events += inFile
        }
        #expect(events == truth.lines)
        for (_, names) in perFunction {
            #expect(names == names.indices.map { i in
                var s = String(i)
                while s.count < 6 { s = "0" + s }
                return s + ".json.gz"
            })
        }
        let plain = try genRun(GeneratorConfig(seed: 2, invocations: 3000, functions: 3, format: .cwl, outDir: "a"))
        #expect(plain.files.allSatisfy { !$0.gzip && $0.path!.hasSuffix(".json") })
        #expect(plain.files.map(\.bytes) == files.map(\.bytes), "gzip is the edge's job")
    }

    // MARK: Truth

    @Test func truthJSONHasGenlogsSchemaWithSortedKeys() throws {
        let (_, truth, json) = try genRun(GeneratorConfig(seed: 1, invocations: 2500, functions: 4, format: .json, truthPath: "t.json"))
        guard let v = GenTestJSON.parse(json) else {
            Issue.record("truth is not JSON")
            return
        }
        func checkSorted(_ v: GenTestJSON, _ path: String) {
            switch v {
            case .object(let members):
                let keys = members.map(\.0)
                #expect(keys == keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }), "\(path)")
                for (k, m) in members { checkSorted(m, path + "." + k) }
            case .array(let items):
                for m in items { checkSorted(m, path + "[]") }
            default: break
            }
        }
        checkSorted(v, "$")
        #expect(v.keys == ["canaries", "functions", "generator", "invocations_per_minute", "lines", "metrics", "pricing", "traces"])
        let f = v["functions"]!.array![0]
        #expect(f.keys == [
            "billed_duration_ms", "cold_starts", "cost_usd", "duration_ms", "errors", "function", "init_duration_ms",
            "invocations", "max_memory_used_mb", "memory_mb", "timeouts", "version",
        ])
        #expect(f["duration_ms"]!.keys == [
            "count", "max", "min", "p50", "p50_range", "p90", "p90_range", "p95", "p95_range", "p99", "p99_range", "sum",
        ])
        let m = v["metrics"]!.array![0]
        #expect(m.keys == [
            "count", "function", "max", "metric", "min", "p50", "p50_range", "p90", "p90_range", "p95", "p95_range",
            "p99", "p99_range", "sum", "tags", "type", "version",
        ])
        #expect(v["generator"]!.keys == [
            "canary_share", "format", "functions", "gzip", "invocations", "metrics_per_invocation", "out_dir", "seconds",
            "seed", "start", "trace_share", "truth",
        ])
        #expect(v["generator"]!["truth"] == .string("t.json") && v["generator"]!["out_dir"] == .null)
        #expect(v["pricing"]! == .object([("per_gb_second", .number(0.0000166667)), ("per_request", .number(0.0000002))]))
        #expect(v["canaries"]!.array!.count == 4)
        #expect(v["canaries"]!.array![0] == .object([
            ("canary", .string("41")), ("canary_is_worse", .bool(true)), ("function", .string("checkout")), ("stable", .string("40")),
        ]))
        let hop = v["traces"]![truth.traces[0].id]!.array![0]
        #expect(hop.keys == ["error", "function", "request_id", "version"])
        #expect(v["invocations_per_minute"]!.array![0]["minute"]!.string!.hasSuffix(":00.000Z"))
        #expect(v["lines"]!.number == Double(truth.lines))
        // the canaries of every other function are slower
        let checkout = truth.functions.filter { $0.function == "checkout" }
        #expect(checkout.count == 2 && checkout[1].durationMs.quantiles[0].value > checkout[0].durationMs.quantiles[0].value * 1.2)
        // cost: billed GB-s × price + requests × price
        for f in truth.functions {
            let expected = Double(f.billedDurationMs) / 1000 * Double(f.memoryMB) / 1024 * 0.0000166667
                + Double(f.invocations) * 0.0000002
            #expect(abs(f.costUSD - expected) < 1e-9)
            let i = GenCatalog.functions.firstIndex { $0.name == f.function }!
            #expect(f.version == String(40 + i) || f.version == String(41 + i))
        }
    }

    @Test func emptyRunHasEmptyTruth() throws {
        let (files, truth, json) = try genRun(GeneratorConfig(invocations: 0, functions: 1))
        #expect(files == [GeneratedFile(path: nil, bytes: [])])
        #expect(truth.lines == 0 && truth.functions.isEmpty && truth.traces.isEmpty)
        #expect(GenTestJSON.parse(json) != nil)
    }
}
