import Testing

@testable import FathomCore

@Suite struct DecimalParserTests {
    func parse(_ s: String) -> Double? {
        withByteView(s) { DecimalParser.parse($0, 0..<$0.count) }
    }

    func parseInt(_ s: String) -> Int64? {
        withByteView(s) { DecimalParser.parseInt($0, 0..<$0.count) }
    }

    /// Same result as `Double(String)`, bit for bit (any NaN equals any NaN).
    func sameAsStdlib(_ s: String) -> Bool {
        let ours = parse(s)
        let theirs = Double(s)
        switch (ours, theirs) {
        case (nil, nil): return true
        case let (a?, b?): return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
        default: return false
        }
    }

    @Test func typicalReportAndMetricValues() {
        #expect(parse("3470.65") == 3470.65)
        #expect(parse("0.62") == 0.62)
        #expect(parse("1233.96") == 1233.96)
        #expect(parse("463.512") == 463.512)
        #expect(parse("30000") == 30000)
        #expect(parse("30000.0") == 30000)
        #expect(parse("147.156") == 147.156)
        for s in ["3470.65", "0.62", "1233.96", "463.512", "30000", "30000.0", "1698", "0", "0.0", "1e3", "2.5E-3"] {
            #expect(sameAsStdlib(s), "\(s)")
        }
    }

    @Test func signsAndZero() {
        #expect(parse("-0")?.bitPattern == (-0.0).bitPattern)
        #expect(parse("-0.0e5")?.bitPattern == (-0.0).bitPattern)
        #expect(parse("0e999999999")?.bitPattern == (0.0).bitPattern)
        #expect(parse("+1.5") == 1.5)
        #expect(parse("-12.25") == -12.25)
        #expect(parse("+") == nil)
        #expect(parse("-") == nil)
        #expect(parse("+-1") == nil)
    }

    /// Documented leniency, identical to `Double(String)`: ".5", "1.", "1.e1", leading zeros.
    @Test func lenientFormsMatchStdlib() {
        #expect(parse(".5") == 0.5)
        #expect(parse("-.5e3") == -500)
        #expect(parse("1.") == 1)
        #expect(parse("1.e1") == 10)
        #expect(parse("007") == 7)
        for s in [".5", "+.5", "1.", "1.e1", "007", ".", ".e1", "e1", "1e", "1e+", "1e-", "1.5.2", "1e5e5", "--1"] {
            #expect(sameAsStdlib(s), "\(s)")
        }
    }

    @Test func rejectsNonNumbers() {
        for s in ["", " 1", "1 ", "1_000", "0x10", "0x1p3", "abc", "1,5", "nan(1)", "infx", "in", "1e5x", "12a", ".nan"] {
            #expect(parse(s) == nil, "\(s)")
        }
    }

    @Test func nonFiniteValuesComeBackForQuarantine() {
        #expect(parse("NaN")?.isNaN == true)
        #expect(parse("nan")?.isNaN == true)
        #expect(parse("-NaN")?.isNaN == true)
        #expect(parse("Infinity") == .infinity)
        #expect(parse("-Infinity") == -.infinity)
        #expect(parse("inf") == .infinity)
        #expect(parse("INF") == .infinity)
        #expect(parse("+infinity") == .infinity)
        #expect(parse("1e400") == .infinity)
        #expect(parse("-1e400") == -.infinity)
        #expect(parse("1e-400") == 0)
        for s in ["NaN", "Infinity", "-Infinity", "inf", "1e400", "1e-400", "4.9e-324", "2.4e-324", "1.7976931348623157e308", "1.7976931348623159e308"] {
            #expect(sameAsStdlib(s), "\(s)")
        }
    }

    @Test func hardCases() {
        let cases = [
            "9007199254740993", "9007199254740992", "9007199254740991", "18446744073709551615",
            "18446744073709551616", "9999999999999999999", "99999999999999999999", "0.1", "0.3",
            "0.30000000000000004", "123456789012345678901234567890", "1.0000000000000000000000001",
            "2.2250738585072011e-308", "2.2250738585072014e-308", "5e-324", "1e23", "8.41e21", "1e22",
            "9007199254740993e22", "4503599627370497e15", "1e37", "123e35", "7.0e-10", "1448997445238699",
            "0.000000000000000000000000000001", "00000000000000000000000000001.5",
            "3.141592653589793238462643383279", "179769313486231570000000000000000000000000000000000e258",
        ]
        for s in cases { #expect(sameAsStdlib(s), "\(s)") }
    }

    @Test func hundredThousandRandomDecimalsMatchStdlib() {
        var rng = TestRandom(seed: 0x5EED_F00D)
        var failures: [String] = []
        func digits(_ n: Int) -> String {
            var s = ""
            for _ in 0..<n { s.append(Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8(rng.next() % 10)))) }
            return s
        }
        for k in 0..<100_000 {
            let s: String
            switch k % 8 {
            case 0: s = "\(rng.next() % 100_000).\(digits(2))"  // 3470.65
            case 1: s = "\(rng.next() % 10_000).\(digits(3))"  // 463.512
            case 2: s = "\(rng.next() % 1_000_000)" + (rng.next() % 2 == 0 ? "" : ".0")  // 30000, 30000.0
            case 3:  // any shape: 1-25 digits, a point somewhere, maybe an exponent
                let d = digits(1 + Int(rng.next() % 25))
                let at = Int(rng.next() % UInt64(d.count + 1))
                var t = String(d.prefix(at)) + "." + String(d.dropFirst(at))
                if t == "." { t = "0" }
                if rng.next() % 2 == 0 { t += "e\(Int(rng.next() % 700) - 350)" }
                s = (rng.next() % 3 == 0 ? "-" : "") + t
            case 4:  // random doubles printed shortest
                let bits = rng.next()
                let d = Double(bitPattern: bits)
                s = d.isFinite ? d.description : "1"
            case 5:  // random doubles printed with many digits
                let d = Double(rng.next() % 1_000_000_000) / Double(1 + rng.next() % 100_000)
                s = d.description
            case 6:  // exponents near the fast-path edges
                s = "\(rng.next() % 100_000_000_000)e\(Int(rng.next() % 80) - 40)"
            default:  // garbage from number characters
                let alphabet = Array("0123456789.eE+-")
                var t = ""
                for _ in 0..<(1 + rng.next() % 8) { t.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
                s = t
            }
            if !sameAsStdlib(s) && failures.count < 20 { failures.append(s) }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func rangeInsideALargerBuffer() {
        withByteView("x=147.156;y=2") { v in
            #expect(DecimalParser.parse(v, 2..<9) == 147.156)
            #expect(DecimalParser.parse(v, 12..<13) == 2)
            #expect(DecimalParser.parse(v, 2..<10) == nil)
            #expect(DecimalParser.parse(v, 12..<14) == nil)  // out of bounds: nil, no trap
            #expect(DecimalParser.parse(v, 3..<3) == nil)
            #expect(DecimalParser.parseInt(v, 12..<13) == 2)
        }
    }

    @Test func integers() {
        #expect(parseInt("0") == 0)
        #expect(parseInt("1698") == 1698)
        #expect(parseInt("1680683189085") == 1_680_683_189_085)
        #expect(parseInt("9223372036854775807") == Int64.max)
        #expect(parseInt("00000000000000000000000042") == 42)
        #expect(parseInt("9223372036854775808") == nil)
        #expect(parseInt("99999999999999999999") == nil)
        #expect(parseInt("") == nil)
        #expect(parseInt("-1") == nil)
        #expect(parseInt("+1") == nil)
        #expect(parseInt("12a") == nil)
        #expect(parseInt("1.0") == nil)
        #expect(parseInt(" 1") == nil)
    }
}
