/// A parsed metric query: metric queries and numbers combined with `+ - * /`, unary minus and
/// parentheses (`*` and `/` bind tighter than `+` and `-`; all four are left-associative).
///
/// Parse one with `QueryParser.parse(_:)`; `text` prints it back in canonical form, so that
/// `QueryParser.parse(e.text) == e`.
public indirect enum QueryExpression: Sendable, Hashable, CustomStringConvertible {
    /// A number literal such as `100` or `0.5`.
    case number(Double)
    /// One metric query, `p99:fn.duration{function:checkout} by {version}`.
    case metric(MetricQuery)
    /// `-x`.
    case negate(QueryExpression)
    /// `lhs op rhs`.
    case binary(Operator, QueryExpression, QueryExpression)

    /// The four arithmetic operators.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case add = "+", subtract = "-", multiply = "*", divide = "/"

        /// 1 for `+ -`, 2 for `* /`.
        public var precedence: Int { self == .add || self == .subtract ? 1 : 2 }

        /// `lhs op rhs`, or nil when either side is nil or on division by zero.
        public func apply(_ lhs: Double?, _ rhs: Double?) -> Double? {
            guard let a = lhs, let b = rhs else { return nil }
            switch self {
            case .add: return a + b
            case .subtract: return a - b
            case .multiply: return a * b
            case .divide: return b == 0 ? nil : a / b
            }
        }
    }

    /// The canonical text: single spaces around binary operators, parentheses only where needed.
    public var text: String {
        switch self {
        case .number(let x): return QueryExpression.format(number: x)
        case .metric(let q): return q.text
        case .negate(let inner):
            if case .binary = inner { return "-(" + inner.text + ")" }
            return "-" + inner.text
        case .binary(let op, let lhs, let rhs):
            var left = lhs.text
            var right = rhs.text
            if case .binary(let l, _, _) = lhs, l.precedence < op.precedence { left = "(" + left + ")" }
            if case .binary(let r, _, _) = rhs, r.precedence <= op.precedence { right = "(" + right + ")" }
            return left + " " + op.rawValue + " " + right
        }
    }

    /// Same as `text`.
    public var description: String { text }

    /// The aggregation of the left-most metric query (`nil` for pure numbers).
    public var leftmostAggregation: Aggregation? {
        switch self {
        case .number: return nil
        case .metric(let q): return q.aggregation
        case .negate(let inner): return inner.leftmostAggregation
        case .binary(_, let lhs, let rhs): return lhs.leftmostAggregation ?? rhs.leftmostAggregation
        }
    }

    /// Every metric query in the expression, left to right.
    public var metricQueries: [MetricQuery] {
        switch self {
        case .number: return []
        case .metric(let q): return [q]
        case .negate(let inner): return inner.metricQueries
        case .binary(_, let lhs, let rhs): return lhs.metricQueries + rhs.metricQueries
        }
    }

    /// `100` rather than `100.0` for whole numbers; Swift's shortest round-trip form otherwise.
    static func format(number x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }
}
