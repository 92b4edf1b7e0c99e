/// How the daemon finds and reads files. Everything here can change on SIGHUP.
public struct TailOptions: Sendable, Equatable {
    /// Directories (searched recursively) and files to read.
    public var paths: [String]
    /// Only files matching one of these globs (all files when empty).
    public var include: [String] = []
    /// Never files matching one of these globs.
    public var exclude: [String] = []
    /// Pause between read cycles when nothing was read.
    public var pollMillis = 200
    /// How often the directories are walked for new, renamed and deleted files.
    public var scanMillis = 1000
    /// A last line without a newline is read as a line after this long without growth.
    public var partialLineTimeoutMillis = 5000
    /// A file that left the watched paths is read for this long after its last growth (its
    /// writer may still hold it open), then closed.
    public var rotateWaitMillis = 5000
    /// At most this many open descriptors; idle, fully read files are closed first.
    public var maxOpenFiles = 512
    /// At most this many bytes from one file per cycle, so that one busy file does not starve others.
    public var readBudgetBytes = 4 << 20
    /// About this many bytes in one cycle (one commit), shared by the files (at least 256 KiB
    /// each), so that a slow commit does not make the next batch, and memory, grow with it.
    public var cycleBudgetBytes = 16 << 20
    /// A gzip file is read once its size has not changed for this many scans.
    public var gzipStableScans = 2

    public init(paths: [String]) { self.paths = paths }
}
