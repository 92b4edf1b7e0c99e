/// A source that first replays bytes already taken from `base` (a peeked prefix), then reads on.
public struct ReplaySource<Base: ByteSource>: ByteSource {
    private var prefix: [UInt8]
    private var position = 0
    private var base: Base

    /// Replays `prefix`, then continues with `base`.
    public init(prefix: [UInt8], base: Base) {
        self.prefix = prefix
        self.base = base
    }

    /// See `ByteSource.read(into:max:)`.
    public mutating func read(into buffer: inout [UInt8], max: Int) throws -> Int {
        precondition(max > 0, "ByteSource.read needs max > 0")
        if position < prefix.count {
            let n = Swift.min(max, prefix.count - position)
            buffer.append(contentsOf: prefix[position..<(position + n)])
            position += n
            if position == prefix.count { prefix = [] ; position = 0 }
            return n
        }
        return try base.read(into: &buffer, max: max)
    }
}
