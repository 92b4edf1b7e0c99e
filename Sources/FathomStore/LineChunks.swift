import FathomCore
import FathomIO

/// The log lines of a batch of invocations, packed into zlib chunks of about 256 KiB (raw) before
/// the write lock is taken. Compressing each invocation's ~0.5 KB of lines on its own ran at
/// ~35 MB/s with a 2× ratio (zlib's per-stream work dominates small inputs); whole chunks compress
/// several times faster and smaller, and a trace decompresses one chunk per invocation it shows.
struct LineChunks {
    struct Chunk {
        var data: [UInt8]
        var rawSize: Int
        var newestStart: Int64
    }

    /// Raw bytes per chunk before a new one starts.
    static let target = 256 << 10

    private(set) var chunks: [Chunk] = []
    /// Per invocation, its chunk (index into `chunks`) and offset; nil when it has no lines.
    private(set) var places: [(chunk: Int, offset: Int)?] = []

    init(_ invocations: [Invocation]) {
        var raw: [UInt8] = []
        raw.reserveCapacity(Self.target + 4096)
        var newest = Int64.min
        func flush() {
            guard !raw.isEmpty else { return }
            chunks.append(Chunk(data: Deflate.compress(raw, level: 1), rawSize: raw.count, newestStart: newest))
            raw.removeAll(keepingCapacity: true)
            newest = Int64.min
        }
        places.reserveCapacity(invocations.count)
        for inv in invocations {
            guard !inv.lines.isEmpty else {
                places.append(nil)
                continue
            }
            if !raw.isEmpty && raw.count + inv.lines.count > Self.target { flush() }
            places.append((chunks.count, raw.count))
            raw.append(contentsOf: inv.lines)
            newest = max(newest, inv.start)
        }
        flush()
    }
}
