import Foundation
import Testing
@testable import FathomIO

@Suite struct GzipSourceTests {
    /// `printf 'hello gzip\nsecond line\n' | gzip -n -9`: the real tool's output.
    static let fromGzipTool: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57,
        0x48, 0xaf, 0xca, 0x2c, 0xe0, 0x2a, 0x4e, 0x4d, 0xce, 0xcf, 0x4b, 0x51, 0xc8, 0xc9, 0xcc, 0x4b,
        0xe5, 0x02, 0x00, 0x63, 0x78, 0x66, 0xeb, 0x17, 0x00, 0x00, 0x00,
    ]

    @Test func decodesOutputOfTheGzipTool() throws {
        var source = GzipSource(base: MemorySource(Self.fromGzipTool), path: "t.gz")
        #expect(try source.readAll() == Array("hello gzip\nsecond line\n".utf8))
    }

    @Test func gzipCompressWritesGzipFormat() {
        let packed = gzipCompress(Array("abc".utf8))
        #expect(Array(packed.prefix(3)) == [0x1f, 0x8b, 0x08])
        // ISIZE trailer: the length modulo 2^32, little-endian.
        #expect(Array(packed.suffix(4)) == [3, 0, 0, 0])
    }

    @Test(arguments: [1, 7, 4096, 1 << 20])
    func roundTrip(max: Int) throws {
        let original = sampleLog(bytes: max == 1 ? 100_000 : 3_000_000) + noise(bytes: 300_000)
        var source = GzipSource(base: MemorySource(gzipCompress(original)), path: "r.gz")
        let (bytes, error) = drain(&source, max: max)
        #expect(error == nil)
        #expect(mismatch(bytes, original) == nil)
        #expect(source.decompressedOffset == Int64(original.count))
    }

    @Test func smallBuffersAndTrickleInput() throws {
        let original = sampleLog(bytes: 200_000)
        var source = GzipSource(
            base: MemorySource(gzipCompress(original), step: 13), path: "s.gz",
            inputCapacity: 100, outputCapacity: 1000)
        let (bytes, error) = drain(&source, max: 4096)
        #expect(error == nil)
        #expect(mismatch(bytes, original) == nil)
    }

    @Test func emptyMember() throws {
        var source = GzipSource(base: MemorySource(gzipCompress([])), path: "e.gz")
        #expect(try source.readAll() == [])
    }

    @Test func multiMemberFile() throws {
        let a = sampleLog(bytes: 700_000, seed: 1)
        let b = sampleLog(bytes: 10, seed: 2)
        let c = sampleLog(bytes: 1_500_000, seed: 3)
        let joined = gzipCompress(a) + gzipCompress([]) + gzipCompress(b) + Self.fromGzipTool + gzipCompress(c)
        for max in [5, 65_536, 1 << 20] {
            var source = GzipSource(base: MemorySource(joined, step: 50_000), path: "m.gz")
            let (bytes, error) = drain(&source, max: max)
            #expect(error == nil)
            #expect(mismatch(bytes, a + b + Array("hello gzip\nsecond line\n".utf8) + c) == nil)
        }
    }

    @Test func zeroPaddingAfterMembersIsIgnored() throws {
        let a = sampleLog(bytes: 5000)
        let padded = gzipCompress(a) + [UInt8](repeating: 0, count: 1000) + gzipCompress(a) + [0, 0, 0]
        var source = GzipSource(base: MemorySource(padded), path: "p.gz")
        #expect(mismatch(try source.readAll(), a + a) == nil)
    }

    @Test func zlibFormatIsDetectedToo() throws {
        let original = sampleLog(bytes: 100_000)
        var source = GzipSource(base: MemorySource(Deflate.compress(original)), path: "z")
        #expect(mismatch(try source.readAll(), original) == nil)
    }

    @Test func truncatedStreamDeliversGoodPrefixThenFails() throws {
        let original = sampleLog(bytes: 4_000_000) + noise(bytes: 200_000)
        let packed = gzipCompress(original)
        for cut in [0, 5, 10, 2000, packed.count / 3, packed.count / 2, packed.count - 8, packed.count - 4, packed.count - 1] {
            for max in [4096, 1 << 20] {
                var source = GzipSource(base: MemorySource(Array(packed.prefix(cut))), path: "logs/cut.gz")
                let (bytes, error) = drain(&source, max: max)
                // Everything delivered is a true prefix of the original, and all of it was handed over.
                #expect(notPrefix(bytes, of: original) == nil)
                let offset = Int64(bytes.count)
                #expect(error?.kind == .truncatedGzip(decompressedOffset: offset), "cut \(cut)")
                #expect(error?.path == "logs/cut.gz")
                #expect(error?.message.hasPrefix("logs/cut.gz: truncated gzip stream") == true)
                #expect(error?.message.contains("decompressed offset \(offset) ") == true)
                if cut >= packed.count / 3 { #expect(bytes.count > 0) }
                if cut >= packed.count - 8 { #expect(mismatch(bytes, original) == nil) }  // only the trailer is missing
                // The failure is sticky.
                var more: [UInt8] = []
                #expect(throws: InputError.self) { try source.read(into: &more, max: max) }
                #expect(more.isEmpty)
            }
        }
    }

    @Test func truncationInTheSecondMember() throws {
        let a = sampleLog(bytes: 300_000, seed: 5)
        let second = gzipCompress(sampleLog(bytes: 300_000, seed: 6))
        let data = gzipCompress(a) + second.prefix(second.count / 2)
        var source = GzipSource(base: MemorySource(data), path: "two.gz")
        let (bytes, error) = drain(&source, max: 1 << 16)
        #expect(bytes.count > a.count)
        #expect(Array(bytes.prefix(a.count)) == a)
        #expect(error?.kind == .truncatedGzip(decompressedOffset: Int64(bytes.count)))
    }

    @Test func corruptDataIsReportedAfterTheGoodBytes() throws {
        let original = sampleLog(bytes: 2_000_000)
        var packed = gzipCompress(original)
        let middle = packed.count / 2
        for i in middle..<(middle + 64) { packed[i] = 0xff }
        var source = GzipSource(base: MemorySource(packed), path: "bad.gz")
        let (bytes, error) = drain(&source, max: 1 << 16)
        // Deflate has no per-block check: bytes decoded from the damaged region may be wrong
        // before zlib notices (at the latest at the CRC). What precedes the damage is intact.
        #expect(bytes.count > original.count / 3)
        #expect(notPrefix(Array(bytes.prefix(original.count / 3)), of: original) == nil)
        #expect(error?.kind == .corruptGzip(decompressedOffset: Int64(bytes.count)))
        #expect(error?.message.hasPrefix("bad.gz: corrupt gzip data at decompressed offset \(bytes.count) ") == true)
    }

    @Test func badCrcIsCorrupt() throws {
        let original = sampleLog(bytes: 10_000)
        var packed = gzipCompress(original)
        packed[packed.count - 6] ^= 0x55  // inside the CRC32 trailer
        var source = GzipSource(base: MemorySource(packed), path: "crc.gz")
        let (bytes, error) = drain(&source, max: 1 << 20)
        #expect(mismatch(bytes, original) == nil)
        #expect(error?.kind == .corruptGzip(decompressedOffset: Int64(original.count)))
        #expect(error?.message.contains("incorrect data check") == true)
    }

    @Test func garbageAfterAMemberIsCorrupt() throws {
        let a = sampleLog(bytes: 1000)
        var source = GzipSource(base: MemorySource(gzipCompress(a) + Array("trailing junk".utf8)), path: "j.gz")
        let (bytes, error) = drain(&source, max: 1 << 20)
        #expect(bytes == a)
        #expect(error?.kind == .corruptGzip(decompressedOffset: 1000))
    }

    @Test func notGzipAtAll() throws {
        var source = GzipSource(base: MemorySource(Array("plain text, no header".utf8)), path: "x.gz")
        let (bytes, error) = drain(&source, max: 100)
        #expect(bytes.isEmpty)
        #expect(error?.kind == .corruptGzip(decompressedOffset: 0))
        #expect(error?.message.contains("incorrect header check") == true)
    }

    @Test func readErrorsOfTheBaseAreDeferredToo() throws {
        struct Failing: ByteSource {
            var inner: MemorySource
            mutating func read(into buffer: inout [UInt8], max: Int) throws -> Int {
                let n = try inner.read(into: &buffer, max: max)
                if n == 0 { throw InputError(path: "f.gz", kind: .readError(errno: 5), message: "f.gz: read error: I/O") }
                return n
            }
        }
        let original = sampleLog(bytes: 50_000)
        let packed = gzipCompress(original)
        var source = GzipSource(base: Failing(inner: MemorySource(Array(packed.prefix(packed.count / 2)))), path: "f.gz")
        let (bytes, error) = drain(&source, max: 1 << 20)
        #expect(bytes.count > 0)
        #expect(notPrefix(bytes, of: original) == nil)
        #expect(error?.kind == .readError(errno: 5))
    }

    @Test func largeFileThroughFileSource() throws {
        try withTempDir { dir in
            let original = sampleLog(bytes: 8_000_000)
            let path = try dir.write("big.log.gz", gzipCompress(original, level: 1))
            var source = GzipSource(base: try FileSource(path: path), path: path)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(original.count)
            while try source.read(into: &bytes, max: 1 << 20) > 0 {}
            #expect(mismatch(bytes, original) == nil)
        }
    }
}
