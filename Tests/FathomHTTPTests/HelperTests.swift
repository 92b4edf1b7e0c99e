import Testing

@testable import FathomHTTP

struct HelperTests {
    @Test func queryParametersDecodeLikeGo() throws {
        let p = try QueryParameters.parse("q=sum(duration%7Bfn%3D%22a%22%7D)+by+fn&from=-1h&empty=&flag&q=second").get()
        #expect(p["q"] == #"sum(duration{fn="a"}) by fn"#)
        #expect(p["from"] == "-1h")
        #expect(p["empty"] == "")
        #expect(p["flag"] == "")
        #expect(p["missing"] == nil)
        #expect(try QueryParameters.parse(nil).get()["q"] == nil)
        #expect(try QueryParameters.parse("a%2Bb=c%2bd").get()["a+b"] == "c+d")
    }

    @Test func queryParametersRefuseBadEscapes() {
        for bad in ["q=%", "q=%4", "q=%zz", "q=%ff", "%C3=x"] {
            guard case .failure(let e) = QueryParameters.parse(bad) else {
                Issue.record("\(bad) accepted")
                continue
            }
            #expect(e.message.contains("percent-encoded UTF-8"))
        }
    }

    @Test func constantTimeEquality() {
        let secret = Array("s3cret-token".utf8)
        #expect(ConstantTime.equals(Array("s3cret-token".utf8), secret))
        #expect(!ConstantTime.equals(Array("s3cret-tokeN".utf8), secret))
        #expect(!ConstantTime.equals(Array("s3cret-token2".utf8), secret))
        #expect(!ConstantTime.equals(Array("s3cret".utf8), secret))
        #expect(!ConstantTime.equals([UInt8](), secret))
        #expect(!ConstantTime.equals([UInt8](), []))
    }

    @Test func statsSnapshotIsSortedAndRejectionsComplete() {
        let stats = HTTPStats()
        stats.record(route: "/metrics", status: 200)
        stats.record(route: "/api/v1/query", status: 400)
        stats.record(route: "/api/v1/query", status: 200)
        stats.record(route: "/metrics", status: 200)
        stats.reject(.badGzip)
        stats.addBodyBytes(10)
        stats.addBodyBytes(5)
        let snapshot = stats.snapshot()
        #expect(snapshot.map(\.route) == ["/api/v1/query", "/api/v1/query", "/metrics"])
        #expect(snapshot.map(\.status) == [200, 400, 200])
        #expect(snapshot.map(\.count) == [1, 1, 2])
        #expect(stats.bodyBytesReceived == 15)
        let rejections = stats.rejections()
        #expect(rejections.count == HTTPRejection.allCases.count)
        #expect(rejections.map(\.reason.rawValue) == rejections.map(\.reason.rawValue).sorted())
        #expect(rejections.first { $0.reason == .badGzip }?.count == 1)
        #expect(stats.rejections(.unauthorized) == 0)
    }

    @Test func apiResponseErrorIsEscapedJSON() {
        let r = APIResponse.error(400, #"bad "q"\n"#)
        #expect(r.status == 400)
        #expect(r.contentType == "application/json")
        #expect(String(decoding: r.body, as: UTF8.self) == #"{"error":"bad \"q\"\\n"}"#)
    }
}
