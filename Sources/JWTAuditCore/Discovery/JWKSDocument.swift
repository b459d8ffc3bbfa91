/// A JWK Set as fetched: the exact bytes plus the check that it *is* a key set, so that nothing else is cached
/// under a JWKS URL. Reading the keys themselves is `KeySet`'s job.
///
/// RFC 7517 §5: "The member names within a JWK Set MUST be unique"; `keys` is "REQUIRED … an array of JWKs".
public struct JWKSDocument: Sendable, Equatable {
    public let bytes: [UInt8]
    public let json: JSONValue

    /// Not JSON -> `.malformedJSON`; JSON without a `keys` array -> `.malformedKey`. The fetcher reports either as
    /// the provider's failure (exit 2), with what the provider answered.
    public init(bytes: [UInt8], source: String) throws(JWTAuditError) {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes: bytes) } catch {
            throw JWTAuditError(error.isLimit ? .limitExceeded : .malformedJSON, "JWKS from \(source) is not JSON (\(error))")
        }
        guard let object = value.objectValue else {
            throw JWTAuditError(.malformedKey, "JWKS from \(source) is a JSON \(value.kindDescription), not an object")
        }
        if object.duplicateKeys.contains("keys") {
            throw JWTAuditError(.malformedKey, "JWKS from \(source) has 'keys' more than once")
        }
        guard let keys = object["keys"] else { throw JWTAuditError(.malformedKey, "JWKS from \(source) has no 'keys' member") }
        guard keys.arrayValue != nil else {
            throw JWTAuditError(.malformedKey, "JWKS from \(source): 'keys' is a \(keys.kindDescription), not an array")
        }
        self.bytes = bytes
        self.json = value
    }
}
