/// The simulated functions and custom metrics: the same table as genlogs.
enum GenCatalog {
    /// One simulated Lambda function.
    struct Function {
        var name: String
        /// `true` for Node.js (`<time>\t<id>\t<LEVEL>\t<msg>`), `false` for Python
        /// (`[<LEVEL>]\t<time>\t<id>\t<msg>`).
        var isNode: Bool
        var memoryMB: Int
        var medianMs: Double
        var timeoutSeconds: Int
    }

    static let functions: [Function] = [
        Function(name: "checkout", isNode: true, memoryMB: 512, medianMs: 120, timeoutSeconds: 6),
        Function(name: "user-api", isNode: true, memoryMB: 256, medianMs: 45, timeoutSeconds: 3),
        Function(name: "thumbnailer", isNode: false, memoryMB: 1024, medianMs: 380, timeoutSeconds: 15),
        Function(name: "search-indexer", isNode: false, memoryMB: 256, medianMs: 210, timeoutSeconds: 10),
        Function(name: "payments", isNode: true, memoryMB: 1024, medianMs: 160, timeoutSeconds: 6),
        Function(name: "notify", isNode: false, memoryMB: 128, medianMs: 30, timeoutSeconds: 3),
        Function(name: "orders-stream", isNode: true, memoryMB: 256, medianMs: 75, timeoutSeconds: 5),
        Function(name: "reports", isNode: false, memoryMB: 2048, medianMs: 900, timeoutSeconds: 30),
    ]

    /// One custom metric printed in `MONITORING|` lines.
    struct Metric {
        var name: String
        /// The type token printed: `latency`, `count`, `gauge` or `histogram`.
        var type: String
        /// Lognormal (mu, sigma) of the value, rounded to hundredths; nil for count-like values
        /// (a whole number 1…5).
        var distribution: (mu: Double, sigma: Double)?
        /// One of these tags is attached to each point; empty for none.
        var tagChoices: [String]
    }

    static let metrics: [Metric] = [
        Metric(name: "user-api-latency", type: "latency", distribution: (3.3, 0.5), tagChoices: []),
        Metric(name: "yubls-served", type: "count", distribution: nil, tagChoices: []),
        Metric(name: "queue-depth", type: "gauge", distribution: (2.0, 0.8), tagChoices: []),
        Metric(name: "payload-bytes", type: "histogram", distribution: (7.5, 1.0), tagChoices: ["env:prod", "env:staging"]),
        Metric(name: "db-query-ms", type: "histogram", distribution: (2.5, 0.7), tagChoices: ["table:orders", "table:users"]),
        Metric(name: "cache-hit", type: "count", distribution: nil, tagChoices: ["cache:redis", "cache:local"]),
    ]

    /// AWS Lambda x86 prices used for `cost_usd`.
    static let pricePerGBSecond = 0.0000166667
    static let pricePerRequest = 0.0000002
}
