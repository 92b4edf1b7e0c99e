import Foundation
import Testing
@testable import FathomIO

@Suite struct OpenSourceTests {
    @Test func gzipDetectedByContentNotName() throws {
        try withTempDir { dir in
            let original = sampleLog(bytes: 300_000)
            let path = try dir.write("app.log", gzipCompress(original))
            var (source, isGzip) = try openInput(path: path)
            #expect(isGzip)
            let (bytes, error) = drain(&source, max: 1 << 20)
            #expect(error == nil)
            #expect(mismatch(bytes, original) == nil)
        }
    }

    @Test func gzNameWithPlainContentIsReadAsPlain() throws {
        try withTempDir { dir in
            let original = sampleLog(bytes: 300_000)
            let path = try dir.write("app.log.gz", original)
            var (source, isGzip) = try openInput(path: path)
            #expect(!isGzip)
            #expect(mismatch(drain(&source, max: 7).bytes, original) == nil)
        }
    }

    @Test func tinyAndEmptyFilesAreFine() throws {
        try withTempDir { dir in
            for content: [UInt8] in [[], [0x1f], [0x41], [0x1f, 0x41]] {
                var source = try openSource(path: dir.write("t.log", content))
                #expect(drain(&source, max: 1).bytes == content)
            }
        }
    }

    @Test func truncatedGzipThroughOpenSourceNamesThePath() throws {
        try withTempDir { dir in
            let original = sampleLog(bytes: 1_000_000)
            let packed = gzipCompress(original)
            let path = try dir.write("cut.log", Array(packed.prefix(packed.count / 2)))
            var source = try openSource(path: path)
            let (bytes, error) = drain(&source, max: 1 << 20)
            #expect(bytes.count > 0)
            #expect(notPrefix(bytes, of: original) == nil)
            #expect(error?.kind == .truncatedGzip(decompressedOffset: Int64(bytes.count)))
            #expect(error?.message.hasPrefix("\(path): truncated gzip stream") == true)
        }
    }

    @Test func magicSplitAcrossReadsIsStillDetected() throws {
        let original = sampleLog(bytes: 20_000)
        var (source, isGzip) = try detectCompression(MemorySource(gzipCompress(original), step: 1), path: "pipe")
        #expect(isGzip)
        #expect(mismatch(drain(&source, max: 4096).bytes, original) == nil)
    }

    @Test func plainPipeIsReplayedWhole() throws {
        let original = sampleLog(bytes: 20_000)
        var (source, isGzip) = try detectCompression(MemorySource(original, step: 3), path: "pipe")
        #expect(!isGzip)
        #expect(mismatch(drain(&source, max: 5).bytes, original) == nil)
    }

    @Test func missingPath() throws {
        let error = #expect(throws: InputError.self) { try openSource(path: "/nonexistent/fathom/x.log") }
        #expect(error?.message == "/nonexistent/fathom/x.log: no such file or directory")
    }

    @Test func directoryPath() throws {
        try withTempDir { dir in
            let error = #expect(throws: InputError.self) { try openSource(path: dir.path) }
            #expect(error?.kind == .isDirectory)
        }
    }
}
