/// Bytes from standard input (descriptor 0), which is never closed. Messages name it "<stdin>".
public struct StandardInputSource: ByteSource {
    /// How standard input is named in messages.
    public static let displayName = "<stdin>"

    private let file: FileSource

    /// A source reading descriptor 0.
    public init() {
        file = FileSource(descriptor: 0, path: Self.displayName, ownsDescriptor: false)
    }

    /// See `ByteSource.read(into:max:)`.
    public mutating func read(into buffer: inout [UInt8], max: Int) throws -> Int {
        try file.read(into: &buffer, max: max)
    }
}
