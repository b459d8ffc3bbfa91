#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The plain JWS path must not pay for compressed JWEs: zlib is dlopen()ed by the first `zip: DEF` token, never
/// linked and never loaded otherwise. Checked with the dynamic loader's own trace (LD_DEBUG=libs, on stderr).
@Suite("zlib is loaded on demand")
struct ZlibLoadingTests {
    func trace(_ arguments: [String]) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first: \(Support.binaryPath) is missing")
        return Support.spawn(Support.binaryPath, arguments, environment: ["LD_DEBUG": "libs", "PATH": "/usr/bin:/bin"])
    }

    @Test func aSignedTokenAndAnUncompressedJWENeverLoadZlib() throws {
        let key = Support.packageRoot + "/examples/keys/api-encryption.pem"
        for arguments in [
            ["decode", Support.packageRoot + "/examples/tokens/certificate-v1.jwt"],
            ["decode", "--decryption-key", key, Support.packageRoot + "/examples/tokens/encrypted-certificate-v1.jwe"],
        ] {
            let result = try trace(arguments)
            #expect(result.status == 0, "\(arguments)")
            #expect(result.stderr.contains("libcrypto.so"), "the trace works and shows the libraries jwtaudit does link")
            #expect(!result.stderr.contains("libz.so"), "\(arguments): zlib loaded")
        }
    }

    @Test func aCompressedJWELoadsZlibWhenItIsDecrypted() throws {
        let vector = Support.packageRoot + "/Tests/Vectors/jwe/rfc7520_5_9_A128KW_A128GCM_DEF.json"
        let json = try #require(Support.readFile(vector))
        let compact = try #require(json.split(separator: "\"").first { $0.hasPrefix("eyJhbGciOiJBMTI4S1ciLCJraWQiOiI4MWIyMDk2NS04MzMyLTQzZDktYTQ2OC04MjE2MGFkOTFhYzgiLCJlbmMiOiJBMTI4R0NNIiwiemlwIjoiREVGIn0.") })
        let token = Support.tempDirectory + "/zlib-\(getpid()).jwe"
        Support.writeFile(token, Array(compact.utf8))
        let key = Support.tempDirectory + "/zlib-\(getpid()).jwk"
        Support.writeFile(key, Array(#"{"kty":"oct","kid":"81b20965-8332-43d9-a468-82160ad91ac8","use":"enc","alg":"A128KW","k":"GZy6sIZ6wl9NJOKB-jnmVQ"}"#.utf8))
        let withoutKey = try trace(["decode", token])
        #expect(withoutKey.status == 0 && !withoutKey.stderr.contains("libz.so"), "nothing to inflate without the key")
        let decrypted = try trace(["decode", "--decryption-key", key, token])
        #expect(decrypted.status == 0)
        #expect(decrypted.stderr.contains("libz.so.1"), "the compressed content was inflated with zlib")
        #expect(decrypted.stdout.contains("jwe-compression"))
    }
}
