#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns command-line paths into the files to read.
///
/// - Arguments keep their order; "-" (standard input) passes through.
/// - A file given explicitly is taken whatever its kind (a FIFO from `<(zcat x.gz)` works) and
///   even when its name starts with '.'.
/// - A directory is walked recursively; its files come sorted by path (byte order). Entries whose
///   names start with '.' are skipped, symlinks to files are taken, symlinks to directories are
///   not followed (no cycles), and sockets, FIFOs and devices inside directories are skipped.
///   Fathom's own configuration files found in a directory (`*.yaml`, `*.yml`: alert rules and
///   dashboards kept beside the logs, as in `samples/`) are not logs and are skipped too; name
///   one explicitly to read it anyway.
///
/// Throws the first `InputError` (missing or unreadable path); see
/// `expandInputsCollectingErrors(_:)` to report errors and go on.
public func expandInputs(_ paths: [String]) throws -> [InputFile] {
    let result = expandInputsCollectingErrors(paths)
    if let first = result.errors.first { throw first }
    return result.files
}

/// `expandInputs(_:)` that goes on past errors: the files found and, in order, the paths that
/// could not be read (missing paths, unreadable directories).
public func expandInputsCollectingErrors(_ paths: [String]) -> (files: [InputFile], errors: [InputError]) {
    var files: [InputFile] = []
    var errors: [InputError] = []
    for path in paths {
        if path == "-" {
            files.append(InputFile(path: "-", size: nil))
            continue
        }
        guard let st = Posix.status(path) else {
            errors.append(.posix(path: path, errno: Posix.lastError, action: "stat"))
            continue
        }
        switch Posix.kind(st.st_mode) {
        case .directory:
            var found: [InputFile] = []
            walk(directory: path, into: &found, errors: &errors)
            found.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            files.append(contentsOf: found)
        case .regular:
            files.append(InputFile(path: path, size: Int64(st.st_size)))
        default:
            files.append(InputFile(path: path, size: nil))
        }
    }
    return (files, errors)
}

/// Adds the files under `directory` (unsorted) to `files`.
private func walk(directory: String, into files: inout [InputFile], errors: inout [InputError]) {
    guard let dir = opendir(directory) else {
        errors.append(.posix(path: directory, errno: Posix.lastError, action: "open directory"))
        return
    }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
            tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                String(cString: $0)
            }
        }
        if name.hasPrefix(".") || isConfigurationFile(name) { continue }
        names.append(name)
    }
    closedir(dir)
    let prefix = directory.hasSuffix("/") ? directory : directory + "/"
    for name in names {
        let child = prefix + name
        guard let st = Posix.status(child, followLinks: false) else { continue }  // vanished meanwhile
        switch Posix.kind(st.st_mode) {
        case .directory:
            walk(directory: child, into: &files, errors: &errors)
        case .regular:
            files.append(InputFile(path: child, size: Int64(st.st_size)))
        case .symlink:
            // Follow links to files only; dangling links and links to directories are skipped.
            if let target = Posix.status(child), Posix.kind(target.st_mode) == .regular {
                files.append(InputFile(path: child, size: Int64(target.st_size)))
            }
        case .other:
            continue
        }
    }
}

/// Whether a file found in a directory walk is a YAML configuration file rather than a log.
func isConfigurationFile(_ name: String) -> Bool {
    name.hasSuffix(".yaml") || name.hasSuffix(".yml")
}
