import Testing

@testable import FathomCore

@Suite struct Base64Tests {
    func decode(_ text: String) -> String? {
        Base64.decode(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    func encode(_ text: String) -> String {
        String(decoding: Base64.encode(Array(text.utf8)), as: UTF8.self)
    }

    /// RFC 4648 §10 test vectors.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func rfc4648Vectors() {
        for (plain, encoded) in Self.vectors {
            #expect(encode(plain) == encoded)
            #expect(decode(encoded) == plain)
        }
    }

    @Test func awsExampleRecords() {
        #expect(decode("aGVsbG8=") == "hello")
        #expect(decode("aGVsbG8gd29ybGQ=") == "hello world")
    }

    @Test func missingOrPartialPaddingIsAccepted() {
        #expect(decode("Zg") == "f")
        #expect(decode("Zg=") == "f")
        #expect(decode("Zm8") == "fo")
        #expect(decode("Zm9vYg") == "foob")
        #expect(decode("Zm9vYmE") == "fooba")
        #expect(decode("aGVsbG8") == "hello")
    }

    @Test func theWholeAlphabet() {
        let all: [UInt8] = (0...255).map { UInt8($0) }
        let encoded = Base64.encode(all)
        #expect(encoded.count == 344)
        #expect(String(decoding: encoded.prefix(24), as: UTF8.self) == "AAECAwQFBgcICQoLDA0ODxAR")
        #expect(String(decoding: encoded.suffix(8), as: UTF8.self) == "/P3+/w==")
        #expect(Base64.decode(encoded) == all)
        // `+` and `/` come from 62 and 63.
        #expect(Base64.decode(Array("+/+/".utf8)) == [0xFB, 0xFF, 0xBF])
    }

    @Test(arguments: [
        "Z", "Zm9vY", "Zg===", "Zm9v=", "Zm9v==", "Zm9vYmE==", "====", "=", "Zm=9v", "=Zm9v", "Zg==Zg==",
        "Zm9v\n", " Zm9v", "Zm 9v", "Zm-9", "Zm_9", "Zm9v\u{0}", "Zm9vé", "Zm.9",
    ])
    func invalidInputIsRejected(_ text: String) {
        #expect(Base64.decode(Array(text.utf8)) == nil)
    }

    @Test func everyInvalidByteIsRejectedInEveryPosition() {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for byte in UInt8(0)...UInt8(255) where !alphabet.contains(byte) && byte != UInt8(ascii: "=") {
            for position in 0..<7 {
                var text = Array("Zm9vYmE".utf8)
                text[position] = byte
                #expect(Base64.decode(text) == nil, "byte \(byte) at \(position)")
            }
        }
    }

    @Test func roundTripsEveryLength() {
        var random = TestRandom(seed: 11)
        for length in 0...200 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let encoded = Base64.encode(bytes)
            #expect(encoded.count == (length + 2) / 3 * 4)
            #expect(Base64.decode(encoded) == bytes)
            let unpadded = Array(encoded.prefix { $0 != UInt8(ascii: "=") })
            #expect(Base64.decode(unpadded) == bytes)
        }
    }

    @Test func megabytes() {
        var random = TestRandom(seed: 5)
        let bytes = (0..<3_000_001).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let encoded = Base64.encode(bytes)
        #expect(encoded.count == 4_000_004)
        #expect(Base64.decode(encoded) == bytes)
    }

    @Test func anyCollectionOfBytes() {
        let text = Array("Zm9vYmFy".utf8)
        #expect(Base64.decode(text[...]) == Array("foobar".utf8))
        #expect(Base64.decode(text.dropFirst(4)) == Array("bar".utf8))
        // Not contiguous: copied first.
        #expect(Base64.decode(text.reversed().reversed()) == Array("foobar".utf8))
        #expect(Base64.decode(Array("yFmYv9mZ".utf8).reversed()) == Array("foobar".utf8))
        #expect(Base64.decode("Zm9v".utf8) == Array("foo".utf8))
    }
}
