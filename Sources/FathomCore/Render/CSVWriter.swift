/// Builds CSV text: fields separated by commas, records ending in `\n` (a Unix line end, which
/// every CSV reader accepts), and RFC 4180 quoting: a field holding a comma, a double quote, CR
/// or LF (or starting or ending with a space) is put in double quotes, inner quotes doubled.
public struct CSVWriter: Sendable {
    /// The CSV written so far.
    public private(set) var text = ""

    public init() {}

    /// Appends one record.
    public mutating func row(_ fields: [String]) {
        var first = true
        for field in fields {
            if !first { text += "," }
            first = false
            text += Self.escape(field)
        }
        text += "\n"
    }

    /// `field` quoted when it must be.
    public static func escape(_ field: String) -> String {
        let needsQuotes = field.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || field.utf8.first == 0x20 || field.utf8.last == 0x20
        guard needsQuotes else { return field }
        var s = "\""
        for c in field.unicodeScalars {
            if c == "\"" { s += "\"\"" } else { s.unicodeScalars.append(c) }
        }
        return s + "\""
    }
}
