/// Turns byte ranges into shared `String`s, so that a value seen a million times (a function
/// name, a tag) is decoded and allocated once.
public struct Interner {
    private var table: [[UInt8]: String] = [:]
    private var scratch: [UInt8] = []

    public init() {}

    /// The string for `range` of `view`.
    public mutating func intern(_ view: ByteView, _ range: Range<Int>) -> String {
        scratch.removeAll(keepingCapacity: true)
        view.append(range, to: &scratch)
        if let s = table[scratch] { return s }
        let s = String(decoding: scratch, as: UTF8.self)
        if table.count < 1_000_000 { table[scratch] = s }
        return s
    }

    /// The string for `bytes`.
    public mutating func intern(_ bytes: [UInt8]) -> String {
        if let s = table[bytes] { return s }
        let s = String(decoding: bytes, as: UTF8.self)
        if table.count < 1_000_000 { table[bytes] = s }
        return s
    }

    public var count: Int { table.count }
}
