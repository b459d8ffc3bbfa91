#if canImport(Glibc)
import Glibc
#endif
@testable import JWTAuditCore
import TestSupport

/// Test inputs: the repository's examples (found by walking up from this file to Package.swift) and tokens
/// built from JSON text.
enum Fixtures {
    static let packageRoot = PackageFiles.root

    static func readFile(_ relative: String) -> String? {
        CryptoTestSupport.readFile(packageRoot + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `examples/tokens/<name>`, parsed.
    static func example(_ name: String) throws -> CompactToken {
        guard let text = readFile("examples/tokens/" + name) else {
            throw JWTAuditError(.invalidArgument, "examples/tokens/\(name) is missing")
        }
        return try CompactToken.parse(TokenInput.extract(text))
    }

    /// A JWS with the given header and payload JSON text (kept byte for byte) and a dummy signature.
    static func token(header: String = #"{"alg":"RS256","typ":"JWT"}"#, payload: String) throws -> CompactToken {
        try CompactToken.parse(Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8)) + ".c2ln")
    }

    static func claims(_ json: String) throws -> JSONObject {
        guard let object = try JSONParser.parse(json).objectValue else {
            throw JWTAuditError(.malformedJSON, "not an object: \(json)")
        }
        return object
    }
}
