/// The identity of a metric series: its name, its kind and its tags, sorted by key.
///
/// Built-in function metrics carry the tags `function` and `version`; custom metrics carry those
/// of the invocation that printed them plus their own.
public struct SeriesKey: Hashable, Sendable, Comparable {
    public var name: String
    public var kind: MetricKind
    /// Sorted by key, then value; at most one value per key.
    public private(set) var tags: [Tag]

    public init(name: String, kind: MetricKind, tags: [Tag]) {
        self.name = name
        self.kind = kind
        var seen: [String: Int] = [:]
        var unique: [Tag] = []
        for tag in tags {
            if let i = seen[tag.key] { unique[i] = tag } else {
                seen[tag.key] = unique.count
                unique.append(tag)
            }
        }
        self.tags = unique.sorted()
    }

    /// The value of tag `key`, if the series has it.
    public func tag(_ key: String) -> String? { tags.first { $0.key == key }?.value }

    /// `name{k:v,k:v}` — the form the query language and `fathom metrics` print.
    public var text: String { name + "{" + tags.map(\.text).joined(separator: ",") + "}" }

    public static func < (a: SeriesKey, b: SeriesKey) -> Bool {
        if a.name != b.name { return a.name < b.name }
        if a.tags != b.tags { return a.tags.lexicographicallyPrecedes(b.tags) }
        return a.kind < b.kind
    }
}
