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
