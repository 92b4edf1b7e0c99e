/// What to generate. The defaults are genlogs' defaults.
public struct GeneratorConfig: Sendable, Equatable {
    /// The seed: the same configuration and seed give the same bytes.
    public var seed: Int = 7
    /// How many invocations in all (entry invocations plus the downstream calls of traces).
    public var invocations: Int = 2000
    /// How many functions of the catalogue (1…8) take traffic.
    public var functions: Int = 4
    /// The time span the invocations cover, in seconds.
    public var seconds: Double = 3600
    /// Unix time (seconds) the traffic starts at.
    public var start: Double = 1_795_168_800
    /// The share of each function's traffic on its canary version.
    public var canaryShare: Double = 0.2
    /// The share of entry invocations that carry a correlation id (and call other functions).
    public var traceShare: Double = 0.3
    /// At most this many `MONITORING|` lines per invocation (uniform in 0…n).
    public var metricsPerInvocation: Int = 3
    /// The output format.
    public var format: GeneratorFormat = .text
    /// Directory layout when set (`<function>/<YYYY>/<MM>/<DD>/[<version>]<stream>.log`, or
    /// `<function>/<nnnnnn>.json` for cwl); one merged, time-ordered stream when nil. The core
    /// only records it in the truth; paths of generated files are relative to it.
    public var outDir: String? = nil
    /// With cwl and a directory: mark the archives for gzip (`.json.gz`).
    public var gzip: Bool = false
    /// Where the truth goes, recorded in the truth's `generator` object only.
    public var truthPath: String? = nil

    /// The number of functions in the catalogue.
    public static let maxFunctions = GenCatalog.functions.count

    /// A configuration; every parameter defaults to genlogs' default.
    public init(
        seed: Int = 7, invocations: Int = 2000, functions: Int = 4, seconds: Double = 3600,
        start: Double = 1_795_168_800, canaryShare: Double = 0.2, traceShare: Double = 0.3,
        metricsPerInvocation: Int = 3, format: GeneratorFormat = .text, outDir: String? = nil,
        gzip: Bool = false, truthPath: String? = nil
    ) {
        self.seed = seed
        self.invocations = invocations
        self.functions = functions
        self.seconds = seconds
        self.start = start
        self.canaryShare = canaryShare
        self.traceShare = traceShare
        self.metricsPerInvocation = metricsPerInvocation
        self.format = format
        self.outDir = outDir
        self.gzip = gzip
        self.truthPath = truthPath
    }

    /// Whether the output is a directory tree rather than one merged stream.
    public var isDirectory: Bool { outDir != nil }

    /// Checks the values; the error names the option at fault.
    public func validate() throws(GeneratorError) {
        if functions < 1 || functions > Self.maxFunctions {
            throw GeneratorError("--functions must be 1...\(Self.maxFunctions), got \(functions)")
        }
        if invocations < 0 { throw GeneratorError("--invocations must be 0 or more, got \(invocations)") }
        if !(seconds.isFinite && seconds > 0) { throw GeneratorError("--seconds must be a positive number, got \(seconds)") }
        if !(start.isFinite && start >= 0 && start < 253_402_300_800) {
            throw GeneratorError("--start must be a Unix time between 0 and 253402300799 (year 9999), got \(start)")
        }
        if !(canaryShare >= 0 && canaryShare <= 1) { throw GeneratorError("--canary-share must be within 0...1, got \(canaryShare)") }
        if !(traceShare >= 0 && traceShare <= 1) { throw GeneratorError("--trace-share must be within 0...1, got \(traceShare)") }
        if metricsPerInvocation < 0 || metricsPerInvocation > 1000 {
            throw GeneratorError("--metrics-per-invocation must be within 0...1000, got \(metricsPerInvocation)")
        }
        if !isDirectory && (format == .text || format == .tail) && functions > 1 {
            throw GeneratorError(
                "--format \(format.rawValue) on one merged stream holds one function (got --functions \(functions)); "
                    + "use --functions 1, --format cwl or json, or --out-dir")
        }
    }
}
