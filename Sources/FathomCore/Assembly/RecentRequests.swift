/// Request ids of recently finished invocations, so that a late line (printed after its REPORT)
/// is told apart from the first line of a new invocation. Direct-mapped, 2^16 entries: an id is
/// forgotten when a later one lands in its slot (its late lines then open an invocation that ends
/// `incomplete`). A `Set` with an eviction queue cost ~10 % of ingest time; this costs a compare.
struct RecentRequests {
    private var slots: [RequestKey]
    private let mask: Int

    init(log2Capacity: Int = 16) {
        slots = Array(repeating: RequestKey(), count: 1 << log2Capacity)
        mask = (1 << log2Capacity) - 1
    }

    @inline(__always)
    private func slot(_ key: RequestKey) -> Int {
        let h = (key.w0 ^ (key.w1 &* 0x9E37_79B9_7F4A_7C15) ^ key.tail) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: h >> 40) & mask
    }

    func contains(_ key: RequestKey) -> Bool { slots[slot(key)] == key }

    mutating func insert(_ key: RequestKey) { slots[slot(key)] = key }

    mutating func remove(_ key: RequestKey) {
        let s = slot(key)
        if slots[s] == key { slots[s] = RequestKey() }
    }
}
