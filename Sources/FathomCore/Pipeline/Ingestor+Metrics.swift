extension Ingestor {
    /// The function and version a metric printed by `key`'s invocation (or on stream `sid`) belongs to.
    mutating func owner(_ key: RequestKey?, stream sid: Int) -> (String, String) {
        if let key, let fv = inflight.update(key, { ($0.function, $0.version) }) { return fv }
        return (streams[sid].function, streams[sid].version ?? "unknown")
    }

    /// A `MONITORING|` metric starting at `start`.
    mutating func handleMonitoring(_ v: ByteView, _ start: Int, _ end: Int, time lineTime: Int64?, key: RequestKey?,
                                   stream sid: Int) {
        let line = start..<end
        switch MonitoringLine.parse(v, from: start, to: end) {
        case .failure(let failure):
            switch failure {
            case .tooFewFields: quarantineLine(.badMetricLine, v, line, detail: "fewer than 4 fields after MONITORING")
            case .badValue: quarantineLine(.badMetricValue, v, line, detail: "value or timestamp is not a number")
            case .nonFinite: quarantineLine(.nonFiniteValue, v, line, detail: "NaN, infinite, or beyond ±2^360")
            case .unknownType(let t): quarantineLine(.unknownMetricType, v, line, detail: "type '\(v.string(t))'")
            case .emptyName: quarantineLine(.badMetricLine, v, line, detail: "empty metric name")
            }
        case .success(let ml):
            var time = ml.time ?? lineTime ?? streams[sid].lastTime ?? 0
            if let own = ml.time, let lt = lineTime {
                let skew = own > lt ? own - lt : lt - own
                if skew > config.maxSkewMs {
                    quarantineLine(.timestampSkew, v, line, detail: "timestamp \(TimestampParser.formatMillis(own)) is \(skew / 1000) s from the line's \(TimestampParser.formatMillis(lt))")
                    return
                }
                time = own
            }
            var tags: [Tag] = []
            scratch.removeAll(keepingCapacity: true)
            if let tr = ml.tags {
                parseTags(v, tr, into: &tags, equalsForm: ml.namespace != nil)
                v.append(tr, to: &scratch)
            }
            if let ns = ml.namespace {
                tags.append(Tag("namespace", interner.intern(v, ns)))
                scratch.append(0)
                v.append(ns, to: &scratch)
            }
            let (function, version) = owner(key, stream: sid)
            let tagBytes = scratch
            aggregator.addCustom(name: v.bytes(ml.name), kind: ml.kind, tags: tags, tagBytes: tagBytes,
                                 function: function, version: version, value: ml.value, at: time)
            stats.metricSamples += 1
        }
    }

    /// Tags `a:b,c,env:` (Datadog; key before the first colon) or `k=v, k2=v2` (5-field form).
    mutating func parseTags(_ v: ByteView, _ r: Range<Int>, into tags: inout [Tag], equalsForm: Bool) {
        var i = r.lowerBound
        while i < r.upperBound {
            let comma = v.firstIndex(of: UInt8(ascii: ","), from: i, end: r.upperBound) ?? r.upperBound
            let s = ByteClass.skipSpaces(v, i, comma)
            let t = ByteClass.trimEnd(v, s..<comma)
            if !t.isEmpty {
                let sep = v.firstIndex(of: equalsForm ? UInt8(ascii: "=") : UInt8(ascii: ":"), from: t.lowerBound, end: t.upperBound)
                if let sep {
                    tags.append(Tag(interner.intern(v, t.lowerBound..<sep), interner.intern(v, (sep + 1)..<t.upperBound)))
                } else {
                    tags.append(Tag(interner.intern(v, t), ""))
                }
            }
            i = comma + 1
        }
    }

    /// An EMF document (`_aws.CloudWatchMetrics`) at `r`: one sample per metric value, tagged with
    /// the union of its dimension sets' values and its namespace. Invalid directives are skipped,
    /// as CloudWatch skips them (the line is still kept as a log line).
    mutating func handleEMF(_ v: ByteView, _ r: Range<Int>, aws: JSONMember, time lineTime: Int64?, key: RequestKey?,
                            stream sid: Int) {
        var timestamp: Int64? = nil
        var directives: JSONMember? = nil
        _ = JSONScanner.forEachMember(v, objectAt: aws.value.lowerBound) { m in
            if JSONScanner.keyEquals(v, m, "Timestamp") {
                timestamp = JSONScanner.double(v, m.value).flatMap(TimestampParser.epochToMillis)
            } else if JSONScanner.keyEquals(v, m, "CloudWatchMetrics"), m.kind == .array {
                directives = m
            }
        }
        guard let directives else { return }
        let time = timestamp ?? lineTime ?? streams[sid].lastTime ?? 0
        let (function, version) = owner(key, stream: sid)
        _ = JSONScanner.forEachElement(v, arrayAt: directives.value.lowerBound) { _, kind, dr in
            guard kind == .object else { return }
            var namespace: String? = nil
            var dimensionKeys: [String] = []
            var metrics: [(String, MetricKind)] = []
            _ = JSONScanner.forEachMember(v, objectAt: dr.lowerBound) { m in
                if JSONScanner.keyEquals(v, m, "Namespace") {
                    namespace = JSONScanner.string(v, m.value)
                } else if JSONScanner.keyEquals(v, m, "Dimensions"), m.kind == .array {
                    _ = JSONScanner.forEachElement(v, arrayAt: m.value.lowerBound) { _, k, set in
                        guard k == .array else { return }
                        _ = JSONScanner.forEachElement(v, arrayAt: set.lowerBound) { _, kk, name in
                            if kk == .string, let s = JSONScanner.string(v, name) { dimensionKeys.append(s) }
                        }
                    }
                } else if JSONScanner.keyEquals(v, m, "Metrics"), m.kind == .array {
                    _ = JSONScanner.forEachElement(v, arrayAt: m.value.lowerBound) { _, k, def in
                        guard k == .object else { return }
                        var name: String? = nil
                        var unitCount = false
                        _ = JSONScanner.forEachMember(v, objectAt: def.lowerBound) { d in
                            if JSONScanner.keyEquals(v, d, "Name") { name = JSONScanner.string(v, d.value) }
                            if JSONScanner.keyEquals(v, d, "Unit") { unitCount = JSONScanner.string(v, d.value) == "Count" }
                        }
                        if let name { metrics.append((name, unitCount ? .count : .distribution)) }
                    }
                }
            }
            // Resolve root members: dimension values (strings) and metric values (numbers or arrays).
            var rootStrings: [String: String] = [:]
            var rootValues: [String: [Double]] = [:]
            let wanted = Set(dimensionKeys).union(metrics.map(\.0))
            _ = JSONScanner.forEachMember(v, objectAt: r.lowerBound) { m in
                guard !m.keyHasEscapes else { return }
                let k = v.string(m.key)
                guard wanted.contains(k) else { return }
                switch m.kind {
                case .string: rootStrings[k] = JSONScanner.string(v, m.value)
                case .number: if let d = JSONScanner.double(v, m.value) { rootValues[k] = [d] }
                case .array:
                    var values: [Double] = []
                    _ = JSONScanner.forEachElement(v, arrayAt: m.value.lowerBound) { _, ek, er in
                        if ek == .number, let d = JSONScanner.double(v, er) { values.append(d) }
                    }
                    rootValues[k] = values
                default: break
                }
            }
            var tags: [Tag] = []
            for d in Set(dimensionKeys).sorted() {
                guard let value = rootStrings[d] else { return }  // a missing dimension invalidates the directive
                tags.append(Tag(d, value))
            }
            if let namespace { tags.append(Tag("namespace", namespace)) }
            let tagBytes = Array(tags.map(\.text).joined(separator: ",").utf8)
            for (name, kind) in metrics {
                guard let values = rootValues[name] else { continue }
                for value in values.prefix(100) {
                    guard value.isFinite, abs(value) <= MonitoringLine.largestValue else {
                        quarantineLine(.nonFiniteValue, v, r, detail: "EMF metric \(name)")
                        continue
                    }
                    aggregator.addCustom(name: Array(name.utf8), kind: kind, tags: tags, tagBytes: tagBytes,
                                         function: function, version: version, value: value, at: time)
                    stats.metricSamples += 1
                }
            }
        }
    }
}
