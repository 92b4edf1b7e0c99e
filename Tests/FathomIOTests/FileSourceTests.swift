import Foundation
import Testing
@testable import FathomIO

@Suite struct FileSourceTests {
    @Test(arguments: [1, 7, 4096, 1 << 20])
    func plainFileReadsExactContents(max: Int) throws {
        try withTempDir { dir in
            let contents = sampleLog(bytes: max == 1 ? 50_000 : 2_500_000)
            let path = try dir.write("plain.log", contents)
            let source = try FileSource(path: path)
            #expect(source.size == Int64(contents.count))
            var bytes: [UInt8] = []
            var reads = 0
            while true {
                let before = bytes.count
                let n = try source.read(into: &bytes, max: max)
                #expect(n == bytes.count - before)
                #expect(n <= max)
                if n == 0 { break }
                reads += 1
            }
            #expect(mismatch(bytes, contents) == nil)
            #expect(reads >= (contents.count + max - 1) / max)
            #expect(try source.read(into: &bytes, max: max) == 0)  // stays at the end
        }
    }

    @Test func emptyFile() throws {
        try withTempDir { dir in
            var source = try FileSource(path: dir.write("empty.log", []))
            #expect(try source.readAll() == [])
        }
    }

    @Test func missingFileMessageNamesPath() throws {
        try withTempDir { dir in
            let path = dir.path + "/nope.log"
            let error = #expect(throws: InputError.self) { try FileSource(path: path) }
            #expect(error?.kind == .notFound)
            #expect(error?.message == "\(path): no such file or directory")
            #expect(error?.description == error?.message)
        }
    }

    @Test func directoryIsRejected() throws {
        try withTempDir { dir in
            let error = #expect(throws: InputError.self) { try FileSource(path: dir.path) }
            #expect(error?.kind == .isDirectory)
            #expect(error?.message == "\(dir.path): is a directory")
        }
    }

    @Test(.enabled(if: getuid() != 0, "root reads everything"))
    func unreadableFile() throws {
        try withTempDir { dir in
            let path = try dir.write("secret.log", [1, 2, 3])
            chmod(path, 0)
            let error = #expect(throws: InputError.self) { try FileSource(path: path) }
            #expect(error?.kind == .permissionDenied)
            #expect(error?.message == "\(path): permission denied")
        }
    }

    @Test func pipeDescriptor() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let payload = Array("through a pipe\n".utf8)
        #expect(write(fds[1], payload, payload.count) == payload.count)
        close(fds[1])
        var source = FileSource(descriptor: fds[0], path: "<pipe>", ownsDescriptor: true)
        #expect(source.size == nil)
        #expect(try source.readAll(chunk: 3) == payload)
    }
}
