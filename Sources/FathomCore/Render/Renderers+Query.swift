extension Renderers {
    /// `fathom query`: the result series in the order the engine gives them (by metric, then tags).
    ///
    /// - table: per series a heading `p99:fn.duration{version:41}`, then TIME VALUE rows (`-` where
    ///   a bucket has no data), blocks separated by a blank line; `no data` when there is no series.
    /// - json: `{"series": [{"metric", "aggregation", "tags": {k: v}, "points": [[time, value|null], …]}]}`,
    ///   each point on one line.
    /// - csv: `metric,aggregation,tags,time,value`, tags as `k:v,k:v`, an empty value for no data.
    public static func query(_ result: QueryResult, format: OutputFormat) -> String {
        switch format {
        case .table:
            guard !result.series.isEmpty else { return "no data\n" }
            var blocks: [String] = []
            for s in result.series {
                var t = TextTable([.init("TIME"), .init("VALUE", .right)])
                for p in s.points { t.add([TimeSpec.format(p.time), p.value.map(NumberFormat.compact) ?? "-"]) }
                blocks.append(TextTable.clean(s.aggregation + ":" + s.metric + "{" + tagText(s.tags) + "}") + "\n" + t.text)
            }
            return blocks.joined(separator: "\n")
        case .json:
            var w = JSONWriter(pretty: true)
            w.beginObject()
            w.key("series")
            w.beginArray()
            for s in result.series {
                w.beginObject()
                w.field("metric", s.metric)
                w.field("aggregation", s.aggregation)
                w.key("tags")
                writeTags(s.tags, to: &w)
                w.key("points")
                w.beginArray()
                for p in s.points {
                    var time = JSONWriter()
                    time.string(TimeSpec.format(p.time))
                    var value = JSONWriter()
                    value.number(p.value)
                    w.raw([UInt8(ascii: "[")] + time.bytes + [UInt8(ascii: ","), UInt8(ascii: " ")] + value.bytes + [UInt8(ascii: "]")])
                }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.endObject()
            return finish(w)
        case .csv:
            var c = CSVWriter()
            c.row(["metric", "aggregation", "tags", "time", "value"])
            for s in result.series {
                let tags = tagText(s.tags)
                for p in s.points { c.row([s.metric, s.aggregation, tags, TimeSpec.format(p.time), csvNumber(p.value)]) }
            }
            return c.text
        }
    }
}
