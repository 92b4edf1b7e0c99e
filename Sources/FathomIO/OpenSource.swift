/// Opens `path` ("-" is standard input) and decodes gzip when the content starts with the gzip
/// magic bytes 1f 8b — whatever the name says: a `.gz` name holding plain text is read as plain.
/// Throws `InputError` when the path cannot be opened.
public func openSource(path: String) throws -> any ByteSource {
    try openInput(path: path).source
}

/// `openSource(path:)`, also telling whether the content was gzip.
public func openInput(path: String) throws -> (source: any ByteSource, isGzip: Bool) {
    if path == "-" {
        return try detectCompression(StandardInputSource(), path: StandardInputSource.displayName)
    }
    return try detectCompression(FileSource(path: path), path: path)
}

/// Peeks at the first bytes of `base` and wraps it in a `GzipSource` when they are the gzip magic
/// (1f 8b); the peeked bytes are replayed either way. `path` names the input in messages.
public func detectCompression<Base: ByteSource>(_ base: Base, path: String) throws -> (source: any ByteSource, isGzip: Bool) {
    var base = base
    var prefix: [UInt8] = []
    // A pipe may deliver a single byte first: read until two bytes or the end.
    while prefix.count < 2 {
        if try base.read(into: &prefix, max: 64 << 10) == 0 { break }
    }
    let replay = ReplaySource(prefix: prefix, base: base)
    if prefix.count >= 2 && prefix[0] == 0x1f && prefix[1] == 0x8b {
        return (GzipSource(base: replay, path: path), true)
    }
    return (replay, false)
}
