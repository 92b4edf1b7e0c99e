/// A binary min-heap: the generator's time-ordered queues (pending lines, busy execution
/// environments, downstream calls of a trace).
struct GenHeap<Element: Comparable> {
    private(set) var items: [Element] = []

    init() {}

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
    /// The smallest element.
    var min: Element? { items.first }

    mutating func push(_ e: Element) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if !(items[i] < items[parent]) { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    /// Removes and returns the smallest element.
    @discardableResult
    mutating func pop() -> Element? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return first }
        items[0] = last
        var i = 0
        let n = items.count
        while true {
            let l = 2 * i + 1
            if l >= n { break }
            var c = l
            if l + 1 < n && items[l + 1] < items[l] { c = l + 1 }
            if !(items[c] < items[i]) { break }
            items.swapAt(i, c)
            i = c
        }
        return first
    }
}
