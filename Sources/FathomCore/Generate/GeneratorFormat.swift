/// The output format of `fathom generate`.
public enum GeneratorFormat: String, Sendable, CaseIterable {
    /// Plain lines as the runtimes write them.
    case text
    /// Lambda's JSON log format (`platform.start`, `platform.report`, application objects).
    case json
    /// CloudWatch Logs subscription `DATA_MESSAGE` envelopes, one JSON object per line.
    case cwl
    /// `aws logs tail` output: `<timestamp> <log stream> <message>`.
    case tail
}
