#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FathomCore

/// One regular file found under a watched path.
struct FoundFile: Sendable {
    var path: String
    var id: FileID
    var size: Int64
    var modified: Int64
}

/// Walks the watched paths (recursively, following no symlinked directories twice) and lists
/// the regular files that pass the include and exclude globs. Hidden files (`.name`) and the
/// store's own SQLite files are never read.
struct FileDiscovery: Sendable {
    var roots: [String]
    var include: [Glob]
    var exclude: [Glob]
    /// At most this many directories deep below a root.
    var maxDepth = 32

    /// Every matching file, sorted by path; `problems` gets roots that cannot be read.
    func scan(problems: inout [String]) -> [FoundFile] {
        var out: [FoundFile] = []
        var seenDirs = Set<FileID>()
        for root in roots {
            var st = stat()
            guard stat(root, &st) == 0 else {
                problems.append("\(root): \(String(cString: strerror(errno)))")
                continue
            }
            if st.st_mode & S_IFMT == S_IFDIR {
                walk(root, depth: 0, seen: &seenDirs, into: &out)
            } else if st.st_mode & S_IFMT == S_IFREG {
                out.append(FoundFile(path: root, id: FileDiscovery.fileID(st), size: Int64(st.st_size),
                                     modified: FileDiscovery.mtimeMillis(st)))
            }
        }
        out.sort { $0.path < $1.path }
        return out
    }

    private func walk(_ dir: String, depth: Int, seen: inout Set<FileID>, into out: inout [FoundFile]) {
        guard depth <= maxDepth, let d = opendir(dir) else { return }
        defer { closedir(d) }
        var st = stat()
        if stat(dir, &st) == 0 {
            let id = FileDiscovery.fileID(st)
            if seen.contains(id) { return }
            seen.insert(id)
        }
        var subdirs: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") || name.hasSuffix(".yaml") || name.hasSuffix(".yml") { continue }  // as expandInputs
            let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            guard stat(path, &st) == 0 else { continue }  // vanished, or a dangling symlink
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                subdirs.append(path)
            case S_IFREG:
                guard wanted(path, name: name) else { continue }
                out.append(FoundFile(path: path, id: FileDiscovery.fileID(st), size: Int64(st.st_size),
                                     modified: FileDiscovery.mtimeMillis(st)))
            default:
                continue
            }
        }
        for sub in subdirs { walk(sub, depth: depth + 1, seen: &seen, into: &out) }
    }

    func wanted(_ path: String, name: String) -> Bool {
        for suffix in [".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal"] where name.hasSuffix(suffix) {
            return false
        }
        if !include.isEmpty && !include.contains(where: { $0.matches(path) }) { return false }
        return !exclude.contains { $0.matches(path) }
    }

    static func fileID(_ st: stat) -> FileID {
        FileID(device: UInt64(truncatingIfNeeded: st.st_dev), inode: UInt64(truncatingIfNeeded: st.st_ino))
    }

    static func mtimeMillis(_ st: stat) -> Int64 {
        Int64(st.st_mtim.tv_sec) * 1000 + Int64(st.st_mtim.tv_nsec) / 1_000_000
    }
}
