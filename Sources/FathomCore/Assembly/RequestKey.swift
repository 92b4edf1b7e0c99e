/// A request id held inline (no allocation): the first 40 bytes plus a hash of the whole id.
/// UUIDs (36 bytes) are held whole; longer ids collide only if they share 40 bytes and a 64-bit hash.
public struct RequestKey: Hashable, Sendable {
    var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0, w4: UInt64 = 0
    var tail: UInt64 = 0
    var length: Int32 = 0

    /// The empty id.
    public init() {}

    public init(_ v: ByteView, _ r: Range<Int>) {
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        let n = Swift.min(r.count, 40)
        var k = 0
        while k < n {
            let b = UInt64(v[r.lowerBound + k]) << UInt64((k & 7) * 8)
            switch k >> 3 {
            case 0: words.0 |= b
            case 1: words.1 |= b
            case 2: words.2 |= b
            case 3: words.3 |= b
            default: words.4 |= b
            }
            k += 1
        }
        (w0, w1, w2, w3, w4) = words
        length = Int32(r.count)
        if r.count > 40 {
            var f = Fingerprint()
            for i in r { f.add(CollectionOfOne(v[i])) }
            tail = f.value
        }
    }
}
