@testable import JWTAuditCore
import Testing

/// The verifier reads a token's claims once (`CheckedClaims`), from the lazily read document when there is one
/// and from a list of members otherwise: both must read the same claims, whatever the token holds.
@Suite struct CheckedClaimsTests {
    static let documents = [
        #"{"iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/","tid":"3d6e366f-9587-413b-ab6b-0a851b1b91ba","aud":"api://bench","exp":4102444800,"nbf":1767225600,"iat":1767225600,"ver":"1.0","appid":"1105ae9f-6be2-42a2-9439-7a17934226ac","appidacr":"2"}"#,
        #"{"iss":"https://login.microsoftonline.com/t/v2.0","ver":"2.0","azp":"c","azpacr":1,"aud":["a","b"],"exp":"4102444800"}"#,
        #"{"ver":"2.0","appid":"only-v1","appidacr":"1","exp":1.5e9,"nbf":-1,"iat":99999999999999999999}"#,
        #"{"appidacX":"near","appidac":"short","exp":1e400,"nbf":true,"iat":null,"iss":7,"tid":["x"]}"#,
        #"{"iss":"first","exp":1,"iss":"last","exp":2,"appidacr":"0","appidacr":"2"}"#,
        #"{"ver":3,"aud":{},"exp":-62135596801,"nbf":253402300800,"iat":0}"#,
        "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + #","exp":9,"appidacr":"2","ver":"1.0","appid":"x"}"#,
    ]

    @Test(arguments: documents)
    func claimsReadFromTheDocumentAreThoseReadFromAParsedObject(_ text: String) throws {
        let lazy = try #require(try JSONDocument.scan(Array(text.utf8), limits: .default))
        let parsed = try #require(try JSONParser.parse(text).objectValue)
        let fromDocument = CheckedClaims(JSONObject(document: lazy))
        let fromList = CheckedClaims(JSONObject(parsed.members))
        #expect(fromDocument.iss == fromList.iss)
        #expect(fromDocument.tid == fromList.tid)
        #expect(fromDocument.aud == fromList.aud)
        #expect(fromDocument.expValue == fromList.expValue)
        #expect(fromDocument.exp == fromList.exp)
        #expect(fromDocument.nbf == fromList.nbf)
        #expect(fromDocument.iat == fromList.iat)
        #expect(fromDocument.credential == fromList.credential)
        #expect(fromDocument.client.readFrom == fromList.client.readFrom)
        #expect(fromDocument.client.value == fromList.client.value)
        // And both as the public readers have them.
        #expect(fromList.credential == CredentialVerdict.classify(claims: parsed))
        #expect(fromList.exp == NumericDate.seconds("exp", value: parsed["exp"]))
    }
}
