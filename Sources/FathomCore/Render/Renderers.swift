/// The output of Fathom's read commands (`functions`, `query`, `trace`, `metrics`,
/// `quarantine`) and of the ingest summary, as pure functions from values to text.
///
/// Every form ends with a newline and is deterministic (inputs are sorted where order is not
/// already meaningful). JSON is pretty-printed with `JSONWriter`, numbers at full precision and
/// times as RFC 3339 strings; tables give durations 2 decimals and percentages 1; CSV has a header
/// row and numbers at full precision, with empty fields for missing values.
public enum Renderers {
    /// Ends a JSON document with a newline.
    static func finish(_ w: JSONWriter) -> String { w.text + "\n" }

    /// Writes `tags` as an object `{"k": "v", …}` in their (sorted) order.
    static func writeTags(_ tags: [Tag], to w: inout JSONWriter) {
        w.beginObject()
        for tag in tags.sorted() { w.field(tag.key, tag.value) }
        w.endObject()
    }

    /// `k:v,k:v`, the tags as the query language writes them.
    static func tagText(_ tags: [Tag]) -> String { tags.sorted().map(\.text).joined(separator: ",") }

    /// A CSV field for an optional number: full precision, empty when absent.
    static func csvNumber(_ x: Double?) -> String { NumberFormat.exact(x) ?? "" }

    /// `1 invocation`, `3 invocations`.
    static func plural(_ n: Int, _ word: String) -> String { String(n) + " " + word + (n == 1 ? "" : "s") }
}
