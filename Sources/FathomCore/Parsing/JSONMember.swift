/// The kind of a JSON value, known from its first byte.
public enum JSONKind: Sendable, Equatable {
    case string, number, object, array, bool, null

    /// The kind of the value whose first byte is `byte`, or nil when no JSON value starts with it.
    @inlinable
    public init?(firstByte byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): self = .string
        case UInt8(ascii: "{"): self = .object
        case UInt8(ascii: "["): self = .array
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): self = .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): self = .bool
        case UInt8(ascii: "n"): self = .null
        default: return nil
        }
    }
}

/// One `"key": value` member of a JSON object, as byte ranges into the scanned `ByteView`.
public struct JSONMember: Sendable, Equatable {
    /// The key's raw bytes between the quotes (escapes not decoded).
    public var key: Range<Int>
    /// Whether the key contains a backslash escape (compare with `JSONScanner.keyEquals`).
    public var keyHasEscapes: Bool
    /// The kind of the value.
    public var kind: JSONKind
    /// The whole value: strings including their quotes, objects including braces, and so on.
    public var value: Range<Int>

    /// A member from its parts.
    public init(key: Range<Int>, keyHasEscapes: Bool, kind: JSONKind, value: Range<Int>) {
        self.key = key
        self.keyHasEscapes = keyHasEscapes
        self.kind = kind
        self.value = value
    }

    /// For a string value, the bytes between the quotes (escapes not decoded); otherwise `value`.
    public var stringContent: Range<Int> {
        kind == .string ? (value.lowerBound + 1)..<(value.upperBound - 1) : value
    }
}
