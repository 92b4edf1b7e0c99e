/// Fathom's synthetic AWS Lambda log generator (`fathom generate`): realistic logs of several
/// functions (START/END/REPORT with `Init Duration` on cold starts, Node.js and Python
/// application lines, `MONITORING|` metric lines, errors with tracebacks, timeouts, correlation
/// ids across functions, stable and canary versions), and the exact truth about them.
///
/// A port of the model of `shared/tools/genlogs.py` (same formats, layouts and truth schema; a
/// different random generator, so not the same bytes for a seed). Deterministic: the same
/// configuration gives the same bytes on every platform.
///
/// ```swift
/// var g = try LogGenerator(GeneratorConfig(seed: 1, invocations: 1000, functions: 1))
/// let (files, truth) = g.run()            // all in memory
/// g.generate { chunk in write(chunk) }     // or streamed: ~1 MiB chunks of the merged stream
/// let t = g.truth!                         // the truth of the last run
/// ```
public struct LogGenerator: Sendable {
    /// What it generates (validated).
    public let config: GeneratorConfig
    /// The truth of the last `generate`/`run`; nil before the first.
    public private(set) var truth: GeneratorTruth?

    /// Checks `config` (see `GeneratorConfig.validate`).
    public init(_ config: GeneratorConfig) throws(GeneratorError) {
        try config.validate()
        self.config = config
    }

    /// Generates the corpus, handing it out piece by piece, and records its truth in `truth`.
    ///
    /// Merged layout (`outDir == nil`): chunks of the one time-ordered stream (`path == nil`) of
    /// at least `chunkSize` bytes (the last may be smaller), in order; memory stays bounded by
    /// the chunk and the lines of the invocations in flight, whatever the size of the corpus.
    /// Directory layout: one `GeneratedFile` per file (paths relative to the directory); cwl
    /// archives are handed out as their 500-event batch fills, other formats' stream files at the
    /// end. Each call starts over from the seed and gives the same output.
    public mutating func generate(chunkSize: Int = 1 << 20, _ output: (GeneratedFile) -> Void) {
        var engine = GenEngine(config: config)
        if !config.isDirectory {
            var sink = GenMergedSink(chunkSize: chunkSize)
            engine.run(&sink, output)
        } else if config.format == .cwl {
            var sink = GenCWLFilesSink(functionNames: engine.functions.map(\.name), gzip: config.gzip)
            engine.run(&sink, output)
        } else {
            var sink = GenStreamFilesSink()
            engine.run(&sink, output)
        }
        truth = engine.truth.build(config: config, functions: engine.functions.map(\.spec))
    }

    /// Generates the corpus in memory: the merged stream as one file with a nil path, or every
    /// file of the directory layout sorted by path; and the truth as JSON (pretty, keys sorted).
    public mutating func run() -> (files: [GeneratedFile], truth: [UInt8]) {
        var files: [GeneratedFile] = []
        if config.isDirectory {
            generate { files.append($0) }
            files.sort { ($0.path ?? "") < ($1.path ?? "") }
        } else {
            var all: [UInt8] = []
            generate { all.append(contentsOf: $0.bytes) }
            files = [GeneratedFile(path: nil, bytes: all)]
        }
        return (files, truth?.json() ?? [])
    }
}
