import Testing
import Foundation
@testable import FathomIO

/// A unique temporary directory, removed by `remove()`.
struct TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("fathom-io-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }

    /// Writes `bytes` at `name` (relative, parents created) and returns the full path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file.path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Runs `body` with a fresh temporary directory, removed afterwards.
func withTempDir<R>(_ body: (TempDir) throws -> R) throws -> R {
    let dir = try TempDir()
    defer { dir.remove() }
    return try body(dir)
}

/// Deterministic log-like bytes: compressible lines with some pseudo-random digits.
func sampleLog(bytes count: Int, seed: UInt64 = 42) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(count + 128)
    var state = seed
    var line = 0
    while out.count < count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        out.append(contentsOf: "2025-01-01T00:00:00.000Z\trequest-\(line)\tINFO\tvalue=\(state >> 40)\n".utf8)
        line += 1
    }
    out.removeLast(out.count - count)
    return out
}

/// Deterministic incompressible bytes.
func noise(bytes count: Int, seed: UInt64 = 7) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
}

/// Everything a source delivers with reads of `max`, and the error that ended it, if any.
func drain(_ source: inout some ByteSource, max: Int) -> (bytes: [UInt8], error: InputError?) {
    var bytes: [UInt8] = []
    while true {
        do {
            if try source.read(into: &bytes, max: max) == 0 { return (bytes, nil) }
        } catch let error as InputError {
            return (bytes, error)
        } catch {
            Issue.record("unexpected error type: \(error)")
            return (bytes, nil)
        }
    }
}

func drain(_ source: inout any ByteSource, max: Int) -> (bytes: [UInt8], error: InputError?) {
    var bytes: [UInt8] = []
    while true {
        do {
            if try source.read(into: &bytes, max: max) == 0 { return (bytes, nil) }
        } catch let error as InputError {
            return (bytes, error)
        } catch {
            Issue.record("unexpected error type: \(error)")
            return (bytes, nil)
        }
    }
}

/// An in-memory source delivering at most `step` bytes per read (like a slow pipe).
struct MemorySource: ByteSource {
    var bytes: [UInt8]
    var step: Int
    var position = 0

    init(_ bytes: [UInt8], step: Int = .max) {
        self.bytes = bytes
        self.step = step
    }

    mutating func read(into buffer: inout [UInt8], max: Int) throws -> Int {
        let n = Swift.min(max, step, bytes.count - position)
        buffer.append(contentsOf: bytes[position..<(position + n)])
        position += n
        return n
    }
}

/// `nil` when equal, else where they differ (keeps `#expect` from diffing megabytes on failure).
func mismatch(_ actual: [UInt8], _ expected: [UInt8]) -> String? {
    if actual == expected { return nil }
    let common = Swift.min(actual.count, expected.count)
    var i = 0
    while i < common && actual[i] == expected[i] { i += 1 }
    return "counts \(actual.count) vs expected \(expected.count), first difference at \(i)"
}

/// `nil` when `actual` is a prefix of `expected`.
func notPrefix(_ actual: [UInt8], of expected: [UInt8]) -> String? {
    actual.count <= expected.count ? mismatch(actual, Array(expected.prefix(actual.count))) : "longer than expected"
}
