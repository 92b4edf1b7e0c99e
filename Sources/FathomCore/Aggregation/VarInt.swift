/// LEB128 variable-length integers (7 bits a byte, low groups first, high bit = "more follows"),
/// zigzag for signed values, and little-endian raw doubles: the pieces of the binary formats of
/// `DDSketch` and `Rollup`.
///
/// Encodings are canonical: the writer never emits a redundant trailing `0x00` group and the
/// reader rejects one, so every value has exactly one byte form.
enum VarInt {
    /// Appends `value` as an unsigned LEB128 varint (1 to 10 bytes).
    @inline(__always)
    static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(truncatingIfNeeded: v))
    }

    /// Appends `value` zigzag-encoded (0, -1, 1, -2 … → 0, 1, 2, 3 …) as a varint.
    @inline(__always)
    static func appendSigned(_ value: Int64, to out: inout [UInt8]) {
        append(zigzag(value), to: &out)
    }

    /// Appends the IEEE-754 bit pattern of `value`, little-endian (8 bytes, exact).
    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        var bits = value.bitPattern
        for _ in 0..<8 {
            out.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }
}

/// Why a serialized sketch or rollup could not be read: what was wrong and at which byte.
public struct SerializationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being read (`DDSketch`, `Rollup`).
    public var type: String
    /// Byte offset in the input where the problem was found.
    public var offset: Int
    /// What was wrong, for people.
    public var message: String

    /// An error reading `type` at byte `offset`, explained by `message`.
    public init(type: String, offset: Int, message: String) {
        self.type = type
        self.offset = offset
        self.message = message
    }

    /// `cannot decode <type> at byte <offset>: <message>`.
    public var description: String { "cannot decode \(type) at byte \(offset): \(message)" }
}

/// A forward-only cursor over serialized bytes whose reads throw `SerializationError` on
/// truncated or malformed input instead of trapping.
struct ByteReader {
    let bytes: [UInt8]
    let type: String
    private(set) var position = 0

    init(_ bytes: [UInt8], type: String) {
        self.bytes = bytes
        self.type = type
    }

    var isAtEnd: Bool { position >= bytes.count }

    func error(_ message: String, at offset: Int? = nil) -> SerializationError {
        SerializationError(type: type, offset: offset ?? position, message: message)
    }

    mutating func readByte(_ what: @autoclosure () -> String) throws(SerializationError) -> UInt8 {
        guard position < bytes.count else { throw error("input ends before the \(what())") }
        defer { position += 1 }
        return bytes[position]
    }

    /// Reads a canonical unsigned LEB128 varint of at most 10 bytes that fits in 64 bits.
    mutating func readVarInt(_ what: @autoclosure () -> String) throws(SerializationError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw error("input ends inside the \(what())", at: start) }
            let byte = bytes[position]
            position += 1
            let group = UInt64(byte & 0x7F)
            if shift == 63 && group > 1 { throw error("the \(what()) does not fit in 64 bits", at: start) }
            result |= group << shift
            if byte & 0x80 == 0 {
                if byte == 0 && position - start > 1 {
                    throw error("the \(what()) has a redundant trailing zero byte", at: start)
                }
                return result
            }
            shift += 7
            if shift > 63 { throw error("the \(what()) is longer than 10 bytes", at: start) }
        }
    }

    mutating func readSignedVarInt(_ what: @autoclosure () -> String) throws(SerializationError) -> Int64 {
        VarInt.unzigzag(try readVarInt(what()))
    }

    mutating func readDouble(_ what: @autoclosure () -> String) throws(SerializationError) -> Double {
        guard bytes.count - position >= 8 else { throw error("input ends inside the \(what())") }
        var bits: UInt64 = 0
        for i in 0..<8 {
            bits |= UInt64(bytes[position + i]) << (8 * UInt64(i))
        }
        position += 8
        return Double(bitPattern: bits)
    }

    /// Moves past `n` bytes.
    mutating func skip(_ n: Int) throws(SerializationError) {
        guard n >= 0, bytes.count - position >= n else { throw error("input ends inside a \(n)-byte field") }
        position += n
    }

    /// Throws unless every byte has been read.
    func expectEnd() throws(SerializationError) {
        guard position == bytes.count else {
            throw error("\(bytes.count - position) unexpected trailing byte(s)")
        }
    }
}
