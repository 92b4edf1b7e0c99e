/// The text pieces of a dashboard frame: fitting to a width, sparklines, bars, and numbers in
/// a panel's unit. Every glyph used is one terminal cell wide, so a line's width is its count of
/// characters (ANSI colour codes are added after fitting).
enum DashboardText {
    /// The sparkline levels, lowest first.
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiLevels: [Character] = ["_", ".", ":", "-", "=", "+", "*", "#"]
    /// Eighths of a cell for bars.
    static let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// `s` made printable: control characters become spaces; with `ascii`, anything outside
    /// ASCII becomes `?`.
    static func clean(_ s: String, ascii: Bool) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            if ascii, let plain = asciiForms[ch] {
                out += plain
                continue
            }
            if TextTable.isControl(ch) {
                out.unicodeScalars.append(" ")
            } else if ascii && ch.value >= 0x80 {
                out.unicodeScalars.append("?")
            } else {
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// The ASCII forms of the few non-ASCII glyphs the frame itself writes.
    static let asciiForms: [Unicode.Scalar: String] = ["…": "...", "·": "|", "→": "->", "▲": "+", "▼": "-", "—": "-"]

    /// `s` cut to at most `width` characters, ending in an ellipsis when cut.
    static func clip(_ s: String, _ width: Int, ascii: Bool) -> String {
        guard width > 0 else { return "" }
        guard s.count > width else { return s }
        if width == 1 { return String(s.prefix(1)) }
        return String(s.prefix(width - 1)) + (ascii ? "~" : "…")
    }

    /// `s` clipped and padded with spaces to exactly `width` characters.
    static func fit(_ s: String, _ width: Int, ascii: Bool) -> String {
        let c = clip(s, width, ascii: ascii)
        return c + String(repeating: " ", count: max(0, width - c.count))
    }

    /// `s` clipped and right-aligned in `width` characters.
    static func right(_ s: String, _ width: Int, ascii: Bool) -> String {
        let c = clip(s, width, ascii: ascii)
        return String(repeating: " ", count: max(0, width - c.count)) + c
    }

    /// One character per value, scaled between `lo` and `hi`; a blank where there is no value.
    static func sparkline(_ values: [Double?], lo: Double, hi: Double, ascii: Bool) -> String {
        let levels = ascii ? asciiLevels : blocks
        var out = ""
        for v in values {
            guard let v, v.isFinite else {
                out.append(" ")
                continue
            }
            out.append(levels[level(v, lo: lo, hi: hi, count: levels.count)])
        }
        return out
    }

    /// The level (0..<count) of `v` on the scale `lo...hi`: the lowest level for `lo`, the
    /// highest for `hi`; a flat scale puts non-zero values in the middle and zero at the bottom.
    static func level(_ v: Double, lo: Double, hi: Double, count: Int) -> Int {
        guard hi > lo else { return v == 0 ? 0 : count / 2 }
        let f = (v - lo) / (hi - lo)
        return max(0, min(count - 1, Int((f * Double(count - 1)).rounded())))
    }

    /// A bar `fraction` (0...1) of `width` cells, in eighths (ASCII: whole `#` cells); at least
    /// a sliver for a positive fraction.
    static func bar(_ fraction: Double, width: Int, ascii: Bool) -> String {
        guard width > 0, fraction.isFinite, fraction > 0 else { return "" }
        let f = min(1, fraction)
        if ascii {
            let n = max(1, Int((f * Double(width)).rounded()))
            return String(repeating: "#", count: n)
        }
        let eighths = max(1, Int((f * Double(width) * 8).rounded()))
        var s = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { s.append(partials[eighths % 8 - 1]) }
        return s
    }

    /// `v` written in `unit`: `123ms`, `1.2s`, `4.5%`, `1234`, `12.3k`, `$0.0012`, `512MB`.
    static func value(_ v: Double?, _ unit: PanelUnit) -> String {
        guard let v else { return "-" }
        guard v.isFinite else { return NumberFormat.fixed(v, 0) }
        switch unit {
        case .usd:
            return NumberFormat.usd(v)
        case .percent:
            return NumberFormat.fixed(v, v.magnitude >= 100 ? 0 : (v.magnitude >= 10 ? 1 : 2)) + "%"
        case .ms:
            if v.magnitude >= 10_000 { return NumberFormat.fixed(v / 1000, 1) + "s" }
            return NumberFormat.fixed(v, v.magnitude >= 100 ? 0 : 1) + "ms"
        case .s:
            return NumberFormat.fixed(v, v.magnitude >= 100 ? 0 : 1) + "s"
        case .mb:
            return NumberFormat.fixed(v, v.magnitude >= 100 ? 0 : 1) + "MB"
        case .count, .none:
            return short(v)
        }
    }

    /// A count or plain number, short: `1234`, `12.3k`, `4.56M`, `0.25`.
    static func short(_ v: Double) -> String {
        let m = v.magnitude
        if m >= 1e9 { return NumberFormat.fixed(v / 1e9, 2) + "G" }
        if m >= 1e6 { return NumberFormat.fixed(v / 1e6, 2) + "M" }
        if m >= 1e4 { return NumberFormat.fixed(v / 1e3, 1) + "k" }
        if v == v.rounded(.towardZero) { return String(Int64(v)) }
        if m >= 100 { return NumberFormat.fixed(v, 0) }
        if m >= 0.1 { return NumberFormat.fixed(v, 2) }
        return NumberFormat.compact(v)
    }

    /// The change from `previous` to `current`: `▲ 12%`, `▼ 3.5%`, `= 0%` (ASCII: `+12%`, `-3.5%`);
    /// `new` when there was nothing before, empty when there is nothing now.
    static func change(_ current: Double?, _ previous: Double?, ascii: Bool) -> String {
        guard let current else { return "" }
        guard let previous, previous != 0 else { return current == 0 && previous == 0 ? (ascii ? "=0%" : "= 0%") : "new" }
        let pct = (current - previous) / previous.magnitude * 100
        let text = NumberFormat.fixed(pct.magnitude, pct.magnitude >= 10 ? 0 : 1) + "%"
        if text == "0%" || text == "0.0%" { return ascii ? "=0%" : "= 0%" }
        if ascii { return (pct > 0 ? "+" : "-") + text }
        return (pct > 0 ? "▲ " : "▼ ") + text
    }

    /// `5m`, `1h`, `90s`, `1d`: a window as written in files.
    static func window(_ ms: Int64) -> String { TimeSpec.formatDuration(ms) }

    /// `2026-11-20 10:46` (UTC), the frame's compact time.
    static func time(_ ms: Int64) -> String {
        let full = TimeSpec.format(CivilDate.floorDiv(ms, 60_000) * 60_000)  // 2026-11-20T10:46:00Z
        return String(full.prefix(16)).replacingT()
    }

    /// `HH:MM` of `ms` (UTC).
    static func clock(_ ms: Int64) -> String {
        String(time(ms).suffix(5))
    }

    /// Tags as a label: the values joined by spaces (`checkout 41`), or `all` when there are none.
    static func label(_ tags: [Tag]) -> String {
        tags.isEmpty ? "all" : tags.map(\.value).joined(separator: " ")
    }
}

extension String {
    /// `T` between date and time replaced by a space.
    fileprivate func replacingT() -> String {
        String(map { $0 == "T" ? " " : $0 })
    }
}

/// How a line of a panel is coloured (when colours are on).
enum LineStyle: Sendable, Equatable {
    case plain, bold, dim, red, yellow, green

    /// The ANSI code that starts the style (empty for plain).
    var code: String {
        switch self {
        case .plain: ""
        case .bold: "\u{1B}[1m"
        case .dim: "\u{1B}[2m"
        case .red: "\u{1B}[31m"
        case .yellow: "\u{1B}[33m"
        case .green: "\u{1B}[32m"
        }
    }
}

/// One line of a panel's content, before it is fitted to the panel's width.
struct PanelLine: Sendable, Equatable {
    var text: String
    var style: LineStyle = .plain

    init(_ text: String, _ style: LineStyle = .plain) {
        self.text = text
        self.style = style
    }
}
