import Testing

@testable import FathomHTTP

struct HTTPServerConfigTests {
    @Test func defaultsListenOnLoopbackAndValidate() {
        let config = HTTPServerConfig()
        #expect(config.host == "127.0.0.1")
        #expect(config.port == 9464)
        #expect(config.maxBodyBytes == 16 << 20)
        #expect(config.maxDecodedBytes == 64 << 20)
        #expect(config.authToken == nil && config.firehoseAccessKey == nil)
        #expect(config.validate() == nil)
    }

    @Test func anyAddressNeedsAToken() {
        let open = HTTPServerConfig(host: "0.0.0.0")
        #expect(open.validate() == "binding 0.0.0.0 requires --auth-token-file (only loopback addresses may be served without a token)")
        #expect(HTTPServerConfig(host: "::").validate()?.contains("requires --auth-token-file") == true)
        #expect(HTTPServerConfig(host: "10.1.2.3").validate()?.contains("requires --auth-token-file") == true)
        #expect(HTTPServerConfig(host: "0.0.0.0", authToken: "s3cret").validate() == nil)
    }

    @Test(arguments: ["127.0.0.1", "127.8.9.10", "localhost", "LOCALHOST", "::1", "[::1]", "0:0:0:0:0:0:0:1", "0::1"])
    func loopbackNeedsNoToken(host: String) {
        #expect(HTTPServerConfig.isLoopback(host))
        #expect(HTTPServerConfig(host: host).validate() == nil)
    }

    @Test(arguments: ["0.0.0.0", "::", "128.0.0.1", "127.0.0", "127.0.0.1.5", "localhost.example.com", "::2", "1::1", "example.com"])
    func notLoopback(host: String) {
        #expect(!HTTPServerConfig.isLoopback(host))
    }

    @Test func portAndLimitsAreChecked() {
        #expect(HTTPServerConfig(port: -1).validate() == "listen port -1 is out of range (0…65535)")
        #expect(HTTPServerConfig(port: 65536).validate() == "listen port 65536 is out of range (0…65535)")
        #expect(HTTPServerConfig(port: 0).validate() == nil)
        #expect(HTTPServerConfig(port: 65535).validate() == nil)
        #expect(HTTPServerConfig(authToken: "").validate() == "the auth token is empty")
        #expect(HTTPServerConfig(firehoseAccessKey: "").validate() == "the Firehose access key is empty")
        #expect(HTTPServerConfig(maxBodyBytes: 0).validate() != nil)
        #expect(HTTPServerConfig(maxDecodedBytes: -5).validate() != nil)
        #expect(HTTPServerConfig(host: "").validate() == "listen host is empty")
    }

    @Test func parseListenAcceptsTheThreeForms() throws {
        let plain = try HTTPServerConfig.parseListen("127.0.0.1:9464").get()
        #expect(plain.host == "127.0.0.1" && plain.port == 9464)
        let v6 = try HTTPServerConfig.parseListen("[::1]:8080").get()
        #expect(v6.host == "::1" && v6.port == 8080)
        let portOnly = try HTTPServerConfig.parseListen(":9000").get()
        #expect(portOnly.host == "127.0.0.1" && portOnly.port == 9000)
        let any = try HTTPServerConfig.parseListen("0.0.0.0:0").get()
        #expect(any.host == "0.0.0.0" && any.port == 0)
        let named = try HTTPServerConfig.parseListen("localhost:65535").get()
        #expect(named.host == "localhost" && named.port == 65535)
        let v6any = try HTTPServerConfig.parseListen("[::]:80").get()
        #expect(v6any.host == "::" && v6any.port == 80)
    }

    @Test(arguments: [
        ("9464", "missing port"),
        ("::1:80", "must be bracketed"),
        ("[::1]", "missing ':PORT'"),
        ("[::1:80", "missing ']'"),
        ("[]:80", "empty IPv6 address"),
        ("host:", "is not a number"),
        ("host:abc", "is not a number"),
        ("host:70000", "is not a number"),
        ("host:-1", "is not a number"),
        ("host:+80", "is not a number"),
    ])
    func parseListenRefuses(input: String, expected: String) {
        switch HTTPServerConfig.parseListen(input) {
        case .success(let parsed):
            Issue.record("\(input) parsed as \(parsed.host) \(parsed.port)")
        case .failure(let error):
            #expect(error.message.hasPrefix("invalid listen address '\(input)': "))
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func runningAnInvalidConfigurationThrows() async throws {
        let service = makeHTTPServer(
            config: HTTPServerConfig(host: "0.0.0.0", port: 0), api: FakeDaemonAPI(), stats: HTTPStats(),
            logger: TestServer.quietLogger, onRunning: { _ in Issue.record("must not start") })
        await #expect(throws: HTTPServerConfigError.self) { try await service.run() }
    }
}
