/// How an invocation ended.
public enum InvocationStatus: String, Hashable, Sendable, CaseIterable {
    case ok
    /// A function error: an unhandled exception, an error returned to the runtime, `Status: error`.
    case error
    /// `Task timed out after …`, or `Status: timeout`.
    case timeout
    /// `Runtime.OutOfMemory`, or the runtime was killed at its memory limit.
    case outOfMemory = "out_of_memory"
    /// The runtime exited (`Runtime exited with error`, `Process exited before completing request`).
    case crash
    /// START was seen but never its REPORT (the log ends, or was cut, mid-invocation).
    case incomplete

    /// Failed invocations, as CloudWatch counts `Errors` (timeouts included).
    public var isFailure: Bool { self != .ok && self != .incomplete }

    /// When several signals disagree, the stronger one wins: timeout > out of memory > crash > error > ok.
    var strength: Int {
        switch self {
        case .ok, .incomplete: return 0
        case .error: return 1
        case .crash: return 2
        case .outOfMemory: return 3
        case .timeout: return 4
        }
    }

    /// The stronger of two statuses.
    public func combined(with other: InvocationStatus) -> InvocationStatus {
        other.strength > strength ? other : self
    }
}
