import FathomCore

/// A file the daemon reads: where it is now, how far it has been read, and the ingestor's cursor
/// in it. Identified by device and inode while it is open (a rename keeps it), and by content
/// fingerprint across restarts.
struct TrackedFile {
    let id: FileID
    /// Where discovery last saw it (a renamed file keeps its cursor and its source name).
    var path: String
    /// The open descriptor, or -1 when it was closed to stay under the open-file cap.
    var fd: Int32
    let isGzip: Bool
    /// Discovery order (files found in one walk are ordered oldest modification first): files
    /// are read in this order, so a rotated file's tail comes before its successor's start.
    let seq: Int
    /// After a truncation: the identity of the content that was cut, and since when. The new
    /// content waits while a copy of the old one (copytruncate) may still be unread.
    var truncatedIdentity: FingerprintPrefix?
    var truncatedAt: Int64 = 0
    /// The ingestor's place in it; nil until its first bytes have been identified.
    var cursor: SourceCursor?
    /// The next byte of the file to read (for gzip files: whether it was read at all).
    var readOffset: Int64 = 0
    /// How many leading bytes its identity covers (grows until 4 KiB).
    var identityLength = 0
    /// Size and modification time at the last look, and when it last grew (ms).
    var size: Int64 = 0
    var modified: Int64 = 0
    var lastGrowth: Int64
    /// Discovery no longer finds it under any watched path (deleted, or moved out).
    var gone = false
    /// A gzip file that was read whole, or a file that ended: nothing more to do.
    var done = false
    /// Scans in a row a gzip file has kept the same size (read once it stopped changing).
    var stableScans = 0
    /// It waits because another file holds its content identity (counted once per wait).
    var waiting = false

    init(id: FileID, path: String, fd: Int32, isGzip: Bool, seq: Int, now: Int64) {
        self.id = id
        self.seq = seq
        self.path = path
        self.fd = fd
        self.isGzip = isGzip
        self.lastGrowth = now
    }
}
