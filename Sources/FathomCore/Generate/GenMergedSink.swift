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
