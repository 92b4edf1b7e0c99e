/// A mistake in something the user typed — a metric query or a time — with where it is.
///
/// `description` renders the message, the input and a caret under the offending column:
///
///     error: expected '}' to close the tag filter, found 'by' at column 35
///       p99:fn.duration{function:checkout by {version}
///                                         ^
public struct QueryError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was expected and what was found.
    public var message: String
    /// 0-based column of the mistake, in characters; `query.count` means "at the end".
    public var position: Int
    /// The input as the user typed it.
    public var query: String

    /// An error at `position` (in characters) of `query`.
    public init(message: String, position: Int, query: String) {
        self.message = message
        self.position = position
        self.query = query
    }

    /// `error: <message> at column <n>`, then the input and a caret, each indented by two spaces.
    public var description: String {
        // Tabs and line breaks would move the caret; show them as spaces (one character each).
        let shown = String(query.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
        let caret = String(repeating: " ", count: Swift.max(0, position)) + "^"
        return "error: \(message) at column \(position + 1)\n  \(shown)\n  \(caret)"
    }
}
