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
    /// The file it was read from (device and inode), when it was a file: it confirms a short
    /// fingerprint, which could otherwise match another file that begins with the same bytes.
    public var file: FileID?

    public init(fingerprint: UInt64, fingerprintLength: Int, path: String, offset: Int64, lines: Int,
                file: FileID? = nil) {
        self.fingerprint = fingerprint
        self.fingerprintLength = fingerprintLength
        self.path = path
        self.offset = offset
        self.lines = lines
        self.file = file
    }

    /// How many leading bytes identify a source.
    public static let maxFingerprintLength = 4096
    /// A fingerprint of at least this many bytes identifies a source by content alone (a copy
    /// made by copytruncate, or a rotated file compressed later, is the same source); a shorter
    /// one only together with the same device and inode.
    public static let strongFingerprintLength = 1024
}

/// A file's identity in the file system: device and inode. Never enough alone (inodes are
/// reused), always checked together with the content fingerprint.
public struct FileID: Sendable, Hashable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    public var description: String { "\(device):\(inode)" }
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
