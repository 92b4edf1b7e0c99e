/// An aligned text table: a header row and data rows, each column as wide as its widest cell,
/// two spaces between columns, no trailing spaces, every line ending in `\n`.
///
/// Widths count `Character`s (one per terminal cell for the text Fathom prints). Control
/// characters in cells are shown escaped (`\n`, `\t`, `\r`, `\u{1b}`) so that a cell can never
/// break the grid.
public struct TextTable: Sendable {
    /// How a column's cells sit in its width.
    public enum Alignment: Sendable, Equatable {
        case left, right
    }

    /// One column: its header and alignment.
    public struct Column: Sendable, Equatable {
        public var header: String
        public var alignment: Alignment

        public init(_ header: String, _ alignment: Alignment = .left) {
            self.header = header
            self.alignment = alignment
        }
    }

    /// The columns, left to right.
    public let columns: [Column]
    /// The data rows added so far (cells already escaped).
    public private(set) var rows: [[String]] = []

    /// A table with these columns.
    public init(_ columns: [Column]) {
        self.columns = columns
    }

    /// Adds a row; missing cells are empty and extra cells are dropped.
    public mutating func add(_ cells: [String]) {
        var row = cells.prefix(columns.count).map(Self.clean)
        while row.count < columns.count { row.append("") }
        rows.append(row)
    }

    /// The table as text: the header line, then one line per row.
    public var text: String {
        var widths = columns.map { $0.header.count }
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = Swift.max(widths[i], cell.count) }
        }
        var out = ""
        func line(_ cells: [String]) {
            var s = ""
            for (i, cell) in cells.enumerated() {
                if i > 0 { s += "  " }
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                s += columns[i].alignment == .left ? cell + pad : pad + cell
            }
            while s.last == " " { s.removeLast() }
            out += s + "\n"
        }
        line(columns.map(\.header))
        for row in rows { line(row) }
        return out
    }

    /// `cell` with control characters escaped.
    public static func clean(_ cell: String) -> String {
        guard cell.unicodeScalars.contains(where: isControl) else { return cell }
        var s = ""
        for u in cell.unicodeScalars {
            switch u {
            case "\n": s += "\\n"
            case "\t": s += "\\t"
            case "\r": s += "\\r"
            default: s += isControl(u) ? u.escaped(asASCII: true) : String(u)
            }
        }
        return s
    }

    static func isControl(_ u: Unicode.Scalar) -> Bool { u.value < 0x20 || (u.value >= 0x7F && u.value < 0xA0) }
}
