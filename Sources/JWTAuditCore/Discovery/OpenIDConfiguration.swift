/// The two members of an OpenID Provider's metadata that key discovery needs.
///
/// OpenID Connect Discovery 1.0 §3: `issuer` is "REQUIRED. URL using the https scheme … that the OP asserts as
/// its Issuer Identifier", and `jwks_uri` is "REQUIRED. URL of the OP's JSON Web Key Set document".
/// Microsoft: "the expected issuer comes from the metadata"; for `common`/`organizations` it is the templated
/// `https://login.microsoftonline.com/{tenantid}/v2.0` (see `IssuerTemplate`).
public struct OpenIDConfiguration: Sendable, Equatable {
    public let issuer: IssuerTemplate
    public let jwksURI: String

    public init(issuer: IssuerTemplate, jwksURI: String) {
        self.issuer = issuer
        self.jwksURI = jwksURI
    }

    /// Reads metadata from the bytes served at `source` (named in every error).
    /// Not JSON -> `.malformedJSON`; JSON without a usable `issuer`/`jwks_uri` -> `.malformedKey` (the document
    /// is the key source and it is unusable). The fetcher reports either as the provider's failure (exit 2), with
    /// what the provider answered.
    public init(bytes: [UInt8], source: String) throws(JWTAuditError) {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes: bytes) } catch {
            throw JWTAuditError(error.isLimit ? .limitExceeded : .malformedJSON, "OpenID configuration from \(source) is not JSON (\(error))")
        }
        guard let object = value.objectValue else {
            throw JWTAuditError(.malformedKey, "OpenID configuration from \(source) is a JSON \(value.kindDescription), not an object")
        }
        if let duplicate = object.duplicateKeys.first(where: { $0 == "issuer" || $0 == "jwks_uri" }) {
            throw JWTAuditError(.malformedKey, "OpenID configuration from \(source) has '\(duplicate)' more than once")
        }
        guard let jwks = object["jwks_uri"] else {
            throw JWTAuditError(.malformedKey, "OpenID configuration from \(source) has no 'jwks_uri'")
        }
        guard let jwksText = jwks.stringValue, !jwksText.isEmpty else {
            throw JWTAuditError(.malformedKey, "OpenID configuration from \(source): 'jwks_uri' is a \(jwks.kindDescription), not a URL string")
        }
        guard let issuerValue = object["issuer"] else {
            throw JWTAuditError(.malformedKey, "OpenID configuration from \(source) has no 'issuer'")
        }
        guard let issuerText = issuerValue.stringValue, !issuerText.isEmpty else {
            throw JWTAuditError(.malformedKey, "OpenID configuration from \(source): 'issuer' is a \(issuerValue.kindDescription), not a string")
        }
        self.issuer = IssuerTemplate(issuerText)
        self.jwksURI = jwksText
    }
}
