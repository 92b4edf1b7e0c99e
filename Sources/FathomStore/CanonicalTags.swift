import FathomCore

/// The canonical text of a series' tags, as stored in `series.tags`: `k:v,k:v` in the sorted order
/// of `SeriesKey.tags`, a tag with an empty value written as its key alone, and `\`, `,` and `:`
/// inside keys and values escaped with a backslash. Equal tag lists give equal texts, so the text
/// (with the name and kind) identifies a series; it decodes back to the same tags.
///
/// Examples: `[function:api, version:$LATEST]` → `function:api,version:$LATEST`;
/// `[route:/a,b]` → `route:/a\,b`; `[canary]` → `canary`; no tags → the empty text.
public enum CanonicalTags {
    private static let backslash = UInt8(ascii: "\\")
    private static let comma = UInt8(ascii: ",")
    private static let colon = UInt8(ascii: ":")

    /// The canonical text of `tags` (already sorted, as a `SeriesKey` keeps them).
    public static func encode(_ tags: [Tag]) -> String {
        var out: [UInt8] = []
        for (i, tag) in tags.enumerated() {
            if i > 0 { out.append(comma) }
            escape(tag.key, into: &out)
            // An empty key with an empty value is written ":" so that it stays distinct from no tag.
            if !tag.value.isEmpty || tag.key.isEmpty {
                out.append(colon)
                escape(tag.value, into: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The tags of a canonical text.
    public static func decode(_ text: String) -> [Tag] {
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
            } else if b == backslash {
                escaped = true
            } else if b == comma {
                finish()
            } else if b == colon && !inValue {
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
            if b == backslash || b == comma || b == colon { out.append(backslash) }
            out.append(b)
        }
    }
}
