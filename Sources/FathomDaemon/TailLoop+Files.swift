#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FathomCore
import FathomIO

/// Discovery and reading: how each rotation case is handled.
///
/// - rename + create: the renamed file keeps its descriptor and cursor (it is found at its new
///   path by device and inode) and is read to its end; the new file is a new source.
/// - copytruncate: the copy has the original's content identity, so it resumes where the
///   original's reading stands (and waits while the original still holds that identity); the
///   original shrinks, which is a truncation.
/// - truncate in place (or rewritten with other first bytes): the cursor is dropped at its last
///   complete line and the file is read again from its start as a new source.
/// - delete, or moved out of the watched paths: read to its end through the open descriptor,
///   then, after `rotateWaitMillis` without growth, its last partial line is read and it is closed.
/// - `x.log.1` compressed into `x.log.1.gz`: the gzip file is read once its size is stable; its
///   decoded first bytes match the checkpoint of `x.log.1`, which is complete, so nothing is
///   read twice.
/// - appended while the daemon was down: the checkpoint (content fingerprint, confirmed by device
///   and inode while the fingerprint is short) gives the offset to go on from.
extension TailLoop {
    func scan(now: Int64) {
        var problems: [String] = []
        let found = discovery.scan(problems: &problems)
        var present = Set<FileID>()
        // New files oldest first: after a rotation while the daemon was down, the rotated file
        // (older) is read before the file that replaced it.
        // Timestamps can tie (coarse clocks): then a rotated name (`x.log.2`, `x.log.1`) goes before
        // the name it was rotated from.
        let ordered = found.sorted {
            ($0.modified, Self.rotationRank($0.path), $0.path) < ($1.modified, Self.rotationRank($1.path), $1.path)
        }
        for f in ordered {
            present.insert(f.id)
            if var t = files[f.id] {
                if t.path != f.path {
                    events["renamed", default: 0] += 1
                    t.path = f.path
                }
                if t.gone { t.gone = false }
                if t.isGzip {
                    if f.size == t.size && f.modified == t.modified { t.stableScans += 1 } else { t.stableScans = 0 }
                    t.size = f.size
                    t.modified = f.modified
                }
                files[f.id] = t
                continue
            }
            let gzip = f.path.hasSuffix(".gz")
            var t = TrackedFile(id: f.id, path: f.path, fd: -1, isGzip: gzip, seq: nextSeq, now: now)
            nextSeq += 1
            t.size = f.size
            t.modified = f.modified
            if !gzip { t.fd = openTracked(f.path, id: f.id) }
            files[f.id] = t
            events["discovered", default: 0] += 1
        }
        for (id, var t) in files where !present.contains(id) && !t.gone {
            t.gone = true
            files[id] = t
            events["left_watch", default: 0] += 1
        }
        scanned = true
        status.withLock { $0.problems = problems }
    }

    /// Sorts rotated files before the live one, older rotations first: `x.log.2` (-2) before
    /// `x.log.1` (-1) before `x.log-20261121` (0) before `x.log` (1).
    static func rotationRank(_ path: String) -> Int {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var stem = Substring(name)
        if stem.hasSuffix(".gz") { stem = stem.dropLast(3) }
        if let dot = stem.lastIndex(of: "."), let n = Int(stem[stem.index(after: dot)...]), n >= 0, n < 1000 {
            return -n
        }
        return rotationBase(name) == name ? 1 : 0
    }

    /// Opens `path` if it is still the file `id`, within the open-file cap; -1 otherwise.
    func openTracked(_ path: String, id: FileID) -> Int32 {
        if openCount() >= options.maxOpenFiles && !closeIdleFile() {
            caps["open_files", default: 0] += 1
            return -1
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            events["vanished", default: 0] += 1
            return -1
        }
        var st = stat()
        guard fstat(fd, &st) == 0, FileDiscovery.fileID(st) == id else {
            close(fd)
            return -1
        }
        return fd
    }

    func openCount() -> Int { files.values.reduce(0) { $0 + ($1.fd >= 0 ? 1 : 0) } }

    /// Closes the descriptor of the file idle longest that has nothing unread; false if none.
    func closeIdleFile() -> Bool {
        let idle = files.values.filter { t in
            t.fd >= 0 && !t.gone && t.readOffset >= t.size && !(t.cursor?.hasPartialLine ?? false)
        }.min { $0.lastGrowth < $1.lastGrowth }
        guard let victim = idle else { return false }
        close(victim.fd)
        files[victim.id]!.fd = -1
        events["closed_idle", default: 0] += 1
        return true
    }

    /// Reads what file `id` gained; returns the bytes read.
    func service(_ id: FileID, now: Int64) -> Int {
        guard var t = files[id] else { return 0 }
        if t.done { return 0 }
        if t.isGzip {
            let n = serviceGzip(&t, now: now)
            files[id] = t
            return n
        }
        if t.fd < 0 {
            if t.gone {
                finish(&t)
                return 0
            }
            var st = stat()
            guard stat(t.path, &st) == 0, FileDiscovery.fileID(st) == id, Int64(st.st_size) != t.readOffset else { return 0 }
            t.fd = openTracked(t.path, id: id)
            if t.fd < 0 {
                files[id] = t
                return 0
            }
        }
        var st = stat()
        guard fstat(t.fd, &st) == 0 else { return 0 }
        let size = Int64(st.st_size)
        let modified = FileDiscovery.mtimeMillis(st)
        if size < t.readOffset || (size != t.size && t.cursor != nil && !sameIdentity(t)) {
            truncated(&t)
        }
        t.size = size
        t.modified = modified
        var n = 0
        if t.cursor == nil, let cut = t.truncatedIdentity {
            if copyPending(of: cut, except: t.id, since: t.truncatedAt, now: now) {
                files[id] = t
                return 0
            }
            t.truncatedIdentity = nil
        }
        if size > t.readOffset {
            if let c = t.cursor {
                ingestor.resume(c)
            } else if !beginSource(&t, size: size) {
                files[id] = t
                return 0
            }
            n = readPlain(&t, size: size)
            growIdentity(&t, size: size)
            suspend(&t)
            if n > 0 {
                t.lastGrowth = now
                readMtimes.append(modified)
            }
        } else if let c = t.cursor, c.hasPartialLine, now - t.lastGrowth >= Int64(options.partialLineTimeoutMillis) {
            ingestor.resume(c)
            ingestor.flushPartialLine()
            suspend(&t)
        }
        if t.gone && t.readOffset >= size && now - t.lastGrowth >= Int64(options.rotateWaitMillis) {
            finish(&t)
            return n
        }
        files[id] = t
        return n
    }

    /// Starts reading a file: identifies it by its first bytes and resumes from its checkpoint.
    /// False when it must wait (another file holds its identity: a copy being made).
    func beginSource(_ t: inout TrackedFile, size: Int64) -> Bool {
        let plen = Int(Swift.min(Int64(SourceCheckpoint.maxFingerprintLength), size))
        guard let prefix = preadAll(t.fd, count: plen, at: 0), prefix.count == plen else { return false }
        let identity = FingerprintPrefix(of: prefix)
        if heldByAnother(identity, t: &t) { return false }
        let known = lookup(prefix, file: t.id)
        var info = SourceInfo.from(path: known?.path ?? t.path)
        info.file = t.id
        if let k = known, k.offset <= size {
            ingestor.begin(info, fingerprint: (k.fingerprint, k.fingerprintLength), resume: (k.offset, k.lines),
                           positioned: true)
            t.readOffset = k.offset
            t.identityLength = k.fingerprintLength
            events["resumed", default: 0] += 1
        } else {
            if known != nil { events["checkpoint_beyond_eof", default: 0] += 1 }
            ingestor.begin(info, fingerprint: (identity.value, identity.length))
            t.readOffset = 0
            t.identityLength = plen
            events["opened", default: 0] += 1
        }
        return true
    }

    /// Whether a copy of content `identity` may still be unread: one being read, one waiting to
    /// start, or (for two walks after the cut) one not discovered yet.
    func copyPending(of identity: FingerprintPrefix, except: FileID, since: Int64, now: Int64) -> Bool {
        if now - since < 2 * Int64(options.scanMillis) { return true }
        return files.values.contains { f in
            guard f.id != except, !f.done else { return false }
            if f.cursor?.identity == identity { return f.readOffset < f.size || (f.cursor?.hasPartialLine ?? false) }
            guard f.cursor == nil else { return false }
            if f.waiting { return true }
            // Not begun yet: a copy if it begins with the cut content.
            guard f.fd >= 0, f.size >= Int64(identity.length),
                  let head = preadAll(f.fd, count: identity.length, at: 0) else { return false }
            return FingerprintPrefix(of: head) == identity
        }
    }

    /// Whether another live file's cursor holds `identity` (this file is a copy of it, or its
    /// compressed rotation): it waits until that one is truncated, rotated away or finished.
    func heldByAnother(_ identity: FingerprintPrefix, t: inout TrackedFile) -> Bool {
        guard let o = owner[identity], o != t.id, let other = files[o], !other.done,
              other.cursor?.identity == identity else {
            t.waiting = false
            return false
        }
        if !t.waiting { events["copy_waiting", default: 0] += 1 }
        t.waiting = true
        return true
    }

    /// The newest checkpoint of the source that begins with `prefix`: this process's own reading
    /// first (it may not be committed yet), then the store.
    func lookup(_ prefix: [UInt8], file: FileID) -> SourceCheckpoint? {
        let lengths = Set(latest.keys.map(\.length)).filter { $0 <= prefix.count }.sorted(by: >)
        for length in lengths {
            let id = FingerprintPrefix(of: prefix[0..<length])
            guard let c = latest[id] else { continue }
            if acceptable(c, file: file) { return c }
        }
        do {
            guard let c = try store.checkpoint(forPrefix: prefix) else { return nil }
            return acceptable(c, file: file) ? c : nil
        } catch {
            status.withLock { $0.problems.append("checkpoint lookup: \(error)") }
            return nil
        }
    }

    /// Whether checkpoint `c` (whose fingerprint matched) may be resumed by `file`. A fingerprint
    /// of 1 KiB or more, or the same file, suffices. A shorter one from another file (a copy or
    /// compressed rotation of a small file) only when every byte up to the checkpoint is covered
    /// by the fingerprint (so what is skipped is proven identical) and the original no longer
    /// begins with those bytes (it was truncated, rotated into this copy, or deleted) — two live
    /// young files that begin alike (an `INIT_START` line) are different sources.
    func acceptable(_ c: SourceCheckpoint, file: FileID) -> Bool {
        if c.fingerprintLength >= SourceCheckpoint.strongFingerprintLength { return true }
        // Even for the same inode (inodes are reused), skip only bytes the fingerprint covers.
        guard c.offset <= Int64(c.fingerprintLength) else { return false }
        guard let original = c.file, original != file else { return true }
        if let f = files[original], !f.done, f.fd >= 0,
           let head = preadAll(f.fd, count: c.fingerprintLength, at: 0), head.count == c.fingerprintLength,
           FingerprintPrefix(of: head) == FingerprintPrefix(value: c.fingerprint, length: c.fingerprintLength) {
            return false
        }
        return true
    }

    func readPlain(_ t: inout TrackedFile, size: Int64) -> Int {
        var total = 0
        while t.readOffset < size && total < share {
            let want = Int(Swift.min(Int64(1 << 20), size - t.readOffset))
            guard let chunk = preadAll(t.fd, count: want, at: t.readOffset), !chunk.isEmpty else { break }
            ingestor.feed(chunk)
            t.readOffset += Int64(chunk.count)
            total += chunk.count
        }
        return total
    }

    /// A file shorter than 4 KiB when first read is identified by more of its bytes as it grows.
    func growIdentity(_ t: inout TrackedFile, size: Int64) {
        guard t.identityLength < SourceCheckpoint.maxFingerprintLength, size > Int64(t.identityLength),
              let old = ingestor.currentIdentity else { return }
        let plen = Int(Swift.min(Int64(SourceCheckpoint.maxFingerprintLength), size))
        guard let prefix = preadAll(t.fd, count: plen, at: 0), prefix.count == plen,
              FingerprintPrefix(of: prefix[0..<old.length]) == old else { return }
        let grown = FingerprintPrefix(of: prefix)
        ingestor.reidentify(grown)
        // The shorter identity is superseded (as the store drops its row): it must not match a
        // later file that merely begins the same way.
        owner[old] = nil
        latest[old] = nil
        t.identityLength = plen
    }

    /// Whether the file still begins with the bytes its cursor was identified by.
    func sameIdentity(_ t: TrackedFile) -> Bool {
        guard let id = t.cursor?.identity else { return true }
        guard let prefix = preadAll(t.fd, count: id.length, at: 0), prefix.count == id.length else { return false }
        return FingerprintPrefix(of: prefix) == id
    }

    /// Takes the cursor back, noting where the identity's reading stands.
    func suspend(_ t: inout TrackedFile) {
        let c = ingestor.suspend()
        t.cursor = c
        if let id = c.identity { owner[id] = t.id }
        remember(c, file: t.id, ended: false)
    }

    /// Notes where the reading of `c`'s identity stands (what its checkpoint says): at its last
    /// complete line, or, once the source `ended`, after its last partial line too.
    func remember(_ c: SourceCursor, file: FileID, ended: Bool) {
        guard let id = c.identity else { return }
        latest[id] = SourceCheckpoint(
            fingerprint: id.value, fingerprintLength: id.length, path: c.name, offset: ended ? c.seen : c.consumed,
            lines: c.lines + (ended && c.hasPartialLine ? 1 : 0), file: file)
    }

    /// The file shrank or its first bytes changed: what was read stays (up to its last complete
    /// line), and the file is read again from its start as a new source — once a copy of the
    /// old content (copytruncate) has been read, so that the stream stays in order.
    func truncated(_ t: inout TrackedFile) {
        if let c = t.cursor {
            ingestor.resume(c)
            suspend(&t)
            if let id = c.identity {
                owner[id] = nil
                t.truncatedIdentity = id
                t.truncatedAt = clock()
            }
        }
        t.cursor = nil
        t.readOffset = 0
        t.identityLength = 0
        events["truncated", default: 0] += 1
    }

    /// A file that is gone for good: its last partial line is read, it is closed and forgotten.
    func finish(_ t: inout TrackedFile) {
        if let c = t.cursor {
            ingestor.resume(c)
            ingestor.end()
            remember(c, file: t.id, ended: true)
            if let id = c.identity { owner[id] = nil }
            let shared = files.values.contains { $0.id != t.id && $0.cursor?.name == c.name }
            if !shared { ingestor.forgetStreams(ofSource: c.name) }
        }
        if t.fd >= 0 { close(t.fd) }
        files[t.id] = nil
        events["closed_gone", default: 0] += 1
    }

    /// Reads a gzip file once, whole (over several cycles when it is large), once it is stable.
    func serviceGzip(_ t: inout TrackedFile, now: Int64) -> Int {
        if t.gone && gzipSources[t.id] == nil {
            files[t.id] = nil
            return 0
        }
        var total = 0
        if gzipSources[t.id] == nil {
            guard t.stableScans >= options.gzipStableScans else { return 0 }
            let source: any ByteSource
            do {
                source = try openInput(path: t.path).source
            } catch {
                events["vanished", default: 0] += 1
                t.done = true
                return 0
            }
            var src = source
            var prefix: [UInt8] = []
            var failure: (any Error)? = nil
            do {
                while prefix.count < SourceCheckpoint.maxFingerprintLength {
                    if try src.read(into: &prefix, max: SourceCheckpoint.maxFingerprintLength - prefix.count) == 0 { break }
                }
            } catch { failure = error }
            let identity = FingerprintPrefix(of: prefix)
            if failure == nil && heldByAnother(identity, t: &t) { return 0 }
            let known = prefix.isEmpty ? nil : lookup(prefix, file: t.id)
            var info = SourceInfo.from(path: known?.path ?? t.path)
            info.file = t.id
            ingestor.begin(info, fingerprint: known.map { ($0.fingerprint, $0.fingerprintLength) } ?? (identity.value, identity.length),
                           resume: known.map { ($0.offset, $0.lines) })
            ingestor.feed(prefix)
            total += prefix.count
            if let failure {
                endGzip(&t, failure: failure)
                return total
            }
            gzipSources[t.id] = src
            events[known == nil ? "gzip_opened" : "gzip_resumed", default: 0] += 1
        } else {
            ingestor.resume(t.cursor!)
        }
        var src = gzipSources[t.id]!
        while total < share {
            buffer.removeAll(keepingCapacity: true)
            do {
                if try src.read(into: &buffer, max: 1 << 20) == 0 {
                    gzipSources[t.id] = nil
                    endGzip(&t, failure: nil)
                    return total
                }
            } catch {
                gzipSources[t.id] = nil
                endGzip(&t, failure: error)
                return total
            }
            ingestor.feed(buffer)
            total += buffer.count
        }
        gzipSources[t.id] = src
        suspend(&t)
        t.lastGrowth = now
        return total
    }

    func endGzip(_ t: inout TrackedFile, failure: (any Error)?) {
        if let e = failure as? InputError {
            switch e.kind {
            case .truncatedGzip, .corruptGzip, .corruptDeflate: ingestor.sourceFailed(.truncatedInput, detail: e.message)
            default: ingestor.sourceFailed(.unreadable, detail: e.message)
            }
        } else if let failure {
            ingestor.sourceFailed(.unreadable, detail: "\(failure)")
        }
        let c = ingestor.suspend()
        ingestor.resume(c)
        ingestor.end()
        remember(c, file: t.id, ended: true)
        t.cursor = nil
        t.done = true
        events["gzip_read", default: 0] += 1
    }

    /// `count` bytes at `offset` (fewer at the end of the file); nil on a read error.
    func preadAll(_ fd: Int32, count: Int, at offset: Int64) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + got, count - got, off_t(offset) + off_t(got))
            }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            got += n
        }
        out.removeLast(count - got)
        return out
    }
}
