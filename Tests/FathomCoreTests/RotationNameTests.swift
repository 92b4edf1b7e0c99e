import Testing
@testable import FathomCore

@Suite struct RotationNameTests {
    @Test(arguments: [
        ("app.log", "app.log"), ("app.log.1", "app.log"), ("app.log.12.gz", "app.log"), ("app.log.gz", "app.log.gz"),
        ("app.log-20261121", "app.log"), ("app.log-20261121.gz", "app.log"), ("app.log.2026112103", "app.log"),
        ("app.log-2026-11-21", "app.log"), ("app.log.2026-11-21.gz", "app.log"), ("orders-api.log", "orders-api.log"),
        ("v1.2", "v1"), ("[$LATEST]94fa0b2c", "[$LATEST]94fa0b2c"), ("1", "1"), (".5", ".5"),
    ])
    func rotationSuffixesAreNotPartOfTheName(_ c: (String, String)) {
        #expect(rotationBase(c.0) == c.1)
    }

    @Test func rotatedFilesNameTheirFunction() {
        #expect(SourceInfo.from(path: "logs/checkout.log.1").function == "checkout")
        #expect(SourceInfo.from(path: "logs/checkout.log-20261121.gz").function == "checkout")
        #expect(SourceInfo.from(path: "logs/checkout.log").function == "checkout")
    }
}
