/// Where the engine's rendered lines go, in time order: one of the output layouts.
protocol GenSink {
    /// One rendered line (with its newline, or a bare cwl event) of `stream` (named `name`) of `function`.
    mutating func line(function: Int, stream: Int, name: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, _ output: (GeneratedFile) -> Void)
    /// Called once after the last line, with the engine's final state (stream names).
    mutating func finish(_ engine: GenEngine, _ output: (GeneratedFile) -> Void)
}
