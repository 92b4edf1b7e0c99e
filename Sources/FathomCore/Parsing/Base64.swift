/// Standard base64 (RFC 4648 §4: `A–Z a–z 0–9 + /`, `=` padding) over bytes, table-driven.
///
/// Decoding is lenient about padding (`aGk=`, `aGk` and `aGVsbA=` all decode) and strict about
/// everything else: any byte outside the alphabet (whitespace and line breaks included, and the
/// URL-safe `-` `_`), `=` anywhere but at the end, more than two `=`, or a length that leaves a
/// single dangling character makes the whole input invalid. Unused low bits of the last
/// character are ignored (as most decoders do). Roughly 1 GB/s; nothing here traps on any input.
public enum Base64 {
    /// The decoded bytes of `bytes`, or nil when it is not valid base64 (see the type's rules).
    /// Empty input decodes to no bytes.
    public static func decode(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        if let result = bytes.withContiguousStorageIfAvailable({ decode(buffer: $0) }) {
            return result
        }
        return Array(bytes).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    /// `bytes` encoded with the standard alphabet, padded with `=` to a multiple of four.
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        let count = (bytes.count + 2) / 3 * 4
        guard count > 0 else { return [] }
        return bytes.withUnsafeBufferPointer { input in
            [UInt8](unsafeUninitializedCapacity: count) { out, written in
                let a = alphabet.utf8Start
                let n = input.count
                var i = 0
                var o = 0
                while i + 3 <= n {
                    let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    out[o] = a[Int(v >> 18)]
                    out[o + 1] = a[Int(v >> 12 & 63)]
                    out[o + 2] = a[Int(v >> 6 & 63)]
                    out[o + 3] = a[Int(v & 63)]
                    i += 3
                    o += 4
                }
                let pad = UInt8(ascii: "=")
                switch n - i {
                case 1:
                    let v = UInt32(input[i]) << 16
                    out[o] = a[Int(v >> 18)]
                    out[o + 1] = a[Int(v >> 12 & 63)]
                    out[o + 2] = pad
                    out[o + 3] = pad
                    o += 4
                case 2:
                    let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
                    out[o] = a[Int(v >> 18)]
                    out[o + 1] = a[Int(v >> 12 & 63)]
                    out[o + 2] = a[Int(v >> 6 & 63)]
                    out[o + 3] = pad
                    o += 4
                default:
                    break
                }
                written = o
            }
        }
    }

    // MARK: Internals

    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// Marks a byte outside the alphabet in `decodeTable`.
    private static let invalid: UInt8 = 0xFF

    /// The 6-bit value of each byte, or `invalid`.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        let a = alphabet.utf8Start
        for k in 0..<64 { table[Int(a[k])] = UInt8(k) }
        return table
    }()

    /// Decodes the base64 text in `input` (for callers in the module that hold a pointer, such as
    /// a `ByteView` range); nil when it is invalid.
    static func decode(buffer input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        // Trailing padding: at most two `=`, and only where a quantum is incomplete.
        var n = input.count
        var pads = 0
        while n > 0 && pads < 2 && input[n - 1] == UInt8(ascii: "=") {
            n -= 1
            pads += 1
        }
        let rest = n & 3
        if rest == 1 { return nil }
        if pads > 0 && (rest == 0 || (rest == 3 && pads > 1)) { return nil }
        let quads = n >> 2
        let count = quads * 3 + (rest == 0 ? 0 : rest - 1)
        guard count > 0 else { return [] }
        var valid = true
        let result = decodeTable.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: count) { out, written in
                var bad: UInt8 = 0
                var i = 0
                var o = 0
                for _ in 0..<quads {
                    let a = table[Int(input[i])]
                    let b = table[Int(input[i + 1])]
                    let c = table[Int(input[i + 2])]
                    let d = table[Int(input[i + 3])]
                    bad |= a | b | c | d
                    let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    out[o] = UInt8(truncatingIfNeeded: v >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: v)
                    i += 4
                    o += 3
                }
                if rest >= 2 {
                    let a = table[Int(input[i])]
                    let b = table[Int(input[i + 1])]
                    bad |= a | b
                    out[o] = a << 2 | b >> 4
                    o += 1
                    if rest == 3 {
                        let c = table[Int(input[i + 2])]
                        bad |= c
                        out[o] = b << 4 | c >> 2
                        o += 1
                    }
                }
                // Valid values are below 64: bit 7 is set only by `invalid`.
                valid = bad & 0x80 == 0
                written = valid ? o : 0
            }
        }
        return valid ? result : nil
    }
}
