/// The texts Microsoft.IdentityModel puts in its exceptions, which APIM passes on as `context.LastError.Message`
/// (Microsoft's error table: "<message from jwt library>. Access denied."). The one writer of IDX messages.
///
/// Which library release the gateway runs is not documented [inferred]. The templates here are those of the
/// current releases (7.x/8.x, `LogMessages.cs` @ 5e5a5db3): APIM is a maintained service, and the only key-lookup
/// wording that tells a missing key from a bad signature ("The token's kid is: '…', but did not match any keys",
/// IDX10503/IDX10517) exists only since 7.2. Those releases write lifetime instants as "(UTC)" and format a
/// `DateTime` argument with the process's culture (`NonPII.ToString()`); an Azure gateway is taken to run en-US
/// ("1/31/2023 2:45:58 PM", the form the library's own PR #2012 quotes) [inferred]. The parts of a message that
/// name .NET objects (exceptions caught, the token itself) are left out: they carry nothing a reader can act on.
public enum IdentityModelMessages {
    /// What this file models, for notes.
    public static let provenance =
        "the library text is Microsoft.IdentityModel 7.x/8.x's wording (LogMessages.cs), with instants as en-US DateTime text, abridged (inferred: the release and culture the gateway runs are not documented)"

    // MARK: Lifetime (ValidatorUtilities.ValidateLifetime)

    /// IDX10225, `RequireExpirationTime` and no `exp`.
    public static func missingExpiration(tokenType: String = "Microsoft.IdentityModel.JsonWebTokens.JsonWebToken") -> String {
        "IDX10225: Lifetime validation failed. The token is missing an Expiration Time. Tokentype: '\(tokenType)'."
    }

    /// IDX10224, `nbf > exp`.
    public static func notBeforeAfterExpires(nbf: Int64, exp: Int64) -> String {
        "IDX10224: Lifetime validation failed. The NotBefore (UTC): '\(dateTime(nbf))' is after Expires (UTC): '\(dateTime(exp))'."
    }

    /// IDX10222, `nbf > now + skew`.
    public static func notYetValid(nbf: Int64, now: Int64) -> String {
        "IDX10222: Lifetime validation failed. The token is not yet valid. ValidFrom (UTC): '\(dateTime(nbf))', Current time (UTC): '\(dateTime(now))'."
    }

    /// IDX10223, `exp < now - skew`.
    public static func expired(exp: Int64, now: Int64) -> String {
        "IDX10223: Lifetime validation failed. The token is expired. ValidTo (UTC): '\(dateTime(exp))', Current time (UTC): '\(dateTime(now))'."
    }

    // MARK: Signature (JsonWebTokenHandler.ValidateSignature)

    /// IDX10500: no key at all.
    public static let noKeys = "IDX10500: Signature validation failed. No security keys were provided to validate the signature."

    /// IDX10503: the token names a `kid` that no key has, and no key verified (SecurityTokenSignatureKeyNotFoundException).
    public static func kidNotMatched(kid: String, keysTried: [String], inParameters: Int, inConfiguration: Int) -> String {
        "IDX10503: Signature validation failed. The token's kid is: '\(kid)', but did not match any keys in TokenValidationParameters or Configuration. Keys tried: '\(keys(keysTried))'. Number of keys in TokenValidationParameters: '\(inParameters)'. Number of keys in Configuration: '\(inConfiguration)'. See https://aka.ms/IDX10503 for details."
    }

    /// IDX10517: the token has no `kid`, and no key verified (SecurityTokenSignatureKeyNotFoundException).
    public static func kidMissing(keysTried: [String], inParameters: Int, inConfiguration: Int) -> String {
        "IDX10517: Signature validation failed. The token's kid is missing. Keys tried: '\(keys(keysTried))'. Number of keys in TokenValidationParameters: '\(inParameters)'. Number of keys in Configuration: '\(inConfiguration)'. See https://aka.ms/IDX10503 for details."
    }

    /// IDX10511: a key has the token's `kid`, and the signature does not verify (SecurityTokenInvalidSignatureException).
    public static func signatureInvalid(
        kid: String, keysTried: [String], inParameters: Int, inConfiguration: Int, matchedIn: String
    ) -> String {
        "IDX10511: Signature validation failed. Keys tried: '\(keys(keysTried))'. Number of keys in TokenValidationParameters: '\(inParameters)'. Number of keys in Configuration: '\(inConfiguration)'. Matched key was in '\(matchedIn)'. kid: '\(kid)'. See https://aka.ms/IDX10511 for details."
    }

    /// IDX10504: an unsigned token while `RequireSignedTokens`.
    public static let unsigned = "IDX10504: Unable to validate signature, token does not have a signature."

    // MARK: Audience and issuer (Validators)

    /// IDX10214.
    public static func audienceNotMatched(audiences: [String], validAudiences: [String]) -> String {
        "IDX10214: Audience validation failed. Audiences: '\(audiences.joined(separator: ", "))'. Did not match: validationParameters.ValidAudience: 'null' or validationParameters.ValidAudiences: '\(validAudiences.joined(separator: ", "))'."
    }

    /// IDX10206: the token names no audience.
    public static let noAudience = "IDX10206: Unable to validate audience. The 'audiences' parameter is empty."

    /// IDX10211: the token names no issuer.
    public static let noIssuer = "IDX10211: Unable to validate issuer. The 'issuer' parameter is null or whitespace."

    /// IDX10204: no issuer to compare with (an empty `<issuers>`).
    public static let noValidIssuers =
        "IDX10204: Unable to validate issuer. validationParameters.ValidIssuer is null or whitespace AND validationParameters.ValidIssuers is null or empty."

    /// IDX10205. APIM's own trace once showed the policy's issuers as `ValidIssuers` (azure-docs#12552).
    public static func issuerNotMatched(issuer: String, validIssuers: [String]) -> String {
        "IDX10205: Issuer validation failed. Issuer: '\(issuer)'. Did not match: validationParameters.ValidIssuer: 'null' or validationParameters.ValidIssuers: '\(validIssuers.joined(separator: ", "))' or validationParameters.ConfigurationManager.CurrentConfiguration.Issuer: 'Null'. For more details, see https://aka.ms/IdentityModel/issuer-validation."
    }

    // MARK: Decryption (JsonWebTokenHandler.DecryptToken)

    /// IDX10609: a JWE and no decryption key to try.
    public static let noDecryptionKeys = "IDX10609: Decryption failed. No Keys tried: token: '(the JWE)'."

    /// IDX10603: a JWE that none of the keys tried decrypts.
    public static func decryptionFailed(keysTried: [String]) -> String {
        "IDX10603: Decryption failed. Keys tried: '\(keys(keysTried))'."
    }

    static func keys(_ tried: [String]) -> String { tried.joined(separator: ", ") }

    // MARK: DateTime

    /// A UTC instant as .NET writes a `DateTime` under the en-US culture ("G": `M/d/yyyy h:mm:ss tt`).
    /// Instants .NET cannot hold (outside 0001-9999) are written as the bare number.
    public static func dateTime(_ seconds: Int64) -> String {
        guard seconds >= NumericDate.earliest && seconds <= NumericDate.latest else { return String(seconds) }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = NumericDate.civil(days: days)
        let hour = secondOfDay / 3600
        let minute = (secondOfDay % 3600) / 60
        let second = secondOfDay % 60
        let hour12 = hour % 12 == 0 ? 12 : hour % 12
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(month)/\(day)/\(year) \(hour12):\(two(minute)):\(two(second)) \(hour < 12 ? "AM" : "PM")"
    }
}
