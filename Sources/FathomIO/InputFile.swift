/// One input to read: a file path, or "-" for standard input.
public struct InputFile: Sendable, Hashable {
    /// The path as given or found by walking a directory ("-" for standard input).
    public var path: String
    /// The size in bytes for regular files; `nil` for standard input, pipes and devices.
    public var size: Int64?

    /// An input at `path`.
    public init(path: String, size: Int64?) {
        self.path = path
        self.size = size
    }

    /// Whether this is standard input ("-").
    public var isStandardInput: Bool { path == "-" }
}
