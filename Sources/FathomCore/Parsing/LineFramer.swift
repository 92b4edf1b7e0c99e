/// Splits a byte stream that arrives in chunks of any size into lines, exactly as if it had
/// arrived all at once.
///
/// A line ends at LF, CRLF or a lone CR (Node's stdout mode and old tools write CR). A line that
/// does not end before `maxLineBytes` is cut: its first bytes are reported once with `overlong`
/// set and the rest is skipped up to the next line end, so one 50 MB line costs at most
/// `maxLineBytes` of memory. The scan offset is remembered, so a long line arriving in small
/// pieces is not rescanned (no quadratic time).
public struct LineFramer: Sendable {
    /// What the framer hands out for each line.
    public struct Line: Sendable {
        /// 1-based line number within the source.
        public var number: Int
        /// Byte offset of the line's first byte within the source.
        public var offset: Int64
        /// The line was longer than the cap: `range` holds its first bytes only.
        public var overlong: Bool
        /// The full length of an overlong line (only known when it ended), else the range's length.
        public var length: Int64
    }

    public let maxLineBytes: Int
    private var carry: [UInt8] = []
    private var skipping = false
    private var skippedLength: Int64 = 0
    private var pendingCR = false
    /// Lines handed out so far, and bytes consumed up to the end of the last complete line.
    public private(set) var lines = 0
    public private(set) var consumed: Int64 = 0
    /// Bytes seen in total (including a partial last line).
    public private(set) var seen: Int64 = 0

    public init(maxLineBytes: Int = 8 << 20, startLine: Int = 0, startOffset: Int64 = 0) {
        self.maxLineBytes = max(16, maxLineBytes)
        self.lines = startLine
        self.consumed = startOffset
        self.seen = startOffset
    }

    /// Whether a partial line is waiting for its end.
    public var hasPartialLine: Bool { !carry.isEmpty || skipping }

    /// Feeds `chunk`; `body` gets each complete line (view, range of the line without its
    /// terminator, and where it was).
    public mutating func feed(_ chunk: [UInt8], _ body: (ByteView, Range<Int>, Line) -> Void) {
        withByteView(chunk) { v in feed(v, body) }
    }

    /// Feeds the bytes of `v`.
    public mutating func feed(_ v: ByteView, _ body: (ByteView, Range<Int>, Line) -> Void) {
        var i = 0
        let n = v.count
        seen += Int64(n)
        // An empty chunk says nothing about whether an LF follows a CR that ended the last one.
        if pendingCR && n > 0 {
            pendingCR = false
            if v[0] == 10 {
                i = 1
                consumed += 1
            }
        }
        // The next LF at or after i, kept across lines so that many CRs before one LF (Node's
        // stdout mode) do not rescan the same bytes for each line.
        var lf: Int? = nil
        var lfSearched = false
        while i < n {
            // Find the next LF or CR from i.
            if !lfSearched || (lf != nil && lf! < i) {
                lf = v.firstIndex(of: 10, from: i)
                lfSearched = true
            }
            let crLimit = lf ?? n
            let cr = v.firstIndex(of: 13, from: i, end: crLimit)
            guard let end = cr ?? lf else {
                // No terminator in the rest of the chunk: carry it.
                stash(v, i..<n)
                return
            }
            var next = end + 1
            var terminator = 1
            if v[end] == 13 {
                if end + 1 < n {
                    if v[end + 1] == 10 {
                        next = end + 2
                        terminator = 2
                    }
                } else {
                    pendingCR = true
                }
            }
            emit(v, i..<end, terminator: terminator, body)
            i = next
        }
    }

    /// Hands out a last line that had no terminator (end of input).
    public mutating func finish(_ body: (ByteView, Range<Int>, Line) -> Void) {
        pendingCR = false
        guard hasPartialLine else { return }
        let empty: [UInt8] = []
        withByteView(empty) { v in emit(v, 0..<0, terminator: 0, body) }
    }

    private mutating func stash(_ v: ByteView, _ range: Range<Int>) {
        if skipping {
            skippedLength += Int64(range.count)
            return
        }
        let room = maxLineBytes - carry.count
        if range.count <= room {
            v.append(range, to: &carry)
        } else {
            v.append(range.lowerBound..<(range.lowerBound + room), to: &carry)
            skipping = true
            skippedLength = Int64(range.count - room)
        }
    }

    private mutating func emit(_ v: ByteView, _ range: Range<Int>, terminator: Int, _ body: (ByteView, Range<Int>, Line) -> Void) {
        lines += 1
        if carry.isEmpty && !skipping {
            if range.count <= maxLineBytes {
                body(v, range, Line(number: lines, offset: consumed, overlong: false, length: Int64(range.count)))
            } else {
                let cut = range.lowerBound..<(range.lowerBound + maxLineBytes)
                body(v, cut, Line(number: lines, offset: consumed, overlong: true, length: Int64(range.count)))
            }
            consumed += Int64(range.count + terminator)
            return
        }
        // The line began in an earlier chunk.
        if skipping {
            skippedLength += Int64(range.count)
        } else {
            let room = maxLineBytes - carry.count
            if range.count <= room {
                v.append(range, to: &carry)
            } else {
                v.append(range.lowerBound..<(range.lowerBound + room), to: &carry)
                skipping = true
                skippedLength = Int64(range.count - room)
            }
        }
        let length = Int64(carry.count) + skippedLength
        let line = Line(number: lines, offset: consumed, overlong: skipping, length: length)
        withByteView(carry) { cv in body(cv, 0..<cv.count, line) }
        consumed += length + Int64(terminator)
        carry.removeAll(keepingCapacity: carry.capacity <= 1 << 20)
        skipping = false
        skippedLength = 0
    }
}
