/// Variables of a dashboard: resolving their values and substituting `$name` / `${name}`.
public enum DashboardVariables {
    /// The value of every declared variable: `given`, else its default, else the busiest value
    /// of the tag of the same name (by `sum:fn.invocations` over `[from, to)`), else empty.
    /// Given variables the dashboard does not declare are kept too. Sorted by name.
    public static func resolve(
        _ dashboard: Dashboard, given: [String: String], reader: any MetricReader, from: Int64, to: Int64
    ) -> [(name: String, value: String)] {
        var values = given
        for v in dashboard.variables where values[v.name] == nil {
            values[v.name] = v.defaultValue ?? busiest(tag: v.name, reader: reader, from: from, to: to) ?? ""
        }
        return values.map { (name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
    }

    /// The value of `tag` with the most invocations in `[from, to)`, the first by name on a tie.
    static func busiest(tag: String, reader: any MetricReader, from: Int64, to: Int64) -> String? {
        guard let expr = try? QueryParser.parse("sum:fn.invocations{\(tag)} by {\(tag)}"),
            let result = try? QueryEngine(reader: reader).evaluateWindow(expr, from: from, to: to)
        else { return nil }
        var best: (String, Double)?
        for s in result.series {
            guard let v = s.points.first?.value ?? nil, let value = s.tags.first?.value else { continue }
            if best == nil || v > best!.1 { best = (value, v) }
        }
        return best?.0
    }

    /// `text` with `$name` and `${name}` replaced by their values; names are letters, digits and
    /// `_` (the longest run); unknown names are left as written.
    public static func substitute(_ text: String, _ values: [(name: String, value: String)]) -> String {
        guard text.contains("$") else { return text }
        var lookup: [String: String] = [:]
        for (n, v) in values { lookup[n] = v }
        let c = Array(text)
        var out = ""
        var i = 0
        while i < c.count {
            guard c[i] == "$" else {
                out.append(c[i])
                i += 1
                continue
            }
            if i + 1 < c.count, c[i + 1] == "{", let close = c[(i + 2)...].firstIndex(of: "}") {
                let name = String(c[(i + 2)..<close])
                if let v = lookup[name] {
                    out += v
                    i = close + 1
                    continue
                }
            }
            var j = i + 1
            while j < c.count, c[j].isLetter || c[j].isNumber || c[j] == "_" { j += 1 }
            if let v = lookup[String(c[(i + 1)..<j])] {
                out += v
            } else {
                out += String(c[i..<j])
            }
            i = max(j, i + 1)
        }
        return out
    }

    /// The variable names `text` uses, with the 0-based column of each `$`.
    public static func references(in text: String) -> [(name: String, column: Int)] {
        let c = Array(text)
        var out: [(String, Int)] = []
        var i = 0
        while i < c.count {
            defer { i += 1 }
            guard c[i] == "$" else { continue }
            if i + 1 < c.count, c[i + 1] == "{", let close = c[(i + 2)...].firstIndex(of: "}") {
                out.append((String(c[(i + 2)..<close]), i))
                i = close
                continue
            }
            var j = i + 1
            while j < c.count, c[j].isLetter || c[j].isNumber || c[j] == "_" { j += 1 }
            if j > i + 1 { out.append((String(c[(i + 1)..<j]), i)) }
            i = j - 1
        }
        return out
    }
}
