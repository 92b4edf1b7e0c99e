import FathomCore

extension EmbeddedStore: Store {
    /// The database file.
    public var location: String { path }

    /// Nothing to wait for: a commit is queryable when it returns.
    public func flush() throws {}

    /// No spool: commits go straight into the file.
    public func spoolStatus() -> SpoolStatus? { nil }
}
