/// A configuration the generator refuses, with a message that names the option.
public struct GeneratorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
