#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// Helpers for the check-policy end-to-end tests: the built binary, the shipped examples, and tokens signed
/// for a test by `openssl` with the examples' tenant key (real RS256 and HMAC signatures, no fixtures of
/// results).
enum PolicyTest {
    static let root = Support.packageRoot
    static func example(_ relative: String) -> String { root + "/examples/" + relative }
    static let tenantKey = example("keys/tenant-signing-key.pem")
    static let otherKey = example("keys/other-signing-key.pem")
    /// A fixed instant (2026-06-01T00:00:00Z): after `expired-v1.jwt` died, long before the others expire.
    static let at = "2026-06-01T00:00:00Z"
    static let atSeconds: Int64 = 1_780_272_000
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
    static let client = "1105ae9f-6be2-42a2-9439-7a17934226ac"
    static let v1Issuer = "https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/"
    static let v2Issuer = "https://login.microsoftonline.com/3d6e366f-9587-413b-ab6b-0a851b1b91ba/v2.0"
    static let offline = ["--offline", "--cache-dir", example("cache"), "--at", at]

    /// Runs the built binary.
    static func run(_ arguments: [String], stdin: [UInt8] = []) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first: \(Support.binaryPath) is missing")
        return Support.spawn(Support.binaryPath, arguments, stdin: stdin, environment: ["HOME": "/nonexistent"])
    }

    static func json(_ result: Support.Result) throws -> JSONObject {
        try #require(try JSONParser.parse(result.stdout).objectValue, "stdout is not a JSON object: \(result.stdout) \(result.stderr)")
    }

    static func reason(_ result: Support.Result) throws -> String? {
        try json(result)["lastError"]?.objectValue?["reason"]?.stringValue
    }

    /// The kid of the examples' tenant key, read from a shipped token's header.
    static var tenantKid: String {
        get throws {
            let text = try #require(Support.readFile("examples/tokens/certificate-v1.jwt"))
            return try #require(try CompactToken.parse(text.trimmed()).keyID)
        }
    }

    /// A v1.0 certificate token's claims, with `changes` applied (a nil value removes the claim).
    static func claims(_ changes: [(String, String?)] = []) -> String {
        var members: [(String, String)] = [
            ("aud", "\"https://myapi.dewi.red\""), ("iss", "\"\(v1Issuer)\""), ("iat", "1767225600"),
            ("nbf", "1767225600"), ("exp", "4102444800"), ("appid", "\"\(client)\""), ("appidacr", "\"2\""),
            ("tid", "\"\(tenant)\""), ("ver", "\"1.0\""),
        ]
        for (name, value) in changes {
            if let index = members.firstIndex(where: { $0.0 == name }) {
                if let value { members[index].1 = value } else { members.remove(at: index) }
            } else if let value {
                members.append((name, value))
            }
        }
        return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// An RS256 token signed with `key` (default: the examples' tenant key, with its kid).
    static func rs256(_ payload: String, key: String = tenantKey, kid: String? = nil) throws -> String {
        let headerKid = try kid ?? tenantKid
        let header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"\(headerKid)\"}"
        return try sign(header: header, payload: payload, openssl: ["-sign", key])
    }

    /// An HS256 token with the secret given in hex.
    static func hs256(_ payload: String, secretHex: String, kid: String? = nil) throws -> String {
        let header = "{\"typ\":\"JWT\",\"alg\":\"HS256\"\(kid.map { ",\"kid\":\"\($0)\"" } ?? "")}"
        return try sign(header: header, payload: payload, openssl: ["-mac", "HMAC", "-macopt", "hexkey:\(secretHex)", "-binary"])
    }

    static func sign(header: String, payload: String, openssl: [String]) throws -> String {
        let directory = try TemporaryDirectory()
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        try directory.write("input", input)
        let status = try Subprocess.run(
            ["openssl", "dgst", "-sha256"] + openssl + ["-out", directory.path + "/sig", directory.path + "/input"],
            outputFile: directory.path + "/log")
        try #require(status == 0, "openssl failed: \(directory.read("log") ?? "")")
        let signature = try #require(Support.readBytes(directory.path + "/sig"))
        return input + "." + Base64URL.encode(signature)
    }

    /// A policy file in a fresh directory (kept alive by the returned value).
    static func policy(_ xml: String, name: String = "policy.xml") throws -> (directory: TemporaryDirectory, path: String) {
        let directory = try TemporaryDirectory()
        try directory.write(name, xml)
        return (directory, directory.path + "/" + name)
    }
}

extension String {
    func trimmed() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...lastIndex(where: { !isSpace($0) })!])
    }
}
