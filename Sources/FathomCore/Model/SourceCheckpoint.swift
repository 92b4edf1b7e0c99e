/// How far a source has been read, identified by the content of its first bytes (not its name:
/// a renamed or re-piped file is recognised, a different file at the same path is not).
public struct SourceCheckpoint: Sendable, Equatable {
    /// FNV-1a 64 of the first `fingerprintLength` decoded bytes.
    public var fingerprint: UInt64
    public var fingerprintLength: Int
    /// The source as the user named it, for people (not part of the identity).
    public var path: String
    /// Decoded bytes consumed, and complete lines among them.
    public var offset: Int64
    public var lines: Int

    public init(fingerprint: UInt64, fingerprintLength: Int, path: String, offset: Int64, lines: Int) {
        self.fingerprint = fingerprint
        self.fingerprintLength = fingerprintLength
        self.path = path
        self.offset = offset
        self.lines = lines
    }

    /// How many leading bytes identify a source.
    public static let maxFingerprintLength = 4096
}

/// FNV-1a, 64 bit: the content fingerprint of sources.
public struct Fingerprint {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add<C: Sequence>(_ bytes: C) where C.Element == UInt8 {
        var h = value
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        value = h
    }

    /// The fingerprint of `bytes`.
    public static func of<C: Sequence>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var f = Fingerprint()
        f.add(bytes)
        return f.value
    }
}
