import Foundation
import Testing
@testable import FathomIO

@Suite struct DeflateTests {
    @Test func roundTrips() throws {
        let inputs: [[UInt8]] = [
            [],
            [0],
            Array("START RequestId: 8f5e Version: $LATEST\n".utf8),
            sampleLog(bytes: 100_000),
            noise(bytes: 70_000),
        ]
        for input in inputs {
            for level: Int32 in [1, 6, 9, -1] {
                let packed = Deflate.compress(input, level: level)
                #expect(mismatch(try Deflate.decompress(packed), input) == nil)
                #expect(mismatch(try Deflate.decompress(packed, expectedSize: input.count), input) == nil)
            }
        }
    }

    @Test func emptyInput() throws {
        let packed = Deflate.compress([])
        #expect(!packed.isEmpty)
        #expect(try Deflate.decompress(packed) == [])
        #expect(try Deflate.decompress(packed, expectedSize: 0) == [])
    }

    @Test func tenMegabytes() throws {
        let input = sampleLog(bytes: 8_000_000) + noise(bytes: 2_000_000)
        let packed = Deflate.compress(input)
        #expect(packed.count < input.count)
        #expect(mismatch(try Deflate.decompress(packed), input) == nil)
        #expect(mismatch(try Deflate.decompress(packed, expectedSize: input.count), input) == nil)
    }

    @Test func wrongExpectedSizeIsOnlyAHint() throws {
        let input = sampleLog(bytes: 5000)
        let packed = Deflate.compress(input)
        #expect(mismatch(try Deflate.decompress(packed, expectedSize: 10), input) == nil)
        #expect(mismatch(try Deflate.decompress(packed, expectedSize: 100_000), input) == nil)
    }

    @Test func garbageThrows() {
        let cases: [[UInt8]] = [
            [],
            [0x78],
            Array("definitely not zlib".utf8),
            noise(bytes: 1000),
            gzipCompress([1, 2, 3]),  // gzip is not accepted where zlib is expected
        ]
        for bytes in cases {
            for size in [nil, 3, 1000] as [Int?] {
                let error = #expect(throws: InputError.self) { try Deflate.decompress(bytes, expectedSize: size) }
                #expect(error?.kind == .corruptDeflate)
                #expect(error?.message.hasPrefix("<deflate>: corrupt zlib data") == true)
            }
        }
    }

    @Test func truncatedAndTrailingBytesThrow() {
        let input = sampleLog(bytes: 20_000)
        let packed = Deflate.compress(input)
        for size in [nil, input.count] as [Int?] {
            #expect(throws: InputError.self) { try Deflate.decompress(Array(packed.dropLast(3)), expectedSize: size) }
            #expect(throws: InputError.self) { try Deflate.decompress(packed + [0], expectedSize: size) }
            var flipped = packed
            flipped[packed.count / 2] ^= 0x40
            #expect(throws: InputError.self) { try Deflate.decompress(flipped, expectedSize: size) }
        }
    }

    @Test func streamingGzipEncoderMatchesOneShot() throws {
        let input = sampleLog(bytes: 1_000_000)
        let encoder = GzipEncoder(level: 1)
        var packed: [UInt8] = []
        var start = 0
        while start < input.count {
            let end = Swift.min(start + 77_777, input.count)
            encoder.compress(Array(input[start..<end]), into: &packed)
            start = end
        }
        encoder.finish(into: &packed)
        var source = GzipSource(base: MemorySource(packed), path: "enc.gz")
        #expect(mismatch(try source.readAll(), input) == nil)
    }
}
