import Foundation
import Testing
@testable import FathomIO

@Suite struct ExpandInputsTests {
    @Test func directoriesAreWalkedSortedSkippingHiddenAndDirectoryLinks() throws {
        try withTempDir { dir in
            let root = dir.path + "/logs"
            try dir.write("logs/b.log", [1, 2])
            try dir.write("logs/a.log", [1])
            try dir.write("logs/sub/c.log", [1, 2, 3])
            try dir.write("logs/sub-x.log", [])
            try dir.write("logs/sub/deeper/d.log.gz", [9])
            try dir.write("logs/.hidden", [0])
            try dir.write("logs/.git/objects/x.log", [0])
            try dir.write("logs/sub/.cache.log", [0])
            try FileManager.default.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: root + "/loop", withDestinationPath: root)
            try FileManager.default.createSymbolicLink(atPath: root + "/alias.log", withDestinationPath: root + "/b.log")
            try FileManager.default.createSymbolicLink(atPath: root + "/dangling", withDestinationPath: root + "/gone")

            let files = try expandInputs([root])
            #expect(files.map(\.path) == [
                root + "/a.log",
                root + "/alias.log",
                root + "/b.log",
                root + "/sub-x.log",  // '-' (0x2d) sorts before '/' (0x2f): plain byte order
                root + "/sub/c.log",
                root + "/sub/deeper/d.log.gz",
            ])
            #expect(files.map(\.size) == [1, 2, 2, 0, 3, 1])

            // A trailing slash does not double the separator.
            #expect(try expandInputs([root + "/"]).first?.path == root + "/a.log")
        }
    }

    @Test func argumentsKeepTheirOrderAndStdinPassesThrough() throws {
        try withTempDir { dir in
            let z = try dir.write("z.log", [1])
            let hidden = try dir.write(".explicit.log", [1, 2])
            let sub = dir.path + "/d"
            try dir.write("d/2.log", [])
            try dir.write("d/1.log", [])
            let files = try expandInputs([z, "-", sub, hidden])
            #expect(files == [
                InputFile(path: z, size: 1),
                InputFile(path: "-", size: nil),
                InputFile(path: sub + "/1.log", size: 0),
                InputFile(path: sub + "/2.log", size: 0),
                InputFile(path: hidden, size: 2),
            ])
            #expect(files[1].isStandardInput)
        }
    }

    @Test func missingPathsAreReportedAndTheRestGoesOn() throws {
        try withTempDir { dir in
            let a = try dir.write("a.log", [1])
            let missing = dir.path + "/missing.log"
            let result = expandInputsCollectingErrors([missing, a, dir.path + "/also/missing"])
            #expect(result.files == [InputFile(path: a, size: 1)])
            #expect(result.errors.map(\.message) == [
                "\(missing): no such file or directory",
                "\(dir.path)/also/missing: no such file or directory",
            ])
            #expect(result.errors.allSatisfy { $0.kind == .notFound })

            let error = #expect(throws: InputError.self) { try expandInputs([a, missing]) }
            #expect(error?.path == missing)
        }
    }

    @Test func fifoGivenExplicitlyIsKept() throws {
        try withTempDir { dir in
            let fifo = dir.path + "/pipe"
            #expect(mkfifo(fifo, 0o600) == 0)
            let explicit = try expandInputs([fifo])
            #expect(explicit == [InputFile(path: fifo, size: nil)])
            let walked = try expandInputs([dir.path])
            #expect(walked == [])  // but skipped inside a directory
        }
    }
}

@Suite struct ExpandInputsConfigurationFileTests {
    @Test func yamlFilesInADirectoryAreNotLogs() throws {
        try withTempDir { dir in
            try dir.write("a.log", Array("x\n".utf8))
            try dir.write("rules.yaml", Array("groups: []\n".utf8))
            try dir.write("board.yml", Array("rows: []\n".utf8))
            let found = try expandInputs([dir.path]).map { ($0.path as NSString).lastPathComponent }
            #expect(found == ["a.log"])
            // Named explicitly, it is read.
            #expect(try expandInputs([dir.path + "/rules.yaml"]).count == 1)
        }
    }
}
