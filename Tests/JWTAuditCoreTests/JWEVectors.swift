import Testing
@testable import JWTAuditCore
import TestSupport

/// The JWE vectors vendored under Tests/Vectors/jwe (see its README): the RFC 7516 / RFC 7520 examples, and the
/// round-trip tokens joserfc made (make_roundtrip.py) with the keys beside them.
enum JWEVectors {
    static let directory = PackageFiles.root + "/Tests/Vectors/jwe"

    static func document(_ name: String) throws -> JSONObject {
        try CryptoTestSupport.json(directory + "/" + name)
    }

    /// The RFC example files, each `{source, title, alg, enc, expect, plaintext, key | password, compact}`.
    static let rfcFiles = CryptoTestSupport.listDirectory(directory)
        .filter { $0.hasPrefix("rfc") && $0.hasSuffix(".json") && !$0.contains("flattened") }

    /// The private keys of make_roundtrip.py, every one of them (the set loader checks each).
    static let roundTripKeys: [DecryptionKey] = {
        guard let bytes = CryptoTestSupport.readFile(directory + "/roundtrip-keys.jwks.json"),
              let set = try? DecryptionKeySet.load(bytes, source: "roundtrip-keys.jwks.json")
        else { return [] }
        return set.keys
    }()

    static func roundTripKey(_ kid: String) throws -> DecryptionKey {
        try #require(roundTripKeys.first { $0.kid == kid }, "no round-trip key \(kid)")
    }

    static let roundTrip: (tokens: [JSONObject], crafted: [JSONObject]) = {
        guard let document = try? document("roundtrip.json") else { return ([], []) }
        return (
            document["tokens"]?.arrayValue?.compactMap(\.objectValue) ?? [],
            document["crafted"]?.arrayValue?.compactMap(\.objectValue) ?? []
        )
    }()

    /// A key from a vector's JWK (through the same loader as `--decryption-key`).
    static func key(_ jwk: JSONValue, source: String) throws -> DecryptionKey {
        let set = try DecryptionKeySet.load(Array(JSONWriter.write(jwk).utf8), source: source)
        return try #require(set.keys.first)
    }

    /// A PEM file of the vector directory as a decryption key.
    static func pemKey(_ name: String) throws -> DecryptionKey {
        let bytes = try #require(CryptoTestSupport.readFile(directory + "/" + name), "missing \(name)")
        return try #require(try DecryptionKeySet.load(bytes, source: name).keys.first)
    }

    static func decrypt(_ compact: String, keys: [DecryptionKey]) throws -> DecryptionOutcome {
        JWEDecryptor.decrypt(try CompactJWE.parse(compact), keys: keys)
    }

    static func text(_ outcome: DecryptionOutcome) -> String? {
        outcome.plaintext.map { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: Changing tokens

    /// The five segments of a compact JWE, as text.
    static func segments(_ compact: String) -> [String] {
        compact.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// `compact` with segment `index` decoded, changed by `change`, and encoded again.
    static func changing(_ compact: String, segment index: Int, _ change: (inout [UInt8]) -> Void) throws -> String {
        var parts = segments(compact)
        var bytes = try Base64URL.decode(parts[index])
        change(&bytes)
        parts[index] = Base64URL.encode(bytes)
        return parts.joined(separator: ".")
    }

    /// `compact` with a protected header made from `json` (the other segments unchanged).
    static func withHeader(_ compact: String, _ json: String) -> String {
        var parts = segments(compact)
        parts[0] = Base64URL.encode(Array(json.utf8))
        return parts.joined(separator: ".")
    }

    /// The protected header's JSON text.
    static func headerJSON(_ compact: String) throws -> String {
        String(decoding: try Base64URL.decode(segments(compact)[0]), as: UTF8.self)
    }

    /// The first round-trip token for `alg` and `enc` (with a kid).
    static func token(_ alg: String, _ enc: String) throws -> (compact: String, kid: String, plaintext: String) {
        let entry = try #require(
            roundTrip.tokens.first {
                $0["alg"]?.stringValue == alg && $0["enc"]?.stringValue == enc && $0["kid"]?.stringValue != nil
                    && $0["zip"]?.stringValue == nil
            }, "no round-trip token for \(alg) + \(enc)")
        return (entry["compact"]!.stringValue!, entry["kid"]!.stringValue!, entry["plaintext"]!.stringValue!)
    }
}
