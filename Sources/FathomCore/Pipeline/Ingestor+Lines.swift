extension Ingestor {
    /// One physical line of the current source.
    mutating func handle(_ v: ByteView, _ r: Range<Int>, _ line: LineFramer.Line) {
        // Parsers must not see past the line's end: a chunk holds the following lines, the
        // framer's carry does not, and a lone `{` must not become a JSON object spanning lines.
        let v = v.slice(0..<r.upperBound)
        currentLine = line
        stats.lines += 1
        if line.overlong {
            quarantineLine(.lineTooLong, v, r, detail: "\(line.length) bytes, over the cap of \(config.maxLineBytes)")
            return
        }
        let t = ByteClass.trimEnd(v, r)
        if t.isEmpty {
            stats.blankLines += 1
            return
        }
        if v.firstIndex(of: 0, from: t.lowerBound, end: t.upperBound) != nil {
            quarantineLine(.binary, v, t, detail: "NUL byte in line")
            return
        }
        if !formatDecided { decideFormat(v, t) }
        switch sourceFormat {
        case .tail:
            handleTail(v, t)
        case .cwl:
            if v[t.lowerBound] == UInt8(ascii: "{") {
                handleEnvelopes(v, t)
            } else {
                quarantineLine(.badEnvelope, v, t, detail: "expected a CloudWatch Logs envelope (a JSON object)")
            }
        case .auto, .text, .json:
            if v[t.lowerBound] == UInt8(ascii: "{") && looksLikeEnvelope(v, t) {
                handleEnvelopes(v, t)
            } else {
                handleMessageLine(v, t, time: nil, stream: sourceStream, display: nil)
            }
        }
    }

    /// `auto`: a source whose first line is `<iso time> <log stream> <message>` is `aws logs tail` output.
    mutating func decideFormat(_ v: ByteView, _ r: Range<Int>) {
        formatDecided = true
        sourceFormat = .text
        guard let (_, tsEnd) = TimestampParser.parse(v, at: r.lowerBound), v.at(tsEnd) == 32 else { return }
        let s = tsEnd + 1
        let e = ByteClass.nextSpace(v, s, r.upperBound)
        if v.firstIndex(of: UInt8(ascii: "/"), from: s, end: e) != nil,
           v.firstIndex(of: UInt8(ascii: "]"), from: s, end: e) != nil {
            sourceFormat = .tail
        }
    }

    func looksLikeEnvelope(_ v: ByteView, _ r: Range<Int>) -> Bool {
        v.matches("{\"messageType\"", at: r.lowerBound)
            || v.firstIndex(of: "\"logEvents\"", from: r.lowerBound, end: Swift.min(r.upperBound, r.lowerBound + 4096)) != nil
    }

    /// `<iso time> <log stream> <message>`; a line without that prefix continues the last stream.
    mutating func handleTail(_ v: ByteView, _ r: Range<Int>) {
        if let (time, tsEnd) = TimestampParser.parse(v, at: r.lowerBound), v.at(tsEnd) == 32 {
            let s = tsEnd + 1
            let e = ByteClass.nextSpace(v, s, r.upperBound)
            if e > s {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: "tail\u{0}".utf8)
                scratch.append(contentsOf: sourceName.utf8)
                scratch.append(0)
                v.append(s..<e, to: &scratch)
                let id: Int
                if let known = streamIndex[scratch] {
                    id = known
                } else {
                    let name = v.string(s..<e)
                    let function = config.function ?? source?.function ?? "unknown"
                    id = stream(named: scratch, function: function, version: StreamName.version(name), display: name)
                }
                lastTailStream = id
                let m = e < r.upperBound ? e + 1 : e
                handleMessageLine(v, m..<r.upperBound, time: time, stream: id, display: r)
                return
            }
        }
        handleMessageLine(v, r, time: nil, stream: lastTailStream ?? sourceStream, display: r)
    }
}
