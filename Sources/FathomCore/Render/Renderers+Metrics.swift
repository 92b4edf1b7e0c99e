extension Renderers {
    /// `fathom metrics`: the series that exist, sorted by key.
    ///
    /// - table: NAME TYPE TAGS FIRST LAST (`-` for no tags); `no metrics` when there are none.
    /// - json: an array of `{"name", "type", "tags": {k: v}, "first_seen", "last_seen"}` (RFC 3339).
    /// - csv: `name,type,tags,first_seen,last_seen`.
    public static func metrics(_ series: [SeriesInfo], format: OutputFormat) -> String {
        let series = series.sorted { $0.key < $1.key }
        switch format {
        case .table:
            guard !series.isEmpty else { return "no metrics\n" }
            var t = TextTable([.init("NAME"), .init("TYPE"), .init("TAGS"), .init("FIRST"), .init("LAST")])
            for s in series {
                let tags = tagText(s.key.tags)
                t.add([
                    s.key.name, s.key.kind.rawValue, tags.isEmpty ? "-" : tags,
                    TimeSpec.format(s.firstSeen), TimeSpec.format(s.lastSeen),
                ])
            }
            return t.text
        case .json:
            var w = JSONWriter(pretty: true)
            w.beginArray()
            for s in series {
                w.beginObject()
                w.field("name", s.key.name)
                w.field("type", s.key.kind.rawValue)
                w.key("tags")
                writeTags(s.key.tags, to: &w)
                w.field("first_seen", TimeSpec.format(s.firstSeen))
                w.field("last_seen", TimeSpec.format(s.lastSeen))
                w.endObject()
            }
            w.endArray()
            return finish(w)
        case .csv:
            var c = CSVWriter()
            c.row(["name", "type", "tags", "first_seen", "last_seen"])
            for s in series {
                c.row([
                    s.key.name, s.key.kind.rawValue, tagText(s.key.tags),
                    TimeSpec.format(s.firstSeen), TimeSpec.format(s.lastSeen),
                ])
            }
            return c.text
        }
    }
}
