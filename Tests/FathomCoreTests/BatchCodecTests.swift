import Testing

@testable import FathomCore

@Suite struct BatchCodecTests {
    private static let t0: Int64 = 1_704_067_200_000

    private static func rollup(_ values: [Double], at: Int64) -> Rollup {
        var r = Rollup()
        for (i, v) in values.enumerated() { r.add(v, at: at + Int64(i)) }
        return r
    }

    /// A batch with every kind of content, non-ASCII text, extreme numbers and NaN/infinity.
    static func fullBatch() -> IngestBatch {
        var b = IngestBatch()
        let api = SeriesKey(name: "duration", kind: .distribution, tags: [Tag("function", "api"), Tag("version", "$LATEST")])
        let café = SeriesKey(name: "café.größe", kind: .gauge, tags: [Tag("région", "東京"), Tag("empty", "")])
        b.rollups[api] = [t0: rollup([1, 2.5, 1e12], at: t0), t0 + 60_000: rollup([-0.0, 7], at: t0 + 60_000)]
        b.rollups[café] = [t0: rollup([42], at: t0)]
        b.rollups[SeriesKey(name: "c", kind: .count, tags: [])] = [t0 - 120_000: rollup([1], at: t0 - 120_000)]
        b.invocations = [
            Invocation(
                requestID: "req-1", function: "api", version: "$LATEST", stream: "2024/01/01/[$LATEST]abc", start: t0,
                end: t0 + 12, durationMs: .nan, billedDurationMs: .infinity, memorySizeMB: -.infinity,
                maxMemoryUsedMB: 70, initDurationMs: nil, restoreDurationMs: 0.1, status: .outOfMemory,
                errorType: "Runtime.OOM ☠", xrayTraceID: "1-abc", correlationIDs: ["a", "b,c", "ü"],
                lines: Array("START\nhello 🌍\n\u{0}\u{FF}\n".utf8) + [0xFF, 0xFE, 0x0A], lineCount: 3),
            Invocation(requestID: "", function: "", version: "", start: Int64.min, end: Int64.max),
        ]
        b.quarantine = [
            QuarantineEntry(
                reason: .nonFiniteValue, source: "/var/log/λ.log", line: 12, offset: 1 << 40, detail: "value NaN",
                excerpt: "MONITORING|1|NaN|count|x|#a:b ✓"),
            QuarantineEntry(reason: .badMetricLine, source: "-", line: 0, offset: 0, detail: "", excerpt: ""),
        ]
        b.checkpoints = [
            SourceCheckpoint(
                fingerprint: UInt64.max, fingerprintLength: 4096, path: "/logs/ä.gz", offset: 123_456, lines: 99,
                file: FileID(device: UInt64.max, inode: 7)),
            SourceCheckpoint(fingerprint: 0, fingerprintLength: 0, path: "", offset: 0, lines: 0, file: nil),
        ]
        b.state = [0, 1, 2, 255]
        return b
    }

    /// Equality through the canonical encoding (NaN ≠ NaN for `==`), plus the fields one by one.
    private func expectSame(_ a: IngestBatch, _ b: IngestBatch) {
        #expect(BatchCodec.encode(a) == BatchCodec.encode(b))
        #expect(a.rollups.keys.sorted() == b.rollups.keys.sorted())
        for (key, minutes) in a.rollups {
            #expect(minutes.mapValues { $0.serialized() } == b.rollups[key]?.mapValues { $0.serialized() })
        }
        #expect(a.invocations.count == b.invocations.count)
        for (x, y) in zip(a.invocations, b.invocations) {
            #expect(x.requestID == y.requestID && x.function == y.function && x.version == y.version)
            #expect(x.stream == y.stream && x.start == y.start && x.end == y.end && x.status == y.status)
            #expect(x.errorType == y.errorType && x.xrayTraceID == y.xrayTraceID && x.correlationIDs == y.correlationIDs)
            #expect(x.lines == y.lines && x.lineCount == y.lineCount)
            let dx = [x.durationMs, x.billedDurationMs, x.memorySizeMB, x.maxMemoryUsedMB, x.initDurationMs, x.restoreDurationMs]
            let dy = [y.durationMs, y.billedDurationMs, y.memorySizeMB, y.maxMemoryUsedMB, y.initDurationMs, y.restoreDurationMs]
            #expect(dx.map { $0?.bitPattern } == dy.map { $0?.bitPattern })
        }
        #expect(a.quarantine == b.quarantine)
        #expect(a.checkpoints == b.checkpoints)
        #expect(a.state == b.state)
    }

    @Test func roundTripsAnEmptyBatch() throws {
        let bytes = BatchCodec.encode(IngestBatch())
        let back = try BatchCodec.decode(bytes)
        #expect(back.isEmpty)
        #expect(back.state == nil)
        #expect(bytes.count < 16)
    }

    @Test func roundTripsEveryFieldIncludingNaNInfinityAndNonASCII() throws {
        let batch = Self.fullBatch()
        let back = try BatchCodec.decode(BatchCodec.encode(batch))
        expectSame(batch, back)
        #expect(back.invocations[0].durationMs!.isNaN)
        #expect(back.invocations[0].billedDurationMs == .infinity)
        #expect(back.invocations[0].memorySizeMB == -.infinity)
        #expect(back.invocations[0].initDurationMs == nil)
        #expect(back.invocations[1].start == Int64.min && back.invocations[1].end == Int64.max)
        #expect(back.rollups[SeriesKey(name: "café.größe", kind: .gauge, tags: [Tag("région", "東京"), Tag("empty", "")])] != nil)
    }

    @Test func stateNilAndEmptyStateDiffer() throws {
        var a = IngestBatch()
        a.state = []
        #expect(try BatchCodec.decode(BatchCodec.encode(a)).state == [])
        #expect(try BatchCodec.decode(BatchCodec.encode(IngestBatch())).state == nil)
    }

    @Test func outputIsDeterministic() {
        // Dictionaries built in different orders (and, across runs, with different hash seeds).
        let a = Self.fullBatch()
        var b = IngestBatch()
        for (key, minutes) in a.rollups.sorted(by: { $0.key > $1.key }) {
            var m: [Int64: Rollup] = [:]
            for (minute, r) in minutes.sorted(by: { $0.key > $1.key }) { m[minute] = r }
            b.rollups[key] = m
        }
        b.invocations = a.invocations
        b.quarantine = a.quarantine
        b.checkpoints = a.checkpoints
        b.state = a.state
        #expect(BatchCodec.encode(a) == BatchCodec.encode(b))
        #expect(BatchCodec.encode(a) == BatchCodec.encode(a))
    }

    @Test func everyTruncationThrowsAndNeverTraps() {
        let bytes = BatchCodec.encode(Self.fullBatch())
        for n in 0..<bytes.count {
            #expect(throws: SerializationError.self) { try BatchCodec.decode(Array(bytes[0..<n])) }
        }
    }

    @Test func rejectsTrailingBytesForeignInputAndOtherVersions() throws {
        let bytes = BatchCodec.encode(Self.fullBatch())
        let trailing = #expect(throws: SerializationError.self) { try BatchCodec.decode(bytes + [0]) }
        #expect(trailing?.description.contains("trailing") == true)
        let foreign = #expect(throws: SerializationError.self) { try BatchCodec.decode(Array("{\"json\": 1}".utf8)) }
        #expect(foreign?.description.contains("cannot decode ingest batch at byte 0") == true)
        var newer = bytes
        newer[3] = 9
        let version = #expect(throws: SerializationError.self) { try BatchCodec.decode(newer) }
        #expect(version?.message == "format version 9, expected 1")
    }

    @Test func garbageNeverTraps() {
        // Every single-byte corruption, and seeded random garbage after a valid header: each
        // either decodes to something or throws; none traps or allocates without bound.
        let bytes = BatchCodec.encode(Self.fullBatch())
        for i in 0..<bytes.count {
            for value: UInt8 in [0x00, 0x7F, 0x80, 0xFF] {
                var damaged = bytes
                damaged[i] = value
                _ = try? BatchCodec.decode(damaged)
            }
        }
        var seed: UInt64 = 0x1234_5678
        for length in 0..<300 {
            var garbage: [UInt8] = Array(bytes[0..<4])
            for _ in 0..<length {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                garbage.append(UInt8(truncatingIfNeeded: seed >> 33))
            }
            _ = try? BatchCodec.decode(garbage)
        }
        let huge: [UInt8] = Array(bytes[0..<4]) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]
        #expect(throws: SerializationError.self) { try BatchCodec.decode(huge) }
    }
}
