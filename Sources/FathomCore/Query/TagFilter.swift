/// One element of a metric query's `{...}`: `key:value`, `key`, `!key:value` or `!key`.
/// The value is a glob: `*` matches any run of characters (`version:v1.*`, `function:*-api`).
public struct TagFilter: Sendable, Hashable, CustomStringConvertible {
    /// The tag key.
    public var key: String
    /// The value pattern; nil when only the presence (or absence) of the key is tested.
    public var pattern: String?
    /// `!`: the series must not have a matching tag (a series without the key passes).
    public var negated: Bool

    /// `key`, `key:pattern`, `!key` or `!key:pattern`.
    public init(key: String, pattern: String? = nil, negated: Bool = false) {
        self.key = key
        self.pattern = pattern
        self.negated = negated
    }

    /// Whether a series with `tags` passes this filter.
    public func matches(_ tags: [Tag]) -> Bool {
        let value = tags.first { $0.key == key }?.value
        let hit: Bool
        if let value {
            hit = pattern.map { TagFilter.glob(Array($0.utf8), matches: Array(value.utf8)) } ?? true
        } else {
            hit = false
        }
        return hit != negated
    }

    /// `key:value`, `key`, `!key:value` or `!key`.
    public var text: String {
        (negated ? "!" : "") + key + (pattern.map { ":" + $0 } ?? "")
    }

    /// Same as `text`.
    public var description: String { text }

    /// Whether `text` matches `pattern`, where `*` stands for any run of bytes (including none).
    static func glob(_ pattern: [UInt8], matches text: [UInt8]) -> Bool {
        let star = UInt8(ascii: "*")
        var p = 0, t = 0
        var starAt = -1, resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == star {
                starAt = p
                resume = t
                p += 1
            } else if p < pattern.count, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if starAt >= 0 {
                p = starAt + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star { p += 1 }
        return p == pattern.count
    }
}
