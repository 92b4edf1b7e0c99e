/// Where the engine's rendered lines go, in time order: one of the output layouts.
protocol GenSink {
    /// One rendered line (with its newline, or a bare cwl event) of `stream` (named `name`) of `function`.
    mutating func line(function: Int, stream: Int, name: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, _ output: (GeneratedFile) -> Void)
    /// Called once after the last line, with the engine's final state (stream names).
    mutating func finish(_ engine: GenEngine, _ output: (GeneratedFile) -> Void)
}

/// The merged layout: every line into one stream, handed out in chunks of about `chunkSize`.
struct GenMergedSink: GenSink {
    let chunkSize: Int
    private var buffer: [UInt8] = []

    init(chunkSize: Int) {
        self.chunkSize = max(1, chunkSize)
        buffer.reserveCapacity(self.chunkSize + 4096)
    }

    mutating func line(function: Int, stream: Int, name: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, _ output: (GeneratedFile) -> Void) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= chunkSize {
            output(GeneratedFile(path: nil, bytes: buffer))
            buffer.removeAll(keepingCapacity: true)
        }
    }

    mutating func finish(_ engine: GenEngine, _ output: (GeneratedFile) -> Void) {
        if !buffer.isEmpty { output(GeneratedFile(path: nil, bytes: buffer)) }
        buffer = []
    }
}

/// The directory layout for text, json and tail: one file per log stream,
/// `<function>/<YYYY>/<MM>/<DD>/[<version>]<id>.log`, handed out at the end sorted by path.
struct GenStreamFilesSink: GenSink {
    private var files: [[UInt8]] = []

    init() {}

    mutating func line(function: Int, stream: Int, name: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, _ output: (GeneratedFile) -> Void) {
        while files.count <= stream { files.append([]) }
        files[stream].append(contentsOf: bytes)
    }

    mutating func finish(_ engine: GenEngine, _ output: (GeneratedFile) -> Void) {
        var named: [(path: String, stream: Int)] = []
        for stream in files.indices where !files[stream].isEmpty {
            var path = engine.functions[engine.streamFunction[stream]].name
            path.append(UInt8(ascii: "/"))
            path.append(contentsOf: engine.streamNames[stream])
            GenBytes.append(".log", to: &path)
            named.append((String(decoding: path, as: UTF8.self), stream))
        }
        named.sort { $0.path < $1.path }
        for (path, stream) in named {
            let bytes = files[stream]
            files[stream] = []
            output(GeneratedFile(path: path, bytes: bytes))
        }
    }
}

/// The directory layout for cwl: per function, its events in time order, in batches of 500,
/// each batch one file `<function>/<nnnnnn>.json[.gz]` of envelopes (one per log stream in the
/// batch, in order of first appearance), as Firehose archives subscription data. Files are
/// handed out as soon as their batch is full.
struct GenCWLFilesSink: GenSink {
    static let batchSize = 500

    private struct Batch {
        var index = 0
        var events: [(stream: Int, end: Int)] = []
        var bytes: [UInt8] = []
    }

    let functionNames: [[UInt8]]
    let gzip: Bool
    private var batches: [Batch]
    private var streamNames: [[UInt8]] = []

    init(functionNames: [[UInt8]], gzip: Bool) {
        self.functionNames = functionNames
        self.gzip = gzip
        batches = Array(repeating: Batch(), count: functionNames.count)
    }

    mutating func line(function: Int, stream: Int, name: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, _ output: (GeneratedFile) -> Void) {
        while streamNames.count <= stream { streamNames.append([]) }
        if streamNames[stream].isEmpty { streamNames[stream] = name }
        batches[function].bytes.append(contentsOf: bytes)
        batches[function].events.append((stream, batches[function].bytes.count))
        if batches[function].events.count == Self.batchSize { emit(function, output) }
    }

    mutating func finish(_ engine: GenEngine, _ output: (GeneratedFile) -> Void) {
        for f in batches.indices where !batches[f].events.isEmpty { emit(f, output) }
    }

    private mutating func emit(_ function: Int, _ output: (GeneratedFile) -> Void) {
        let batch = batches[function]
        var order: [Int] = []
        var groups: [Int: [Int]] = [:]
        for (i, e) in batch.events.enumerated() {
            if groups[e.stream] == nil { order.append(e.stream) }
            groups[e.stream, default: []].append(i)
        }
        var body: [UInt8] = []
        body.reserveCapacity(batch.bytes.count + order.count * 200)
        for stream in order {
            GenBytes.appendEnvelopeHead(function: functionNames[function], stream: streamNames[stream], to: &body)
            body.append(UInt8(ascii: "["))
            for (k, i) in groups[stream]!.enumerated() {
                if k > 0 { body.append(UInt8(ascii: ",")) }
                let from = i == 0 ? 0 : batch.events[i - 1].end
                body.append(contentsOf: batch.bytes[from..<batch.events[i].end])
            }
            GenBytes.append("]}\n", to: &body)
        }
        var path = functionNames[function]
        path.append(UInt8(ascii: "/"))
        GenBytes.appendPadded(batch.index, width: 6, to: &path)
        GenBytes.append(gzip ? ".json.gz" : ".json", to: &path)
        output(GeneratedFile(path: String(decoding: path, as: UTF8.self), bytes: body, gzip: gzip))
        batches[function].index += 1
        batches[function].events.removeAll(keepingCapacity: true)
        batches[function].bytes.removeAll(keepingCapacity: true)
    }
}
