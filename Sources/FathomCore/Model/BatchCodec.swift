/// The data of an ``IngestBatch`` as bytes, and back: what a spool stores for each committed
/// batch until a remote engine has it.
///
/// Layout (every integer a LEB128 varint, signed ones zigzag; strings and byte runs prefixed by
/// their length; optionals by a presence byte 0/1; doubles as 8 little-endian bytes):
///
/// ```text
/// magic "FB" 0xBA, format version
/// series count, each (sorted by SeriesKey): name, kind, tag count, tags (key, value),
///     minute count, each (ascending): minute (signed), Rollup.serialized()
/// invocation count, each: request id, function, version, stream, start, end (signed),
///     6 optional doubles (duration, billed, memory, max memory, init, restore), status,
///     optional error type, optional X-Ray id, correlation id count + ids, lines, line count
/// quarantine count, each: reason, source, line (signed), offset (signed), detail, excerpt
/// checkpoint count, each: fingerprint, fingerprint length, path, offset (signed), lines,
///     optional file (device, inode)
/// optional state bytes
/// ```
///
/// The output depends only on the batch (series and minutes are sorted), so equal batches give
/// equal bytes. Decoding never traps: truncated, damaged or foreign input throws a
/// `SerializationError` saying where.
public enum BatchCodec {
    /// The format version this build writes and reads.
    public static let version: UInt64 = 1
    static let magic: [UInt8] = [0x46, 0x42, 0xBA]

    /// `batch` as bytes.
    public static func encode(_ batch: IngestBatch) -> [UInt8] {
        var w = StateWriter()
        w.out.append(contentsOf: magic)
        w.int(version)

        let series = batch.rollups.sorted { $0.key < $1.key }
        w.int(UInt64(series.count))
        for (key, minutes) in series {
            w.string(key.name)
            w.string(key.kind.rawValue)
            w.int(UInt64(key.tags.count))
            for tag in key.tags {
                w.string(tag.key)
                w.string(tag.value)
            }
            w.int(UInt64(minutes.count))
            for (minute, rollup) in minutes.sorted(by: { $0.key < $1.key }) {
                w.signed(minute)
                w.bytes(rollup.serialized())
            }
        }

        w.int(UInt64(batch.invocations.count))
        for inv in batch.invocations {
            w.string(inv.requestID)
            w.string(inv.function)
            w.string(inv.version)
            w.string(inv.stream)
            w.signed(inv.start)
            w.signed(inv.end)
            for d in [inv.durationMs, inv.billedDurationMs, inv.memorySizeMB, inv.maxMemoryUsedMB, inv.initDurationMs,
                      inv.restoreDurationMs] {
                w.optDouble(d)
            }
            w.string(inv.status.rawValue)
            w.optString(inv.errorType)
            w.optString(inv.xrayTraceID)
            w.int(UInt64(inv.correlationIDs.count))
            for id in inv.correlationIDs { w.string(id) }
            w.bytes(inv.lines)
            w.signed(Int64(inv.lineCount))
        }

        w.int(UInt64(batch.quarantine.count))
        for e in batch.quarantine {
            w.string(e.reason.rawValue)
            w.string(e.source)
            w.signed(Int64(e.line))
            w.signed(e.offset)
            w.string(e.detail)
            w.string(e.excerpt)
        }

        w.int(UInt64(batch.checkpoints.count))
        for c in batch.checkpoints {
            w.int(c.fingerprint)
            w.signed(Int64(c.fingerprintLength))
            w.string(c.path)
            w.signed(c.offset)
            w.signed(Int64(c.lines))
            w.out.append(c.file == nil ? 0 : 1)
            if let f = c.file {
                w.int(f.device)
                w.int(f.inode)
            }
        }

        w.out.append(batch.state == nil ? 0 : 1)
        if let state = batch.state { w.bytes(state) }
        return w.out
    }

    /// The batch `bytes` hold.
    ///
    /// - Throws: `SerializationError` (type `ingest batch`) on input that is truncated, has
    ///   trailing bytes, another format version, or a value out of range.
    public static func decode(_ bytes: [UInt8]) throws(SerializationError) -> IngestBatch {
        var r = ByteReader(bytes, type: "ingest batch")
        for (i, m) in magic.enumerated() {
            let b = try r.readByte("format marker")
            guard b == m else { throw r.error("not an encoded ingest batch (bad marker byte)", at: i) }
        }
        let v = try r.readVarInt("format version")
        guard v == version else { throw r.error("format version \(v), expected \(version)") }
        var batch = IngestBatch()

        // Every element takes at least one byte, so no count can exceed what is left.
        let seriesCount = try r.count("series count", max: r.remaining)
        for _ in 0..<seriesCount {
            let name = try r.readString("series name")
            let kindName = try r.readString("metric kind")
            guard let kind = MetricKind(rawValue: kindName) else { throw r.error("unknown metric kind \(kindName)") }
            let tagCount = try r.count("tag count", max: r.remaining)
            var tags: [Tag] = []
            for _ in 0..<tagCount {
                let k = try r.readString("tag key")
                tags.append(Tag(k, try r.readString("tag value")))
            }
            let key = SeriesKey(name: name, kind: kind, tags: tags)
            let minuteCount = try r.count("minute count", max: r.remaining)
            var minutes: [Int64: Rollup] = [:]
            for _ in 0..<minuteCount {
                let minute = try r.readSignedVarInt("minute")
                let start = r.position
                let blob = try r.readBytes("rollup")
                do {
                    minutes[minute] = try Rollup(serialized: blob)
                } catch {
                    throw r.error("rollup of \(key.text) at minute \(minute): \(error)", at: start)
                }
            }
            batch.rollups[key] = minutes
        }

        let invocationCount = try r.count("invocation count", max: r.remaining)
        for _ in 0..<invocationCount {
            let requestID = try r.readString("request id")
            let function = try r.readString("function")
            let version = try r.readString("version")
            let stream = try r.readString("stream")
            let start = try r.readSignedVarInt("start")
            let end = try r.readSignedVarInt("end")
            var d: [Double?] = []
            for what in ["duration", "billed duration", "memory size", "max memory used", "init duration",
                         "restore duration"] {
                d.append(try r.readOptDouble(what))
            }
            let statusName = try r.readString("status")
            guard let status = InvocationStatus(rawValue: statusName) else {
                throw r.error("unknown invocation status \(statusName)")
            }
            let errorType = try r.readOptString("error type")
            let xray = try r.readOptString("X-Ray id")
            let idCount = try r.count("correlation id count", max: r.remaining)
            var ids: [String] = []
            for _ in 0..<idCount { ids.append(try r.readString("correlation id")) }
            let lines = try r.readBytes("lines")
            let lineCount = try r.readSignedVarInt("line count")
            guard lineCount >= 0 else { throw r.error("negative line count \(lineCount)") }
            batch.invocations.append(
                Invocation(
                    requestID: requestID, function: function, version: version, stream: stream, start: start, end: end,
                    durationMs: d[0], billedDurationMs: d[1], memorySizeMB: d[2], maxMemoryUsedMB: d[3],
                    initDurationMs: d[4], restoreDurationMs: d[5], status: status, errorType: errorType,
                    xrayTraceID: xray, correlationIDs: ids, lines: lines, lineCount: Int(lineCount)))
        }

        let quarantineCount = try r.count("quarantine count", max: r.remaining)
        for _ in 0..<quarantineCount {
            let reasonName = try r.readString("quarantine reason")
            guard let reason = QuarantineReason(rawValue: reasonName) else {
                throw r.error("unknown quarantine reason \(reasonName)")
            }
            let source = try r.readString("quarantine source")
            let line = try r.readSignedVarInt("quarantine line")
            let offset = try r.readSignedVarInt("quarantine offset")
            let detail = try r.readString("quarantine detail")
            let excerpt = try r.readString("quarantine excerpt")
            batch.quarantine.append(
                QuarantineEntry(
                    reason: reason, source: source, line: Int(line), offset: offset, detail: detail, excerpt: excerpt))
        }

        let checkpointCount = try r.count("checkpoint count", max: r.remaining)
        for _ in 0..<checkpointCount {
            let fingerprint = try r.readVarInt("fingerprint")
            let length = try r.readSignedVarInt("fingerprint length")
            guard (0...Int64(SourceCheckpoint.maxFingerprintLength)).contains(length) else {
                throw r.error("fingerprint length \(length) is out of range")
            }
            let path = try r.readString("checkpoint path")
            let offset = try r.readSignedVarInt("checkpoint offset")
            let lines = try r.readSignedVarInt("checkpoint lines")
            var file: FileID? = nil
            if try r.present("file") {
                let device = try r.readVarInt("device")
                file = FileID(device: device, inode: try r.readVarInt("inode"))
            }
            batch.checkpoints.append(
                SourceCheckpoint(
                    fingerprint: fingerprint, fingerprintLength: Int(length), path: path, offset: offset,
                    lines: Int(lines), file: file))
        }

        if try r.present("state") { batch.state = try r.readBytes("state") }
        try r.expectEnd()
        return batch
    }
}

extension ByteReader {
    /// Bytes not read yet.
    var remaining: Int { bytes.count - position }
}
