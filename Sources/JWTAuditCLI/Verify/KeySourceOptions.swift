import JWTAuditCore

/// Where `verify` (and `explain`) get their keys, as the options say it: a file, a secret, a URL or a tenant.
struct KeySourceOptions: Sendable {
    var keyFile: String?
    /// A JWK set file, or an `https://` URL.
    var jwks: String?
    var secretFile: String?
    var secretEnv: String?
    var tenant: String?
    var authority: String = EntraMetadataEndpoint.defaultAuthority
    var openIDConfig: String?
    var network = NetworkOptions()

    var usesNetwork: Bool { tenant != nil || openIDConfig != nil || (jwks.map(Self.isURL) ?? false) }
    /// Metadata supplies the issuer; local keys do not.
    var suppliesIssuer: Bool { tenant != nil || openIDConfig != nil }

    static func isURL(_ text: String) -> Bool { text.hasPrefix("https://") || text.hasPrefix("http://") }

    /// The source, with local files read and parsed now (once for a whole batch).
    func source(environment: [String: String]) throws(JWTAuditError) -> KeySource {
        if let path = keyFile {
            return .keys(try KeySet.load(try read(path, what: "key file"), source: path, provenance: .keyFile))
        }
        if let path = secretFile {
            let secret = try read(path, what: "secret file")
            let set = try KeySet.symmetric(secret: secret, source: path)
            // Every byte is the secret: a file written with `echo` ends with a line break the issuer never used.
            guard let last = secret.last, last == 0x0A || last == 0x0D else { return .keys(set) }
            return .keys(set, notes: [
                "the secret file \(path) ends with a line break, which is part of the secret (HMAC uses every byte); if it was written with echo, write it with printf '%s' instead"
            ])
        }
        if let name = secretEnv {
            guard let value = environment[name], !value.isEmpty else {
                throw JWTAuditError(.invalidArgument, "environment variable \(name) (--secret-env) is not set or empty")
            }
            return .keys(try KeySet.symmetric(secret: Array(value.utf8), source: "$\(name)"))
        }
        if let jwks, !Self.isURL(jwks) { return .keys(try KeySet.loadJWKS(try read(jwks, what: "JWK set"), source: jwks)) }
        if let tenant { return .entraTenant(try EntraTenant(tenant), authority: authority) }
        if let openIDConfig { return .openIDConfiguration(url: openIDConfig) }
        if let jwks { return .jwks(url: jwks) }
        throw JWTAuditError(.invalidArgument, "no key source")
    }

    private func read(_ path: String, what: String) throws(JWTAuditError) -> [UInt8] {
        do {
            return try FileReader.readWhole(path: path, what: what)
        } catch {
            if error.code == .limitExceeded { throw error }
            throw JWTAuditError(error.code, "\(what): \(error.reason)")
        }
    }
}
