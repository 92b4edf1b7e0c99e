import CZlib

/// A `z_stream` at a fixed heap address: zlib keeps a pointer back to the stream in its state and
/// refuses a stream that has moved, so the struct must never live in a Swift variable.
enum ZStream {
    /// A zeroed stream (default allocators); release with `free` after `inflateEnd`/`deflateEnd`.
    static func allocate() -> UnsafeMutablePointer<z_stream> {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        return stream
    }

    static func free(_ stream: UnsafeMutablePointer<z_stream>) {
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// `inflateInit2` (a macro in zlib.h); windowBits 15 + 32 auto-detects gzip and zlib headers.
    static func inflateInit(_ stream: UnsafeMutablePointer<z_stream>, windowBits: Int32) -> Int32 {
        inflateInit2_(stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    }

    /// `deflateInit2` (a macro in zlib.h); windowBits 31 writes gzip, 15 zlib.
    static func deflateInit(_ stream: UnsafeMutablePointer<z_stream>, level: Int32, windowBits: Int32) -> Int32 {
        deflateInit2_(
            stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
            zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    }

    /// zlib's message for the last error, or a description of `code`.
    static func message(_ stream: UnsafeMutablePointer<z_stream>, code: Int32) -> String {
        if let text = stream.pointee.msg { return String(cString: text) }
        return describe(code)
    }

    static func describe(_ code: Int32) -> String {
        switch code {
        case Z_DATA_ERROR: "invalid data"
        case Z_MEM_ERROR: "out of memory"
        case Z_BUF_ERROR: "unexpected end of data"
        case Z_NEED_DICT: "needs a preset dictionary"
        case Z_STREAM_ERROR: "invalid stream state"
        case Z_VERSION_ERROR: "zlib version mismatch"
        default: "zlib error \(code)"
        }
    }
}
