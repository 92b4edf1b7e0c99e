/// The forms every read command can print: an aligned text table for people, JSON for programs
/// (pretty-printed, one document ending in a newline), or CSV for spreadsheets.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, csv
}
