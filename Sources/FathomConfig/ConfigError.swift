/// A mistake in a configuration file (alert rules, dashboards), with the place it is at.
///
/// Printed as `FILE:LINE:COLUMN: MESSAGE`, the shape editors and compilers use, so a terminal or an
/// editor can jump to it. Lines and columns count from 1; column counts Unicode scalars.
public struct ConfigError: Error, Sendable, Equatable, Comparable, CustomStringConvertible {
    /// The file as the user named it.
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`.
    public var description: String { "\(file):\(line):\(column): \(message)" }

    /// File, then line, then column order.
    public static func < (a: ConfigError, b: ConfigError) -> Bool {
        (a.file, a.line, a.column, a.message) < (b.file, b.line, b.column, b.message)
    }
}

/// Every mistake found in one or more files, sorted by place.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) { self.errors = errors.sorted() }

    /// One line per mistake.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
