/// The decoded `key=value` pairs of a URL query string, as Go's `url.ParseQuery` reads them:
/// pairs split on `&`, `+` means a space, `%XX` escapes are decoded in keys and values, and a
/// key given twice keeps its first value.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    /// The value of `key`, or nil when absent.
    subscript(_ key: String) -> String? { values[key] }

    /// Every pair.
    var all: [String: String] { values }

    /// Parses `query` (the raw text after `?`, nil or empty for none); fails with a message on
    /// a bad `%` escape or bytes that are not UTF-8.
    static func parse(_ query: String?) -> Result<QueryParameters, QueryStringError> {
        var result = QueryParameters()
        guard let query, !query.isEmpty else { return .success(result) }
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let rawKey = pair[..<(equals ?? pair.endIndex)]
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? pair[pair.endIndex...]
            guard let key = decode(rawKey) else {
                return .failure(QueryStringError(message: "query parameter name '\(String(decoding: rawKey, as: UTF8.self))' is not validly percent-encoded UTF-8"))
            }
            guard let value = decode(rawValue) else {
                return .failure(QueryStringError(message: "query parameter '\(key)' is not validly percent-encoded UTF-8"))
            }
            if result.values[key] == nil { result.values[key] = value }
        }
        return .success(result)
    }

    /// `bytes` with `+` as space and `%XX` decoded; nil for a bad escape or invalid UTF-8.
    private static func decode(_ bytes: Substring.UTF8View) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                let h = bytes.index(after: i)
                guard h < bytes.endIndex, bytes.index(after: h) < bytes.endIndex,
                      let hi = hexValue(bytes[h]), let lo = hexValue(bytes[bytes.index(after: h)])
                else { return nil }
                out.append(hi << 4 | lo)
                i = bytes.index(h, offsetBy: 2)
                continue
            }
            out.append(b == UInt8(ascii: "+") ? 0x20 : b)
            i = bytes.index(after: i)
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A query string that could not be decoded.
struct QueryStringError: Error, Sendable {
    let message: String
}
