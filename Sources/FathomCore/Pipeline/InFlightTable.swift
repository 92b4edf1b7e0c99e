/// The invocations being assembled, by request id: a slab of slots with a hash index and a
/// one-entry cache of the last id looked up. A line touches its invocation several times
/// (attribute, time, keep, classify), so the cache turns those into one hash; `update` mutates
/// a slot in place, so line buffers are never copied on write.
struct InFlightTable {
    private var index: [RequestKey: Int32] = [:]
    private var slots: [InFlightInvocation] = []
    private var free: [Int32] = []
    private var lastKey = RequestKey()
    private var lastSlot: Int32 = -1

    var count: Int { index.count }
    var isEmpty: Bool { index.isEmpty }
    var keys: Dictionary<RequestKey, Int32>.Keys { index.keys }

    /// Calls `body` with every invocation in flight, in no particular order.
    func forEach(_ body: (RequestKey, InFlightInvocation) -> Void) {
        for (key, s) in index { body(key, slots[Int(s)]) }
    }

    @inline(__always)
    private mutating func slot(_ key: RequestKey) -> Int32? {
        if lastSlot >= 0 && lastKey == key { return lastSlot }
        guard let s = index[key] else { return nil }
        lastKey = key
        lastSlot = s
        return s
    }

    /// Whether `key` is in flight.
    mutating func contains(_ key: RequestKey) -> Bool { slot(key) != nil }

    /// Runs `body` on the invocation of `key` in place; nil when it is not in flight.
    @inline(__always)
    mutating func update<R>(_ key: RequestKey, _ body: (inout InFlightInvocation) -> R) -> R? {
        guard let s = slot(key) else { return nil }
        return body(&slots[Int(s)])
    }

    /// Removes and returns the invocation of `key`.
    mutating func removeValue(forKey key: RequestKey) -> InFlightInvocation? {
        guard let s = slot(key) else { return nil }
        let v = take(Int(s))
        release(key, s)
        return v
    }

    private mutating func take(_ s: Int) -> InFlightInvocation {
        var out = InFlightInvocation.vacant
        swap(&out, &slots[s])
        return out
    }

    private mutating func release(_ key: RequestKey, _ s: Int32) {
        index.removeValue(forKey: key)
        free.append(s)
        if lastKey == key { lastSlot = -1 }
    }

    /// Adds the invocation of `key` (not in flight yet).
    mutating func insert(_ key: RequestKey, _ value: InFlightInvocation) {
        let s: Int32
        if let f = free.popLast() {
            s = f
            slots[Int(s)] = value
        } else {
            s = Int32(slots.count)
            slots.append(value)
        }
        index[key] = s
        lastKey = key
        lastSlot = s
    }
}
