/// The text form of an invocation's correlation ids in `invocations.correlation_ids`: the ids in
/// their (sorted) order, joined by `,`, with `\` and `,` inside an id escaped by a backslash.
/// No ids is the empty text; a single empty id is never stored (empty ids are dropped).
enum IDList {
    private static let backslash = UInt8(ascii: "\\")
    private static let comma = UInt8(ascii: ",")

    /// The text of `ids` (empty ids left out).
    static func encode(_ ids: [String]) -> String {
        if ids.count == 1, let only = ids.first, !only.utf8.contains(where: { $0 == comma || $0 == backslash }) {
            return only  // the common case, without copying
        }
        var out: [UInt8] = []
        for id in ids where !id.isEmpty {
            if !out.isEmpty { out.append(comma) }
            for b in id.utf8 {
                if b == backslash || b == comma { out.append(backslash) }
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The ids of a text made by ``encode(_:)``.
    static func decode(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var ids: [String] = []
        var current: [UInt8] = []
        var escaped = false
        for b in text.utf8 {
            if escaped {
                current.append(b)
                escaped = false
            } else if b == backslash {
                escaped = true
            } else if b == comma {
                ids.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(b)
            }
        }
        ids.append(String(decoding: current, as: UTF8.self))
        return ids
    }
}
