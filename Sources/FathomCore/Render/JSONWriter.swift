/// Builds JSON text as UTF-8 bytes, deterministically, for every renderer.
///
/// Commas, colons and (when `pretty`) newlines and two-space indentation are inserted
/// automatically. Pretty output looks like `{\n  "key": [\n    1,\n    2\n  ],\n  "e": {}\n}`;
/// compact output has no whitespace at all. Neither ends with a newline. Several values written
/// at the top level are separated by `\n` (one JSON document per line when compact).
///
/// Misuse (a value in an object without a key, a key outside an object, unbalanced ends) is a
/// programming error and traps.
public struct JSONWriter: Sendable {
    /// The UTF-8 JSON text written so far.
    public private(set) var bytes: [UInt8] = []
    /// Whether to indent (two spaces per level) and put each element on its own line.
    public let pretty: Bool

    /// One open container.
    private struct Level: Sendable {
        var isObject: Bool
        var isEmpty: Bool
    }

    private var levels: [Level] = []
    private var afterKey = false
    private var wroteTopLevel = false

    /// A writer producing compact JSON, or indented JSON when `pretty`.
    public init(pretty: Bool = false) {
        self.pretty = pretty
    }

    /// The JSON written so far as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether every container opened has been closed and no key awaits its value.
    public var isComplete: Bool { levels.isEmpty && !afterKey }

    // MARK: Containers

    /// Opens an object: `{`.
    public mutating func beginObject() {
        beforeValue()
        bytes.append(UInt8(ascii: "{"))
        levels.append(Level(isObject: true, isEmpty: true))
    }

    /// Closes the innermost container, which must be an object: `}`.
    public mutating func endObject() { end(object: true, UInt8(ascii: "}")) }

    /// Opens an array: `[`.
    public mutating func beginArray() {
        beforeValue()
        bytes.append(UInt8(ascii: "["))
        levels.append(Level(isObject: false, isEmpty: true))
    }

    /// Closes the innermost container, which must be an array: `]`.
    public mutating func endArray() { end(object: false, UInt8(ascii: "]")) }

    private mutating func end(object: Bool, _ byte: UInt8) {
        precondition(!afterKey, "JSONWriter: key without a value")
        guard let level = levels.popLast() else { preconditionFailure("JSONWriter: nothing to close") }
        precondition(level.isObject == object, "JSONWriter: mismatched close")
        if pretty && !level.isEmpty { newline() }
        bytes.append(byte)
    }

    // MARK: Keys and values

    /// Writes an object key; the next call must write its value.
    public mutating func key(_ k: String) {
        precondition(levels.last?.isObject == true && !afterKey, "JSONWriter: key outside an object")
        separate()
        appendQuoted(k)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(UInt8(ascii: " ")) }
        afterKey = true
    }

    /// Writes a string value: `"`, `\` and control bytes are escaped (`\n`, `\t`, `\r`, `\b`,
    /// `\f`, otherwise `\u00xx`); all other UTF-8 passes through unchanged.
    public mutating func string(_ s: String) {
        beforeValue()
        appendQuoted(s)
    }

    /// Writes a number; nil and non-finite values become `null`. Integral values of magnitude up
    /// to 2^53 print as integers (`42`, `-0.0` as `0`); others use Swift's shortest round-trip
    /// form (`0.1`, `1e-07`, `1.5e+300`), which is valid JSON.
    public mutating func number(_ d: Double?) {
        beforeValue()
        guard let d, d.isFinite else {
            appendASCII("null")
            return
        }
        if d == d.rounded(.towardZero) && d.magnitude <= 9_007_199_254_740_992 {
            appendInteger(Int64(d))
        } else {
            bytes.append(contentsOf: d.description.utf8)
        }
    }

    /// Writes an integer.
    public mutating func integer(_ i: Int64) {
        beforeValue()
        appendInteger(i)
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ b: Bool) {
        beforeValue()
        appendASCII(b ? "true" : "false")
    }

    /// Writes `null`.
    public mutating func null() {
        beforeValue()
        appendASCII("null")
    }

    /// Writes an already-serialized JSON value verbatim (the caller vouches for its validity).
    public mutating func raw(_ json: [UInt8]) {
        beforeValue()
        bytes.append(contentsOf: json)
    }

    // MARK: Fields

    /// Writes `"k": "s"`.
    public mutating func field(_ k: String, _ s: String) {
        key(k)
        string(s)
    }

    /// Writes `"k": d` (`null` when nil or non-finite).
    public mutating func field(_ k: String, _ d: Double?) {
        key(k)
        number(d)
    }

    /// Writes `"k": i`.
    public mutating func field(_ k: String, _ i: Int64) {
        key(k)
        integer(i)
    }

    /// Writes `"k": i`.
    public mutating func field(_ k: String, _ i: Int) {
        key(k)
        integer(Int64(i))
    }

    /// Writes `"k": true|false`.
    public mutating func field(_ k: String, _ b: Bool) {
        key(k)
        bool(b)
    }

    // MARK: Plumbing

    /// Emits what must precede a value: nothing after a key, else a comma / newline / indent.
    private mutating func beforeValue() {
        if afterKey {
            afterKey = false
            return
        }
        if levels.isEmpty {
            if wroteTopLevel { bytes.append(0x0A) }
            wroteTopLevel = true
            return
        }
        precondition(levels[levels.count - 1].isObject == false, "JSONWriter: value without a key")
        separate()
    }

    /// The comma (unless first) and pretty line break before an element or key.
    private mutating func separate() {
        let last = levels.count - 1
        if !levels[last].isEmpty { bytes.append(UInt8(ascii: ",")) }
        levels[last].isEmpty = false
        if pretty { newline() }
    }

    private mutating func newline() {
        bytes.append(0x0A)
        for _ in 0..<levels.count { bytes.append(0x20); bytes.append(0x20) }
    }

    private mutating func appendASCII(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private mutating func appendInteger(_ i: Int64) {
        if i < 0 { bytes.append(UInt8(ascii: "-")) }
        var m = i.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
            UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[19 - n] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                n += 1
            } while m != 0
            bytes.append(contentsOf: buf[(20 - n)...])
        }
    }

    private static let hex: StaticString = "0123456789abcdef"

    private mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            var runStart = 0
            for i in 0..<u.count {
                let c = u[i]
                let escape: UInt8
                switch c {
                case UInt8(ascii: "\""): escape = UInt8(ascii: "\"")
                case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
                case 0x0A: escape = UInt8(ascii: "n")
                case 0x0D: escape = UInt8(ascii: "r")
                case 0x09: escape = UInt8(ascii: "t")
                case 0x08: escape = UInt8(ascii: "b")
                case 0x0C: escape = UInt8(ascii: "f")
                case 0..<0x20: escape = UInt8(ascii: "u")
                default: continue
                }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<i])) }
                runStart = i + 1
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(escape)
                if escape == UInt8(ascii: "u") {
                    let h = Self.hex.utf8Start
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(h[Int(c >> 4)])
                    bytes.append(h[Int(c & 15)])
                }
            }
            if runStart < u.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
