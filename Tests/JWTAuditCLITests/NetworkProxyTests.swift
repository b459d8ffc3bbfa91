import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// HTTPS_PROXY / NO_PROXY, with libcurl's precedence, from an injected environment (the process environment is
/// shared by parallel tests, so it is never modified here).
@Suite("Proxies from the environment")
struct NetworkProxyTests {
    func fetcher(_ environment: [String: String]) -> HTTPFetcher {
        HTTPFetcher(options: .init(timeoutSeconds: 5, caFile: (try? TestPKI.get().caFile) ?? "/missing-test-ca.pem",
            environment: environment))
    }

    @Test func tunnelsThroughHTTPSProxy() throws {
        let server = try TestServer()
        let proxy = try TestServer(.connectProxy)
        try server.serve("jwks.json", #"{"keys":[]}"#)
        let response = try fetcher(["HTTPS_PROXY": proxy.base]).get(server.url("/jwks.json"))
        #expect(response.body == Array(#"{"keys":[]}"#.utf8))
        #expect(proxy.requests == ["CONNECT 127.0.0.1:\(server.port)"], "the proxy carried the request: \(proxy.requests)")
        #expect(server.fetchCount("/jwks.json") == 1)
    }

    @Test func lowerCaseHTTPSProxyWinsAndAllProxyIsTheFallback() throws {
        let server = try TestServer()
        let proxy = try TestServer(.connectProxy)
        try server.serve("jwks.json", #"{"keys":[]}"#)
        for environment in [["https_proxy": proxy.base, "HTTPS_PROXY": "http://127.0.0.1:9"], ["ALL_PROXY": proxy.base]] {
            do {
                _ = try fetcher(environment).get(server.url("/jwks.json"))
            } catch {
                Issue.record("\(environment): \(error)\nproxy: \(proxy.diagnostics)\nserver: \(server.diagnostics)")
            }
        }
        #expect(proxy.requests.count == 2, "\(proxy.requests)")
        // Both fetches reached the server. (Also keeps `server` alive to here: Swift may end an object's life after
        // its last use, and this one's deinit stops the server process.)
        #expect(server.fetchCount("/jwks.json") == 2)
    }

    @Test func noProxyBypassesTheProxy() throws {
        let server = try TestServer()
        try server.serve("jwks.json", #"{"keys":[]}"#)
        // A proxy that refuses connections: reaching the server at all proves the bypass.
        let dead = try TestServer(.connectProxy)
        let deadURL = dead.base
        dead.stop()
        let viaDead = thrownError { () throws(JWTAuditError) in try fetcher(["HTTPS_PROXY": deadURL]).get(server.url("/jwks.json")) }
        #expect(viaDead?.code == .unavailable, "the dead proxy is used without NO_PROXY")
        for noProxy in ["127.0.0.1", "localhost,127.0.0.1", "*"] {
            let response = try fetcher(["HTTPS_PROXY": deadURL, "NO_PROXY": noProxy]).get(server.url("/jwks.json"))
            #expect(response.body == Array(#"{"keys":[]}"#.utf8), "NO_PROXY=\(noProxy)")
        }
        _ = try fetcher(["https_proxy": deadURL, "no_proxy": "127.0.0.1"]).get(server.url("/jwks.json"))
        #expect(server.fetchCount("/jwks.json") == 4)
    }

    @Test func upperCaseHTTPProxyIsIgnoredForPlainHTTP() throws {
        // libcurl ignores HTTP_PROXY (httpoxy: a CGI request header could set it); so does jwtaudit.
        let f = HTTPFetcher(options: .init(environment: ["HTTP_PROXY": "http://127.0.0.1:9", "https_proxy": "http://p:1"]))
        #expect(f.proxySettings(for: try EndpointURL("http://127.0.0.1/")).proxy == "")
        #expect(f.proxySettings(for: try EndpointURL("https://127.0.0.1/")).proxy == "http://p:1")
    }
}
