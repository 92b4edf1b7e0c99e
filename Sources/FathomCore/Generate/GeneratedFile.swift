/// One output of the generator: a file of the directory layout, or a chunk of the merged stream.
public struct GeneratedFile: Sendable, Equatable {
    /// Relative to the output directory (`checkout/2026/11/20/[40]1f….log`); nil for (a chunk of)
    /// standard output.
    public var path: String?
    /// The content (uncompressed).
    public var bytes: [UInt8]
    /// The edge must gzip `bytes` before writing (the path already ends in `.gz`).
    public var gzip: Bool

    /// A file or chunk.
    public init(path: String?, bytes: [UInt8], gzip: Bool = false) {
        self.path = path
        self.bytes = bytes
        self.gzip = gzip
    }
}
