import Glibc
import Testing
@testable import JWTAuditCore

/// Reads a file of the package's `examples/policies`.
func examplePolicyBytes(_ name: String) throws -> [UInt8] {
    guard let bytes = CryptoTestSupport.readFile(Fixtures.packageRoot + "/examples/policies/" + name) else {
        throw JWTAuditError(.invalidArgument, "examples/policies/\(name) not found in \(Fixtures.packageRoot)")
    }
    return bytes
}

func policy(_ xml: String, namedValues: [String: String]? = nil) throws -> PolicyDocument {
    try PolicyDocument(bytes: Array(xml.utf8), sourceName: "p.xml", namedValues: namedValues)
}

@Suite("Policy model: validate-jwt and validate-azure-ad-token")
struct PolicyModelTests {
    @Test func documentedDefaultsApply() throws {
        let doc = try policy(#"<validate-jwt header-name="Authorization"><required-claims><claim name="roles"><value>A</value></claim></required-claims></validate-jwt>"#)
        let p = try #require(doc.validations.first)
        #expect(p.failedValidationHTTPCode == nil && p.audiences == nil && p.issuers == nil)
        let r = try p.resolved()
        #expect(r.failedValidationHTTPCode == 401)
        #expect(r.requireExpirationTime == true)
        #expect(r.requireSignedTokens == true)
        #expect(r.clockSkewSeconds == 0)
        #expect(r.requiredClaims == [.init(name: "roles", match: .all, separator: nil, values: ["A"])])
        #expect(r.location == .header("Authorization"))
        #expect(r.failedValidationErrorMessage == nil)
    }

    @Test func readsEveryDocumentedAttributeAndChild() throws {
        let xml = """
            <validate-jwt query-parameter-name="access_token" failed-validation-httpcode="403"
              failed-validation-error-message="Nope" require-expiration-time="false" require-scheme="Bearer"
              require-signed-tokens="false" clock-skew="30" output-token-variable-name="jwt">
              <openid-config url="https://a.example/.well-known/openid-configuration" />
              <openid-config url="https://b.example/.well-known/openid-configuration" validate-connectivity="false" />
              <issuer-signing-keys>
                <key id="k1" n="0vx7" e="AQAB" />
                <key certificate-id="my-cert" />
                <key>c2VjcmV0</key>
              </issuer-signing-keys>
              <decryption-keys><key certificate-id="dec" /></decryption-keys>
              <audiences><audience>a1</audience><audience> a2 </audience></audiences>
              <issuers><issuer>i1</issuer></issuers>
              <required-claims>
                <claim name="scp" match="any" separator=" "><value>read</value><value>write</value></claim>
              </required-claims>
            </validate-jwt>
            """
        let p = try #require(try policy(xml).validations.first)
        #expect(p.tokenLocation == .queryParameter(.literal("access_token")))
        #expect(p.outputTokenVariableName == "jwt")
        #expect(p.openIDConfigs.map(\.url) == [.literal("https://a.example/.well-known/openid-configuration"), .literal("https://b.example/.well-known/openid-configuration")])
        #expect(p.openIDConfigs[1].validateConnectivity == "false")
        #expect(p.issuerSigningKeys == [
            PolicyKey(id: "k1", modulus: "0vx7", exponent: "AQAB", line: 7),
            PolicyKey(certificateID: "my-cert", line: 8),
            PolicyKey(base64Value: .literal("c2VjcmV0"), line: 9),
        ])
        #expect(p.decryptionKeys == [PolicyKey(certificateID: "dec", line: 11)])
        let r = try p.resolved()
        #expect(r.failedValidationHTTPCode == 403)
        #expect(r.failedValidationErrorMessage == .literal("Nope"))
        #expect(r.requireExpirationTime == false && r.requireSignedTokens == false)
        #expect(r.requireScheme == "Bearer" && r.clockSkewSeconds == 30)
        #expect(r.audiences == ["a1", "a2"] && r.issuers == ["i1"])
        #expect(r.requiredClaims == [.init(name: "scp", match: .any, separator: " ", values: ["read", "write"])])
    }

    @Test func readsValidateAzureADToken() throws {
        let doc = try PolicyDocument(bytes: try examplePolicyBytes("azure-ad-token.xml"), sourceName: "azure-ad-token.xml")
        let p = try #require(doc.validations.first)
        #expect(p.kind == .validateAzureADToken)
        #expect(p.placement.section == .inbound && !p.placement.conditional)
        let r = try p.resolved()
        #expect(r.location == .header("Authorization"), "validate-azure-ad-token's header-name defaults to Authorization")
        #expect(r.tenantID == "3d6e366f-9587-413b-ab6b-0a851b1b91ba")
        #expect(r.clientApplicationIDs == ["1105ae9f-6be2-42a2-9439-7a17934226ac"])
        #expect(r.azureADIssuers == ["https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/", "https://login.microsoftonline.com/3d6e366f-9587-413b-ab6b-0a851b1b91ba/v2.0"])
        #expect(r.acceptedAudiences == ["https://myapi.dewi.red", "c9a3b3d1-7c4e-4a55-9d8f-2f0e6b1a5c77"])
        #expect(r.acceptedIssuers == r.azureADIssuers)
        let organizations = try policy("<validate-azure-ad-token tenant-id='https://login.microsoftonline.com/organizations'/>").validations[0].resolved()
        #expect(organizations.acceptedIssuers == nil, "any tenant: no fixed issuer list")
        let jwt = try policy("<validate-jwt header-name='A'><issuers><issuer>i</issuer></issuers></validate-jwt>").validations[0].resolved()
        #expect(jwt.acceptedIssuers == ["i"] && jwt.azureADIssuers == nil)
    }

    @Test func seedPolicyReadsAsWritten() throws {
        let doc = try PolicyDocument(bytes: try examplePolicyBytes("certificate-only-v1.xml"), sourceName: "certificate-only-v1.xml")
        let r = try #require(try doc.validations.first?.resolved())
        #expect(r.openIDConfigURLs == ["https://login.microsoftonline.com/3d6e366f-9587-413b-ab6b-0a851b1b91ba/.well-known/openid-configuration"])
        #expect(r.audiences == ["https://myapi.dewi.red"])
        #expect(r.requiredClaims.map(\.name) == ["appid", "appidacr"])
        #expect(r.requiredClaims.allSatisfy { $0.match == .any })
        #expect(r.failedValidationErrorMessage == .literal("Unauthorized - Failed policy requirements, or token is invalid or missing."))
        #expect(doc.validations[0].placement.section == nil, "a bare fragment has no section")
    }

    @Test func findsValidationsInDocumentOrderWithSectionsAndConditions() throws {
        let xml = """
            <policies>
              <inbound>
                <validate-jwt header-name="Authorization"><audiences><audience>a</audience></audiences></validate-jwt>
                <choose>
                  <when condition="@(true)">
                    <validate-azure-ad-token tenant-id="t" />
                  </when>
                </choose>
              </inbound>
              <backend><forward-request /></backend>
              <outbound><validate-jwt header-name="X-T" /></outbound>
              <on-error />
            </policies>
            """
        let found = try policy(xml).validations
        #expect(found.map(\.kind) == [.validateJWT, .validateAzureADToken, .validateJWT])
        #expect(found.map(\.placement.line) == [3, 6, 11])
        #expect(found.map(\.placement.section) == [.inbound, .inbound, .outbound])
        #expect(found.map(\.placement.conditional) == [false, true, false])
        #expect(found.allSatisfy { $0.placement.source == "p.xml" })
    }

    @Test func acceptsABareFragmentOfSeveralElements() throws {
        let found = try policy("<validate-jwt header-name=\"A\"/>\n<validate-jwt header-name=\"B\"/>").validations
        #expect(found.map(\.tokenLocation) == [.header(.literal("A")), .header(.literal("B"))])
    }

    @Test func readsAPolicyWithoutValidationAndRefusesBrokenStructure() throws {
        #expect(try policy("<policies><inbound/></policies>").validatesToken == false)
        #expect(throws: JWTAuditError(.malformedPolicy, "p.xml: line 1, column 1: <html> is not an APIM policy: expected <policies>, <fragment>, a section such as <inbound>, or policy statements such as <validate-jwt>")) {
            try policy("<html><body/></html>")
        }
        #expect(throws: JWTAuditError.self) {
            try PolicyDocument(scopes: [(Array("<policies><inbound/></policies>".utf8), "p.xml")])
        }
        #expect(throws: JWTAuditError(.malformedPolicy, "p.xml: line 1, column 32: <claim> has no name attribute")) {
            try policy("<validate-jwt><required-claims><claim><value>x</value></claim></required-claims></validate-jwt>")
        }
        #expect(throws: JWTAuditError.self) {
            try policy("<validate-jwt header-name='A'><issuer-signing-keys><key n='abc'/></issuer-signing-keys></validate-jwt>")
        }
        #expect(throws: JWTAuditError.self) {
            try policy("<validate-jwt header-name='A' clock-skew='soon'/>").validations[0].resolved()
        }
        #expect(throws: JWTAuditError.self) {
            try policy("<validate-jwt header-name='A' require-signed-tokens='yes'/>").validations[0].resolved()
        }
        #expect(throws: JWTAuditError.self) {
            try policy("<validate-jwt header-name='A'><required-claims><claim name='x' match='some'/></required-claims></validate-jwt>").validations[0].resolved()
        }
    }
}

@Suite("Named values and policy expressions")
struct PolicyNamedValueTests {
    @Test func resolvesNamedValuesInAttributesAndText() throws {
        let doc = try policy(
            #"<validate-jwt header-name="X-{{h}}"><audiences><audience>{{aud}}</audience></audiences><required-claims><claim name="appid"><value>{{app}}</value></claim></required-claims></validate-jwt>"#,
            namedValues: ["h": "Token", "aud": "api://x", "app": "{{not-recursive}}"])
        let r = try doc.validations[0].resolved()
        #expect(r.location == .header("X-Token"))
        #expect(r.audiences == ["api://x"])
        #expect(r.requiredClaims[0].values == ["{{not-recursive}}"], "named values can't contain other named values")
    }

    @Test func reportsEveryMissingNameAtOnce() {
        let xml = #"<validate-jwt header-name="{{a}}"><audiences><audience>{{b}}</audience><audience>{{a}}</audience></audiences><issuers><issuer>{{c.d}}</issuer></issuers></validate-jwt>"#
        #expect(throws: JWTAuditError(.unevaluable, "named values not supplied: a, b, c.d (give each with --named-value NAME=VALUE or --named-values FILE)")) {
            try policy(xml, namedValues: [:])
        }
        #expect(throws: JWTAuditError(.unevaluable, "named value not supplied: c.d (give each with --named-value NAME=VALUE or --named-values FILE)")) {
            try policy(xml, namedValues: ["a": "1", "b": "2"])
        }
    }

    @Test func leavesTextThatIsNotANamedValue() {
        #expect(NamedValues.references(in: "{{a b}} {{}} {{ok-1}} {{x") == ["ok-1"])
        #expect(NamedValues.substitute("a{{x}}b{{y}}", { $0 == "x" ? "1" : nil }) == "a1b{{y}}")
    }

    @Test func detectsExpressions() throws {
        #expect(PolicyValue("@(context.Request.OriginalUrl.Host)") == .expression("@(context.Request.OriginalUrl.Host)"))
        #expect(PolicyValue("  @{ return \"x\"; }\n") == .expression("@{ return \"x\"; }"))
        #expect(PolicyValue("mail@(example)") == .literal("mail@(example)"))
        #expect(PolicyValue("@home") == .literal("@home"))

        let xml = #"<validate-jwt header-name="Authorization" clock-skew="@(30)"><audiences><audience>@(context.Request.OriginalUrl.Host)</audience></audiences></validate-jwt>"#
        let p = try policy(xml).validations[0]
        #expect(p.expressions.map(\.expression) == ["@(30)", "@(context.Request.OriginalUrl.Host)"])
        #expect(p.audiences == [.expression("@(context.Request.OriginalUrl.Host)")])
        #expect(throws: JWTAuditError(.unevaluable, "clock-skew is the policy expression @(30), which cannot be run offline; supply its value")) {
            try p.resolved()
        }
        let r = try p.resolved(expressionValues: ["@(30)": "30", "@(context.Request.OriginalUrl.Host)": "api.example"])
        #expect(r.clockSkewSeconds == 30 && r.audiences == ["api.example"])
    }
}

@Suite("Composing scopes with <base />")
struct PolicyCompositionTests {
    func scope(_ xml: String, _ name: String) throws -> [XMLElement] { try XMLReader.parse(xml, sourceName: name) }

    @Test func baseSplicesTheOuterSectionInPlace() throws {
        let global = try scope("<policies><inbound><validate-jwt header-name='G'/></inbound><backend><forward-request/></backend><outbound/></policies>", "global.xml")
        let api = try scope("<policies><inbound><validate-jwt header-name='A1'/><base /><validate-jwt header-name='A2'/></inbound><backend><base/></backend><outbound><base/></outbound></policies>", "api.xml")
        let operation = try scope("<policies><inbound><base/><validate-jwt header-name='O'/></inbound><backend><base/></backend></policies>", "operation.xml")
        let doc = try PolicyDocument(roots: try PolicyDocument.compose(scopes: [global, api, operation]))
        #expect(doc.validations.map(\.tokenLocation) == ["A1", "G", "A2", "O"].map { .header(.literal($0)) })
        #expect(doc.validations.map(\.placement.source) == ["api.xml", "global.xml", "api.xml", "operation.xml"])
        let backend = try #require(doc.roots[0].firstElement(named: "backend"))
        #expect(backend.elements.map(\.name) == ["forward-request"])
    }

    @Test func noBaseDropsTheOuterSection() throws {
        let global = try scope("<policies><inbound><validate-jwt header-name='G'/></inbound></policies>", "g")
        let api = try scope("<policies><inbound><validate-jwt header-name='A'/></inbound></policies>", "a")
        let doc = try PolicyDocument(roots: try PolicyDocument.compose(scopes: [global, api]))
        #expect(doc.validations.map(\.tokenLocation) == [.header(.literal("A"))])
    }

    @Test func baseInsideChooseMakesTheOuterPolicyConditional() throws {
        let global = try scope("<policies><inbound><validate-jwt header-name='G'/></inbound></policies>", "g")
        let api = try scope("<policies><inbound><choose><when condition='@(true)'><base/></when></choose></inbound></policies>", "a")
        let doc = try PolicyDocument(roots: try PolicyDocument.compose(scopes: [global, api]))
        #expect(doc.validations.map(\.placement.conditional) == [true])
    }

    @Test func composesTheAPIOpsExampleWithNamedValues() throws {
        var scopes: [[XMLElement]] = []
        for name in ["global.xml", "api.xml", "operation.xml"] {
            scopes.append(try XMLReader.parse(try examplePolicyBytes("apiops/\(name)"), sourceName: name))
        }
        let composed = try PolicyDocument.compose(scopes: scopes)
        #expect(throws: JWTAuditError(.unevaluable, "named values not supplied: tenant-id, client-app-id (give each with --named-value NAME=VALUE or --named-values FILE)")) {
            try NamedValues.resolve(composed, values: [:])
        }
        let resolved = try NamedValues.resolve(composed, values: ["tenant-id": "T", "client-app-id": "C"])
        let doc = try PolicyDocument(roots: resolved)
        #expect(doc.validations.map(\.placement.source) == ["global.xml", "operation.xml"])
        #expect(try doc.validations[1].resolved().requiredClaims[0].values == ["C"])
        #expect(try doc.validations[0].resolved().openIDConfigURLs == ["https://login.microsoftonline.com/T/.well-known/openid-configuration"])
    }

    @Test func readsScopeFilesInOneStep() throws {
        let scopes = try ["global.xml", "api.xml", "operation.xml"].map { (bytes: try examplePolicyBytes("apiops/\($0)"), sourceName: $0) }
        let doc = try PolicyDocument(scopes: scopes, namedValues: ["tenant-id": "T", "client-app-id": "C"])
        #expect(doc.validations.count == 2)
        #expect(doc.validations.map(\.placement.section) == [.inbound, .inbound])
        #expect(throws: JWTAuditError.self) { try PolicyDocument(scopes: scopes, namedValues: ["tenant-id": "T"]) }
        let single = try PolicyDocument(scopes: [(Array("<validate-jwt header-name='A'/>".utf8), "f.xml")])
        #expect(single.validations.count == 1)
    }

    @Test func hostileFilesAreBadPolicyInput() {
        let xxe = #"<!DOCTYPE p [<!ENTITY x SYSTEM "https://attacker.example/">]><validate-jwt header-name="&x;"/>"#
        #expect(throws: JWTAuditError(.malformedPolicy, "xxe.xml: line 1, column 1: DOCTYPE and ENTITY declarations are refused: policies are read with no DTD, no external entities and no entity expansion")) {
            try PolicyDocument(bytes: Array(xxe.utf8), sourceName: "xxe.xml")
        }
        #expect(throws: JWTAuditError(.malformedPolicy, "malformed.xml: line 2, column 1: end tag </validate-jwt> does not match <audiences> opened at line 1, column 31")) {
            try PolicyDocument(bytes: Array("<validate-jwt header-name='A'><audiences>\n</validate-jwt>".utf8), sourceName: "malformed.xml")
        }
    }

    @Test func refusesToComposeAFragment() throws {
        let global = try scope("<policies><inbound/></policies>", "g")
        let fragment = try scope("<validate-jwt header-name='A'/>", "f.xml")
        #expect(throws: JWTAuditError(.malformedPolicy, "f.xml: line 1, column 1: an inner scope must be a whole <policies> document to be composed with <base />")) {
            try PolicyDocument.compose(scopes: [global, fragment])
        }
    }
}
