/// One `key:value` tag of a series. A tag written without a colon has an empty value.
public struct Tag: Hashable, Sendable, Comparable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }

    public static func < (a: Tag, b: Tag) -> Bool { (a.key, a.value) < (b.key, b.value) }

    /// `key:value`, or `key` alone when the value is empty.
    public var text: String { value.isEmpty ? key : key + ":" + value }
}
