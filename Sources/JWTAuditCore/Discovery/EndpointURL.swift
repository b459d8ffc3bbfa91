/// An absolute `https://` (or, for loopback only, `http://`) URL that jwtaudit may fetch, split just enough to
/// decide whether it may be fetched. Parsing is deliberately narrow: the rest of the URL is libcurl's business.
///
/// The design rule: "HTTPS only (plain HTTP only for loopback, and only when asked)".
public struct EndpointURL: Sendable, Equatable, CustomStringConvertible {
    public enum Scheme: String, Sendable { case https, http }

    public let text: String
    public let scheme: Scheme
    /// Lower-cased host; IPv6 literals keep their brackets (`[::1]`).
    public let host: String

    public var description: String { text }

    /// Parses `text`, refusing anything that is not an absolute http(s) URL with a host: no spaces, no control
    /// characters, no user information (credentials in a URL would end up in logs and the cache).
    public init(_ text: String) throws(JWTAuditError) {
        func bad(_ why: String) -> JWTAuditError { JWTAuditError(.invalidArgument, "URL '\(text)' is not usable: \(why)") }
        if text.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) { throw bad("it contains spaces or control characters") }
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            scheme = .https; rest = text.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            scheme = .http; rest = text.dropFirst(7)
        } else {
            throw bad("only https:// URLs are fetched")
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") { throw bad("user information (credentials) in a URL is not accepted") }
        var host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw bad("unterminated IPv6 literal") }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty && !after.hasPrefix(":") { throw bad("garbage after the IPv6 literal") }
        } else {
            host = authority.prefix { $0 != ":" }
        }
        if host.isEmpty { throw bad("it has no host") }
        if let colon = authority.dropFirst(host.count).first, colon == ":" {
            let port = authority.dropFirst(host.count + 1)
            guard !port.isEmpty, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber), let n = Int(port), n > 0, n < 65536
            else { throw bad("the port is not a number from 1 to 65535") }
        }
        self.text = text
        self.host = host.lowercased()
    }

    /// `localhost`, any address in 127.0.0.0/8, or `[::1]`: the only hosts plain HTTP may reach.
    public var isLoopback: Bool {
        if host == "localhost" || host == "[::1]" || host == "[0:0:0:0:0:0:0:1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { p in !p.isEmpty && p.count <= 3 && p.allSatisfy { $0.isASCII && $0.isNumber } && Int(p)! <= 255 }
    }
}
