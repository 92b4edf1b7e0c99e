import FathomCore

/// The canonical text of tags, exactly as the embedded store's `CanonicalTags` writes it (that
/// type is internal to FathomStore): `k:v,k:v`, a tag with an empty value as its key alone, and
/// `\`, `,` and `:` escaped with a backslash.
enum TagText {
    static func encode(_ tags: [Tag]) -> String {
        var out: [UInt8] = []
        for (i, tag) in tags.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            escape(tag.key, into: &out)
            if !tag.value.isEmpty || tag.key.isEmpty {
                out.append(UInt8(ascii: ":"))
                escape(tag.value, into: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [Tag] {
        var tags: [Tag] = []
        guard !text.isEmpty else { return tags }
        var key: [UInt8] = []
        var value: [UInt8] = []
        var inValue = false
        var escaped = false
        func finish() {
            tags.append(Tag(String(decoding: key, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            key.removeAll(keepingCapacity: true)
            value.removeAll(keepingCapacity: true)
            inValue = false
        }
        for b in text.utf8 {
            if escaped {
                if inValue { value.append(b) } else { key.append(b) }
                escaped = false
            } else if b == UInt8(ascii: "\\") {
                escaped = true
            } else if b == UInt8(ascii: ",") {
                finish()
            } else if b == UInt8(ascii: ":") && !inValue {
                inValue = true
            } else if inValue {
                value.append(b)
            } else {
                key.append(b)
            }
        }
        finish()
        return tags
    }

    private static func escape(_ s: String, into out: inout [UInt8]) {
        for b in s.utf8 {
            if b == UInt8(ascii: "\\") || b == UInt8(ascii: ",") || b == UInt8(ascii: ":") { out.append(UInt8(ascii: "\\")) }
            out.append(b)
        }
    }
}
