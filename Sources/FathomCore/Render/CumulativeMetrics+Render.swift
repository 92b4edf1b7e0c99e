extension CumulativeMetrics {
    /// The quantiles written for every summary.
    public static let quantiles: [Double] = [0.5, 0.9, 0.99]

    /// Writes every series with values as Prometheus families (see `PrometheusPlacement` for
    /// the names): families sorted by name, samples within a family by their labels.
    ///
    /// A family must be written once, so a series is skipped, and counted in the result, when
    /// its family name (or one of its sample names, like a summary's `_sum`) already belongs to
    /// a series of another kind, when it is a custom family named `fathom_…`, or when another
    /// series of its family has the same labels. Built-in series claim names first, then the
    /// others in `SeriesKey` order, so the outcome does not depend on arrival order.
    ///
    /// A summary whose window holds no values has no quantile lines, only `_sum` and `_count`.
    /// - Returns: the number of series skipped.
    @discardableResult
    public func render(into w: inout PrometheusWriter) -> Int {
        struct Family {
            let first: PrometheusPlacement
            var members: [(labels: [(String, String)], totals: Totals)] = []
            var labelSets: Set<String> = []
        }
        var families: [String: Family] = [:]
        var claimed: [String: String] = [:]  // sample name → family name
        var skipped = 0

        let ordered = series.filter { $0.value.count > 0 }.sorted {
            $0.value.placement.isBuiltin != $1.value.placement.isBuiltin ? $0.value.placement.isBuiltin : $0.key < $1.key
        }
        for (_, t) in ordered {
            let p = t.placement
            if let existing = families[p.family] {
                guard existing.first.owner == p.owner else {
                    skipped += 1
                    continue
                }
            } else {
                let reserved = !p.isBuiltin && p.family.hasPrefix("fathom_")
                guard !reserved, p.sampleNames.allSatisfy({ claimed[$0] == nil }) else {
                    skipped += 1
                    continue
                }
                for name in p.sampleNames { claimed[name] = p.family }
                families[p.family] = Family(first: p)
            }
            let signature = p.labels.map { $0.0 + "\u{0}" + $0.1 }.joined(separator: "\u{0}")
            guard families[p.family]!.labelSets.insert(signature).inserted else {
                skipped += 1
                continue
            }
            families[p.family]!.members.append((p.labels, t))
        }

        for name in families.keys.sorted() {
            let family = families[name]!
            let p = family.first
            w.family(name, type: p.type, help: p.help)
            let members = family.members.sorted { a, b in
                a.labels.lexicographicallyPrecedes(b.labels) { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            }
            for (labels, t) in members {
                switch p.measure {
                case .count: w.sample(name, labels: labels, value: Double(t.count))
                case .sum: w.sample(name, labels: labels, value: p.unit.apply(t.sum))
                case .last: w.sample(name, labels: labels, value: p.unit.apply(t.last))
                case .summary:
                    let recent = t.recent
                    for q in Self.quantiles {
                        guard let v = recent.value(.quantile(q)) else { continue }
                        w.sample(name, labels: labels + [("quantile", PrometheusWriter.formatValue(q))],
                                 value: p.unit.apply(v))
                    }
                    w.sample(name + "_sum", labels: labels, value: p.unit.apply(t.sum))
                    w.sample(name + "_count", labels: labels, value: Double(t.count))
                }
            }
        }
        return skipped
    }
}
