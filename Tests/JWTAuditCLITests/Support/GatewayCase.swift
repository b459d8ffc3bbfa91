import Testing
import JWTAuditCore

/// One documented APIM behaviour, as a request against a policy and the answer the gateway gives, run end to end
/// through the built binary by both commands that answer it (`check-policy --json` and `explain --json`), in both
/// request forms (the token argument, placed where the policy reads it, and `--request-header` lines exactly as a
/// client sends them). `GatewayCase.check` asserts that the two commands give the same exit status and the same
/// verdict object, and that the verdict is the documented one.
struct GatewayCase: Sendable, CustomTestStringConvertible {
    /// How the case's token is made, at test time (real signatures, made by openssl with the examples' keys).
    enum Token: Sendable {
        /// A shipped token, `examples/tokens/NAME`.
        case example(String)
        /// RS256 over `PolicyTest.claims(changes)`, by the tenant key (or `other`), with the tenant key's kid or `kid`.
        case rs256([Change] = [], otherKey: Bool = false, kid: String? = nil)
        /// RS256 with no `kid` in the header.
        case rs256NoKid([Change] = [], otherKey: Bool = false)
        /// HS256 over `PolicyTest.claims(changes)` with the secret given in hex.
        case hs256([Change] = [], secretHex: String, kid: String? = nil)
        /// `alg: none`, no signature.
        case unsigned([Change] = [])
        /// This text, as it is.
        case text(String)

        func make() throws -> String {
            switch self {
            case .example(let name): return try #require(Support.readFile("examples/tokens/" + name)).trimmed()
            case .rs256(let changes, let otherKey, let kid):
                return try PolicyTest.rs256(
                    PolicyTest.claims(changes.map { ($0.name, $0.json) }), key: otherKey ? PolicyTest.otherKey : PolicyTest.tenantKey,
                    kid: kid)
            case .rs256NoKid(let changes, let otherKey):
                return try PolicyTest.sign(
                    header: #"{"typ":"JWT","alg":"RS256"}"#, payload: PolicyTest.claims(changes.map { ($0.name, $0.json) }),
                    openssl: ["-sign", otherKey ? PolicyTest.otherKey : PolicyTest.tenantKey])
            case .hs256(let changes, let secretHex, let kid):
                return try PolicyTest.hs256(PolicyTest.claims(changes.map { ($0.name, $0.json) }), secretHex: secretHex, kid: kid)
            case .unsigned(let changes):
                return Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "."
                    + Base64URL.encode(Array(PolicyTest.claims(changes.map { ($0.name, $0.json) }).utf8)) + "."
            case .text(let text): return text
            }
        }
    }

    /// One claim set to a JSON value, or removed (`json` nil).
    struct Change: Sendable {
        var name: String
        var json: String?
        static func set(_ name: String, _ json: String) -> Change { Change(name: name, json: json) }
        static func string(_ name: String, _ value: String) -> Change { Change(name: name, json: "\"\(value)\"") }
        static func remove(_ name: String) -> Change { Change(name: name, json: nil) }
        /// A v2.0 token of the example tenant: v2 issuer, azp/azpacr instead of appid/appidacr.
        static let v2: [Change] = [
            .string("iss", PolicyTest.v2Issuer), .remove("appid"), .remove("appidacr"),
            .string("azp", PolicyTest.client), .string("azpacr", "2"), .string("ver", "2.0"),
        ]
    }

    /// What the gateway answers.
    enum Answer: Sendable {
        case accepted
        /// Refused with this status and reason; the LastError message contains `message` (when given) and the
        /// body's message is `body` (when given).
        case rejected(Int, String, message: String? = nil, body: String? = nil)
        /// Not decidable offline: exit 3 with every string of `mentions` on standard error.
        case cannotEvaluate([String])
        /// Keys the gateway holds and jwtaudit was not given: exit 2 with every string of `mentions` on standard error.
        case cannotDecide([String])
    }

    var name: String
    var policy: String
    /// The request's token: placed by jwtaudit in the argument form, `{token}` in `headers` in the header form.
    var token: Token?
    /// The request as a client sends it; `{token}` stands for the token. Empty: no header form.
    var headers: [String]
    /// Whether the token argument form runs (a case about the raw request alone has none).
    var argumentForm: Bool
    /// More options for both commands and both forms (`--expression-value`, `--certificate`, `--at`).
    var options: [String]
    var answer: Answer

    init(
        _ name: String, policy: String, token: Token?, headers: [String] = ["Authorization: Bearer {token}"],
        argumentForm: Bool = true, options: [String] = [], _ answer: Answer
    ) {
        self.name = name
        self.policy = policy
        self.token = token
        self.headers = headers
        self.argumentForm = argumentForm && token != nil
        self.options = options
        self.answer = answer
    }

    var testDescription: String { name }

    /// Runs the case in each of its forms through both commands and checks the answer.
    func check(cacheDirectory: String = PolicyTest.example("cache")) throws {
        let (directory, path) = try PolicyTest.policy(policy)
        defer { _ = directory }
        let tokenText = try token?.make()
        var forms: [(label: String, arguments: [String])] = []
        if argumentForm, let tokenText { forms.append(("token argument", [tokenText])) }
        if !headers.isEmpty {
            let lines = headers.map { $0.replacing("{token}", with: tokenText ?? "") }
            forms.append(("--request-header", lines.flatMap { ["--request-header", $0] }))
        }
        try #require(!forms.isEmpty, "\(name): the case has no request form")
        let common = ["--policy", path, "--json", "--offline", "--cache-dir", cacheDirectory, "--at", PolicyTest.at]
            + options.map { $0.replacing("{token}", with: tokenText ?? "") }
        for form in forms {
            let what = "\(name) [\(form.label)]"
            let compared = try PolicyTest.bothCommands(common + form.arguments)
            try Self.expect(answer, compared, what)
        }
    }

    static func expect(_ answer: Answer, _ compared: PolicyTest.BothCommands, _ what: String) throws {
        let checked = compared.checkPolicy
        let explained = compared.explain
        #expect(checked.status == explained.status, "\(what): check-policy exits \(checked.status), explain \(explained.status)\n\(checked.stderr)\(explained.stderr)")
        switch answer {
        case .cannotDecide(let mentions):
            #expect(checked.status == 2 && explained.status == 2, "\(what): \(checked.stdout)\(checked.stderr)")
            #expect(checked.stdout.isEmpty && explained.stdout.isEmpty, "\(what): nothing on stdout")
            #expect(checked.stderr == explained.stderr, "\(what): both say it the same way")
            for mention in mentions { #expect(checked.stderr.contains(mention), "\(what): \(checked.stderr) should name \(mention)") }
        case .cannotEvaluate(let mentions):
            #expect(checked.status == 3 && explained.status == 3, "\(what): \(checked.stdout)")
            #expect(checked.stdout.isEmpty, "\(what): nothing on stdout")
            #expect(checked.stderr == explained.stderr, "\(what): both say it the same way\n\(checked.stderr)\n\(explained.stderr)")
            for mention in mentions { #expect(checked.stderr.contains(mention), "\(what): \(checked.stderr) should name \(mention)") }
        case .accepted:
            let verdict = try #require(compared.verdict, "\(what): \(checked.stderr)\(checked.stdout)")
            #expect(checked.status == 0, "\(what): \(verdict)")
            #expect(verdict["accepted"] == .bool(true) && verdict["statusCode"] == 200, "\(what): \(verdict)")
            #expect(verdict["body"] == .null && verdict["lastError"] == .null, "\(what)")
        case .rejected(let status, let reason, let message, let body):
            let verdict = try #require(compared.verdict, "\(what): \(checked.stderr)\(checked.stdout)")
            #expect(checked.status == 1, "\(what): \(checked.stderr)")
            #expect(verdict["accepted"] == .bool(false), "\(what)")
            #expect(verdict["statusCode"]?.numberValue?.int64Value == Int64(status), "\(what): \(verdict)")
            #expect(verdict["body"]?.objectValue?["statusCode"]?.numberValue?.int64Value == Int64(status), "\(what)")
            let lastError = verdict["lastError"]?.objectValue
            #expect(lastError?["reason"]?.stringValue == reason, "\(what): \(lastError?["message"]?.stringValue ?? "")")
            #expect(lastError?["source"]?.stringValue?.hasPrefix("validate-") == true, "\(what)")
            if let message {
                let said = lastError?["message"]?.stringValue ?? ""
                #expect(said.contains(message), "\(what): \(said)")
            }
            if let body { #expect(verdict["body"]?.objectValue?["message"]?.stringValue == body, "\(what)") }
        }
    }
}

extension PolicyTest {
    /// The same arguments run by `check-policy` and by `explain`, and the verdict object when both gave one.
    struct BothCommands {
        var checkPolicy: Support.Result
        var explain: Support.Result
        /// check-policy's verdict object (its four top-level members), after checking that explain's `"verdict"` is
        /// the same object; nil when either printed no JSON.
        var verdict: JSONObject?
    }

    /// Runs `check-policy` and `explain` with the same arguments and compares their verdicts: `explain --json`'s
    /// `"verdict"` must equal the object made of `check-policy --json`'s `accepted`, `statusCode`, `body` and
    /// `lastError`, member for member.
    static func bothCommands(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> BothCommands {
        let checked = try run(["check-policy"] + arguments)
        let explained = try run(["explain"] + arguments)
        guard let checkJSON = try? JSONParser.parse(checked.stdout).objectValue,
            let explainJSON = try? JSONParser.parse(explained.stdout).objectValue
        else {
            return BothCommands(checkPolicy: checked, explain: explained, verdict: nil)
        }
        let verdict = JSONObject(["accepted", "statusCode", "body", "lastError"].map { ($0, checkJSON[$0] ?? .null) })
        #expect(explainJSON["verdict"] == .object(verdict), "explain's verdict differs from check-policy's", sourceLocation: sourceLocation)
        #expect(explainJSON["verdict"]?.objectValue?.keys == ["accepted", "statusCode", "body", "lastError"], sourceLocation: sourceLocation)
        return BothCommands(checkPolicy: checked, explain: explained, verdict: verdict)
    }

    /// A validate-jwt on the example tenant's v1.0 metadata and audience: `attributes` added to the start tag,
    /// `children` after the audiences.
    static func tenantJWT(_ attributes: String = "", _ children: String = "", header: String = #"header-name="Authorization""#) -> String {
        """
        <validate-jwt \(header)\(attributes.isEmpty ? "" : " " + attributes)>
          <openid-config url="https://login.microsoftonline.com/\(tenant)/.well-known/openid-configuration" />
          <audiences><audience>https://myapi.dewi.red</audience></audiences>
          \(children)
        </validate-jwt>
        """
    }
}

extension PolicyTest {
    /// A cache directory holding the examples' entries and `documents`, each `(url, content)` written in
    /// DiskCache's format (examples/make-cache.sh): a header (magic, url, fetched-at, lifetime, forced-refetch-at,
    /// length, sha256), a blank line, the content; named by the SHA-256 of the URL.
    static func cache(with documents: [(url: String, content: String)]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        let copied = try Subprocess.run(["sh", "-c", "cp -- \"$0\"/*.entry \"$1\"/", example("cache"), directory.path])
        try #require(copied == 0, "cannot copy the examples' cache")
        for (url, content) in documents {
            let header = "jwtaudit-cache 1\nurl \(url)\nfetched-at 1767225600\nlifetime 3600\nforced-refetch-at -\n"
                + "length \(content.utf8.count)\nsha256 \(try Digest.sha256Hex(Array(content.utf8)))\n\n"
            try directory.write(try Digest.sha256Hex(Array(url.utf8)) + ".entry", header + content)
        }
        return directory
    }

    /// Entra metadata for `tenant` (a domain, common or organizations) at the public cloud, v1.0 and v2.0, whose
    /// issuer is `issuer(version)` and whose key set is the examples' JWKS.
    static func entraMetadata(
        tenant: String, issuerV1: String, issuerV2: String, authority: String = "https://login.microsoftonline.com"
    ) throws -> [(url: String, content: String)] {
        let jwks = try #require(Support.readFile("examples/keys/jwks.json"))
        let base = "\(authority)/\(tenant)"
        return [
            (base + "/.well-known/openid-configuration",
             #"{"token_endpoint":"\#(base)/oauth2/token","jwks_uri":"\#(base)/discovery/keys","issuer":"\#(issuerV1)"}"#),
            (base + "/v2.0/.well-known/openid-configuration",
             #"{"token_endpoint":"\#(base)/oauth2/v2.0/token","jwks_uri":"\#(base)/discovery/v2.0/keys","issuer":"\#(issuerV2)"}"#),
            (base + "/discovery/keys", jwks),
            (base + "/discovery/v2.0/keys", jwks),
        ]
    }
}

