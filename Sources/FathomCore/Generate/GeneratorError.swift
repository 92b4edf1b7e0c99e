/// A configuration the generator refuses, with a message that names the option.
public struct GeneratorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the command-line option (`--functions must be 1...8, got 9`).
    public var message: String
    /// An error with `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
