import Testing
@testable import JWTAuditCore

@Suite("Policy request: where the token goes and how APIM reads it")
struct PolicyRequestTests {
    let token = "eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln"

    func resolved(_ attributes: String) throws -> ResolvedTokenValidation {
        try policy("<validate-jwt \(attributes)/>").validations[0].resolved()
    }

    @Test func placesTheTokenWhereThePolicyReadsIt() throws {
        let authorization = try resolved(#"header-name="Authorization""#)
        #expect(PolicyRequest.carrying(token, for: authorization) == PolicyRequest(headers: [("Authorization", "Bearer \(token)")]))
        let custom = try resolved(#"header-name="X-Token" require-scheme="Bearer""#)
        #expect(PolicyRequest.carrying(token, for: custom) == PolicyRequest(headers: [("X-Token", token)]))
        let query = try resolved(#"query-parameter-name="access_token""#)
        #expect(PolicyRequest.carrying(token, for: query) == PolicyRequest(queryParameters: [("access_token", token)]))
        for p in [authorization, custom, query] {
            #expect(TokenExtraction.extract(from: .carrying(token, for: p), for: p) == .token(token, note: p.location == .header("Authorization") ? "the \"Bearer \" prefix was removed (inferred: APIM documents this only with require-scheme and for validate-azure-ad-token)" : nil))
        }
    }

    @Test func parsesExplicitHeaders() throws {
        let request = try PolicyRequest.parsing(headerLines: ["authorization:  Bearer abc ", "X-Other: a:b"])
        #expect(request.header("Authorization") == "Bearer abc")
        #expect(request.header("x-other") == "a:b")
        #expect(throws: JWTAuditError(.invalidArgument, "request header 1 \"no colon\" is not \"Name: value\"")) {
            try PolicyRequest.parsing(headerLines: ["no colon"])
        }
        #expect(throws: JWTAuditError.self) { try PolicyRequest.parsing(headerLines: [": v"]) }
    }

    @Test func requireSchemeIsHonouredForAuthorization() throws {
        let p = try resolved(#"header-name="Authorization" require-scheme="Bearer""#)
        #expect(TokenExtraction.extract(from: PolicyRequest(headers: [("Authorization", "bearer \(token)")]), for: p) == .token(token, note: nil))
        guard case .schemeMismatch(let detail) = TokenExtraction.extract(from: PolicyRequest(headers: [("Authorization", "DPoP \(token)")]), for: p) else {
            Issue.record("a DPoP scheme passed require-scheme=Bearer")
            return
        }
        #expect(detail.contains("uses the scheme DPoP") && detail.contains("inferred"))
        guard case .schemeMismatch = TokenExtraction.extract(from: PolicyRequest(headers: [("Authorization", token)]), for: p) else {
            Issue.record("a bare token passed require-scheme=Bearer")
            return
        }
        guard case .notPresent = TokenExtraction.extract(from: PolicyRequest(headers: [("Authorization", "Bearer ")]), for: p) else {
            Issue.record("an empty Bearer value was not TokenNotPresent")
            return
        }
    }

    @Test func requireSchemeIsIgnoredForCustomHeaders() throws {
        let p = try resolved(#"header-name="X-Token" require-scheme="Bearer""#)
        // The whole value is the token: no scheme is demanded, none is stripped.
        #expect(TokenExtraction.extract(from: PolicyRequest(headers: [("X-Token", token)]), for: p) == .token(token, note: nil))
        guard case .token(let value, let note?) = TokenExtraction.extract(from: PolicyRequest(headers: [("X-Token", "Bearer \(token)")]), for: p) else {
            Issue.record("a Bearer-prefixed custom header gave no warning")
            return
        }
        #expect(value == "Bearer \(token)")
        #expect(note.contains("must be removed"))
    }

    @Test func noTokenIsTokenNotPresent() throws {
        let header = try resolved(#"header-name="Authorization""#)
        #expect(TokenExtraction.extract(from: PolicyRequest(), for: header) == .notPresent(detail: "no Authorization header in the request"))
        #expect(TokenExtraction.extract(from: PolicyRequest(headers: [("Authorization", "  ")]), for: header) == .notPresent(detail: "no Authorization header in the request"))
        let query = try resolved(#"query-parameter-name="t""#)
        #expect(TokenExtraction.extract(from: PolicyRequest(headers: [("t", token)]), for: query) == .notPresent(detail: "no query parameter t in the request"))
        let nowhere = try resolved("")
        guard case .notPresent = TokenExtraction.extract(from: .carrying(token, for: nowhere), for: nowhere) else {
            Issue.record("a validate-jwt with no token location found a token")
            return
        }
    }

    @Test func tokenValueExpressionNeedsItsValue() throws {
        let p = try policy(#"<validate-jwt token-value="@(context.Variables.GetValueOrDefault&lt;string&gt;(&quot;t&quot;))"/>"#).validations[0]
        #expect(throws: JWTAuditError.self) { try p.resolved() }
        let r = try p.resolved(expressionValues: [#"@(context.Variables.GetValueOrDefault<string>("t"))"#: token])
        #expect(TokenExtraction.extract(from: PolicyRequest(), for: r) == .token(token, note: nil))
    }

    @Test func validateAzureADTokenReadsAuthorizationByDefault() throws {
        let p = try policy("<validate-azure-ad-token tenant-id='t'/>").validations[0].resolved()
        #expect(PolicyRequest.carrying(token, for: p) == PolicyRequest(headers: [("Authorization", "Bearer \(token)")]))
        guard case .token(let value, _) = TokenExtraction.extract(from: .carrying(token, for: p), for: p) else {
            Issue.record("validate-azure-ad-token found no token in Authorization")
            return
        }
        #expect(value == token)
    }
}

@Suite("required-claims matching: match and separator")
struct PolicyRequiredClaimsTests {
    func claims(_ json: String) throws -> JSONObject {
        try #require(try JSONParser.parse(json).objectValue)
    }

    typealias Claim = ResolvedTokenValidation.Claim

    @Test func matchAllAndAny() throws {
        let token = try claims(#"{"roles":["A","B"],"appidacr":"1"}"#)
        #expect(RequiredClaims.evaluate([Claim(name: "roles", match: .all, values: ["A", "B"])], claims: token).checks[0].status == .pass)
        #expect(RequiredClaims.evaluate([Claim(name: "roles", match: .all, values: ["A", "C"])], claims: token).checks[0].status == .fail)
        #expect(RequiredClaims.evaluate([Claim(name: "roles", match: .any, values: ["A", "C"])], claims: token).checks[0].status == .pass)
        #expect(RequiredClaims.evaluate([Claim(name: "roles", match: .any, values: ["C"])], claims: token).checks[0].status == .fail)
        let outcome = RequiredClaims.evaluate([Claim(name: "appidacr", match: .any, values: ["2"])], claims: token)
        #expect(outcome.firstValueNotAllowed?.name == "appidacr")
        #expect(outcome.firstValueNotAllowed?.value == "1")
        #expect(outcome.missing == [])
    }

    @Test func separatorSplitsMultiValuedStrings() throws {
        let token = try claims(#"{"scp":"Orders.Read Orders.Write","groups":"a,b , c"}"#)
        #expect(RequiredClaims.evaluate([Claim(name: "scp", values: ["Orders.Read"])], claims: token).checks[0].status == .fail,
                "without a separator the whole string must equal the value")
        #expect(RequiredClaims.evaluate([Claim(name: "scp", separator: " ", values: ["Orders.Read"])], claims: token).checks[0].status == .pass)
        #expect(RequiredClaims.evaluate([Claim(name: "scp", match: .all, separator: " ", values: ["Orders.Read", "Orders.Write"])], claims: token).checks[0].status == .pass)
        #expect(RequiredClaims.evaluate([Claim(name: "groups", separator: ",", values: ["c"])], claims: token).checks[0].status == .pass)
        #expect(RequiredClaims.tokenValues(.string("a  b"), separator: " ") == ["a", "b"])
        #expect(RequiredClaims.tokenValues(.array(["x y", "z"]), separator: " ") == ["x", "y", "z"])
    }

    @Test func scalarsBecomeTheirText() {
        #expect(RequiredClaims.tokenValues(.number(JSONNumber(text: "2")), separator: nil) == ["2"])
        #expect(RequiredClaims.tokenValues(.bool(true), separator: nil) == ["true"])
        #expect(RequiredClaims.tokenValues(.null, separator: nil) == nil)
        #expect(RequiredClaims.tokenValues(nil, separator: nil) == nil)
    }

    @Test func missingClaimsAreAllListedInPolicyOrder() throws {
        let token = try claims(#"{"azp":"x","azpacr":"2"}"#)
        let outcome = RequiredClaims.evaluate([
            Claim(name: "appid", match: .any, values: ["x"]), Claim(name: "azp", values: ["x"]),
            Claim(name: "appidacr", match: .any, values: ["2"]),
        ], claims: token)
        #expect(outcome.missing == ["appid", "appidacr"])
        #expect(outcome.checks.map(\.name) == ["claim:appid", "claim:azp", "claim:appidacr"])
        #expect(outcome.checks.map(\.status) == [.fail, .pass, .fail])
    }

    @Test func aClaimWithoutValuesOnlyNeedsToBePresent() throws {
        let token = try claims(#"{"tid":"t"}"#)
        #expect(RequiredClaims.evaluate([Claim(name: "tid", values: [])], claims: token).checks[0].status == .pass)
        #expect(RequiredClaims.evaluate([Claim(name: "oid", values: [])], claims: token).missing == ["oid"])
    }
}
