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
