import Glibc
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// HTTPFetcher against a real HTTPS server on 127.0.0.1 (https_server.py) with a CA made at test time.
@Suite("HTTPS fetching through libcurl")
struct NetworkFetchTests {
    func fetcher(timeout: Int = 5, caFile: String? = nil, allowHTTP: Bool = false, environment: [String: String] = [:]) -> HTTPFetcher {
        // If the test PKI could not be made, every fetch fails with a TLS message that says so.
        HTTPFetcher(options: .init(timeoutSeconds: timeout, caFile: caFile ?? (try? TestPKI.get().caFile) ?? "/missing-test-ca.pem", allowHTTP: allowHTTP,
            toolVersion: "9.9-test", environment: environment))
    }

    @Test func fetchesOverVerifiedTLSWithTheTestCA() throws {
        let server = try TestServer()
        try server.serve("jwks.json", #"{"keys":[{"kty":"RSA","kid":"a"}]}"#)
        let response = try fetcher().get(server.url("/jwks.json"))
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"keys":[{"kty":"RSA","kid":"a"}]}"#)
        #expect(response.cacheControl == nil)
        #expect(response.effectiveURL == server.url("/jwks.json"))
        let log = server.requests
        #expect(log.count == 1, "one request: \(log)")
        #expect(log.first?.contains("UA=jwtaudit/9.9-test") == true, "User-Agent names tool and version: \(log)")
        #expect(log.first?.contains("ACCEPT=application/json") == true, "Accept header: \(log)")
        // The fetch is what loaded libcurl.
        #expect(HTTPFetcher.isCurlLoaded)
        let maps = TemporaryDirectoryReader.contents(of: "/proc/self/maps") ?? ""
        #expect(maps.contains("libcurl.so.4"), "libcurl mapped after a fetch")
    }

    @Test func capturesCacheControl() throws {
        let server = try TestServer()
        try server.serve("jwks.json", #"{"keys":[]}"#)
        let response = try fetcher().get(server.url("/max-age/120/jwks.json"))
        #expect(response.cacheControl == "public, max-age=120")
        withExtendedLifetime(server) {}  // the server stays up until the test ends (see TestServer)
    }

    @Test func untrustedCertificateIsATLSFailureThatSuggestsCacert() throws {
        let server = try TestServer()
        try server.serve("jwks.json", #"{"keys":[]}"#)
        // The system store (no --cacert) does not know the test CA; nor does an unrelated CA.
        for ca in [nil, try TestPKI.get().otherCAFile] as [String?] {
            let f = HTTPFetcher(options: .init(timeoutSeconds: 5, caFile: ca, environment: [:]))
            let error = try #require(thrownError { () throws(JWTAuditError) in try f.get(server.url("/jwks.json")) })
            #expect(error.code == .unavailable)
            #expect(error.reason.contains("TLS/certificate"), "\(error.reason)")
            #expect(error.reason.contains("--cacert FILE"), "\(error.reason)")
        }
        #expect(server.fetchCount("/jwks.json") == 0, "no request got past the handshake")
    }

    @Test func unusableCacertIsTheCallersMistake() throws {
        let server = try TestServer()
        let tmp = try TemporaryDirectory()
        try tmp.write("not-a-cert.pem", "hello")
        for (file, words) in [(tmp.path + "/missing.pem", "cannot read --cacert"), (tmp.path + "/not-a-cert.pem", "no usable PEM")] {
            let error = try #require(thrownError { () throws(JWTAuditError) in try fetcher(caFile: file).get(server.url("/jwks.json")) })
            #expect(error.code == .invalidArgument, "\(file)")
            #expect(error.reason.contains(words) && error.reason.contains(file), "\(error.reason)")
        }
        withExtendedLifetime(server) {}  // the server stays up until the test ends (see TestServer)
    }

    @Test func serverDownIsConnectionRefused() throws {
        let server = try TestServer()
        let url = server.url("/jwks.json")
        server.stop()
        let error = try #require(thrownError { () throws(JWTAuditError) in try fetcher().get(url) })
        #expect(error.code == .unavailable)
        #expect(error.reason.contains("connection refused"), "\(error.reason)")
        #expect(error.reason.contains(url), "names the URL: \(error.reason)")
    }

    @Test func dnsFailure() throws {
        let error = try #require(thrownError { () throws(JWTAuditError) in try fetcher().get("https://nonexistent.invalid/keys") })
        #expect(error.code == .unavailable)
        #expect(error.reason.contains("did not resolve"), "\(error.reason)")
    }

    @Test func slowServerTimesOut() throws {
        let server = try TestServer()
        let error = try #require(thrownError { () throws(JWTAuditError) in try fetcher(timeout: 1).get(server.url("/slow/8")) })
        #expect(error.code == .unavailable)
        #expect(error.reason.contains("timed out after 1 s"), "\(error.reason)")
        withExtendedLifetime(server) {}  // the server stays up until the test ends (see TestServer)
    }

    @Test(arguments: [404, 500, 302 + 1])
    func nonOKStatusIsShown(status: Int) throws {
        let server = try TestServer()
        let error = try #require(thrownError { () throws(JWTAuditError) in try fetcher().get(server.url("/status/\(status)")) })
        #expect(error.code == .unavailable)
        #expect(error.reason.contains("the provider answered HTTP \(status), Content-Type application/json"), "\(error.reason)")
        withExtendedLifetime(server) {}  // the server stays up until the test ends (see TestServer)
    }

    @Test func plainHTTPIsRefusedWithoutAllowHTTP() throws {
        let server = try TestServer(.plainHTTP)
        try server.serve("jwks.json", #"{"keys":[]}"#)
        let error = try #require(thrownError { () throws(JWTAuditError) in try fetcher().get(server.url("/jwks.json")) })
        #expect(error.code == .unavailable)
        #expect(error.reason.contains("plain HTTP"), "\(error.reason)")
        #expect(server.requests.isEmpty, "refused before connecting")
    }

    @Test func plainHTTPToANonLoopbackHostIsRefusedEvenWithAllowHTTP() throws {
        let error = try #require(thrownError { () throws(JWTAuditError) in
            try fetcher(allowHTTP: true).get("http://login.microsoftonline.com/common/discovery/keys")
        })
        #expect(error.code == .unavailable)
        #expect(error.reason.contains("only loopback"), "\(error.reason)")
    }

    @Test func plainHTTPToLoopbackWithAllowHTTP() throws {
        let server = try TestServer(.plainHTTP)
        try server.serve("jwks.json", #"{"keys":[]}"#)
        for host in ["127.0.0.1", "localhost"] {
            let response = try fetcher(allowHTTP: true).get("http://\(host):\(server.port)/jwks.json")
            #expect(response.body == Array(#"{"keys":[]}"#.utf8), "via \(host)")
        }
        #expect(server.fetchCount("/jwks.json") == 2)
    }

    @Test func followsUpToThreeRedirects() throws {
        let server = try TestServer()
        let response = try fetcher().get(server.url("/redirect/3"))
        #expect(response.effectiveURL == server.url("/redirect/0"))
        let error = try #require(thrownError { () throws(JWTAuditError) in try fetcher().get(server.url("/redirect/4")) })
        #expect(error.code == .unavailable)
        #expect(error.reason.contains("more than 3 redirects"), "\(error.reason)")
        #expect(server.fetchCount("/redirect/0") == 1, "the fourth hop was never followed")
    }

    @Test func neverFollowsARedirectFromHTTPSToHTTP() throws {
        let server = try TestServer()
        let error = try #require(thrownError { () throws(JWTAuditError) in
            try fetcher(allowHTTP: true).get(server.url("/redirect-to-http"))
        })
        #expect(error.code == .unavailable)
        #expect(error.reason.contains("non-HTTPS"), "\(error.reason)")
        #expect(server.fetchCount("/jwks.json") == 0)
    }

    @Test func refusesBodiesOverOneMiB() throws {
        let server = try TestServer()
        let error = try #require(thrownError { () throws(JWTAuditError) in try fetcher().get(server.url("/oversize")) })
        #expect(error.code == .unavailable)
        #expect(error.reason.contains("response larger than 1 MiB"), "\(error.reason)")
        withExtendedLifetime(server) {}  // the server stays up until the test ends (see TestServer)
    }

    @Test func refusesBodiesOverOneMiBWithoutContentLength() throws {
        // A smaller cap shows the streaming cut-off (the write callback), not only CURLOPT_MAXFILESIZE.
        let server = try TestServer()
        try server.serve("jwks.json", #"{"keys":[],"pad":"\#(String(repeating: "x", count: 5000))"}"#)
        let f = HTTPFetcher(options: .init(timeoutSeconds: 5, caFile: try TestPKI.get().caFile, maxBodyBytes: 4096, environment: [:]))
        let error = try #require(thrownError { () throws(JWTAuditError) in try f.get(server.url("/jwks.json")) })
        #expect(error.reason.contains("response larger than 4096 bytes"), "\(error.reason)")
        withExtendedLifetime(server) {}  // the server stays up until the test ends (see TestServer)
    }

    @Test(arguments: ["ftp://127.0.0.1/keys", "file:///etc/passwd", "https://user:pw@127.0.0.1/keys", "https:///keys", "https://a b/"])
    func refusesUnusableURLs(url: String) throws {
        let error = try #require(thrownError { () throws(JWTAuditError) in try fetcher(allowHTTP: true).get(url) })
        #expect(error.code == .unavailable, "\(url)")
    }
}

enum TemporaryDirectoryReader {
    static func contents(of path: String) -> String? { Support.readFile(path) }
}
