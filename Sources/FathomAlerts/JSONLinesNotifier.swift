#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FathomCore

/// Appends one JSON object per alert change to a file (`AlertPayload.jsonLine`), creating the file
/// (mode 0644) when it is missing. The file is opened for each batch, so it may be rotated away.
public struct JSONLinesNotifier: Notifier {
    public var name: String { "file \(path)" }
    public let mode = DeliveryMode.changes
    /// The file appended to.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func send(_ alerts: [AlertNotification], now: Int64) async throws {
        guard !alerts.isEmpty else { return }
        var bytes: [UInt8] = []
        for alert in alerts {
            bytes += AlertPayload.jsonLine(alert, sentAt: now)
            bytes.append(0x0A)
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw NotifierError(notifier: name, message: "cannot open: \(errnoText())") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw NotifierError(notifier: name, message: "cannot write: \(errnoText())")
            }
            written += n
        }
    }
}

/// The text of the current `errno`.
func errnoText() -> String { String(cString: strerror(errno)) }
