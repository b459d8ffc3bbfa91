import Glibc
import Testing
@testable import JWTAuditCore

/// Keys made at test time with the `openssl` command in a temporary directory, and signatures made with them.
/// Nothing secret is checked in; the directory is removed when the factory goes away.
final class OpenSSLKeyFactory {
    let directory: String

    init() { directory = CryptoTestSupport.temporaryDirectory() }
    deinit { CryptoTestSupport.removeDirectory(directory) }

    func path(_ name: String) -> String { directory + "/" + name }

    func read(_ name: String) throws -> [UInt8] { try #require(CryptoTestSupport.readFile(path(name)), "missing \(name)") }

    /// `openssl genpkey` with the given algorithm options; writes `<name>.key` and `<name>.pub` (SPKI PEM).
    func generate(_ name: String, _ options: String) throws {
        try #require(CryptoTestSupport.shell("openssl genpkey \(options) -out '\(path(name)).key'"), "openssl genpkey \(options)")
        try #require(CryptoTestSupport.shell("openssl pkey -in '\(path(name)).key' -pubout -out '\(path(name)).pub'"))
    }

    func rsa(_ name: String, bits: Int = 2048) throws { try generate(name, "-algorithm RSA -pkeyopt rsa_keygen_bits:\(bits)") }
    func ec(_ name: String, curve: String = "P-256") throws { try generate(name, "-algorithm EC -pkeyopt ec_paramgen_curve:\(curve)") }
    func ed25519(_ name: String) throws { try generate(name, "-algorithm ed25519") }

    /// PKCS#1 "RSA PUBLIC KEY" PEM of an RSA key.
    func pkcs1(_ name: String) throws -> [UInt8] {
        try #require(CryptoTestSupport.shell("openssl rsa -in '\(path(name)).key' -RSAPublicKey_out -out '\(path(name)).pkcs1'"))
        return try read(name + ".pkcs1")
    }

    /// A self-signed certificate for the key; returns (PEM, DER).
    func certificate(_ name: String) throws -> (pem: [UInt8], der: [UInt8]) {
        try #require(CryptoTestSupport.shell(
            "openssl req -new -x509 -key '\(path(name)).key' -subj '/CN=jwtaudit test' -days 2 -out '\(path(name)).crt'"))
        try #require(CryptoTestSupport.shell("openssl x509 -in '\(path(name)).crt' -outform DER -out '\(path(name)).der'"))
        return (try read(name + ".crt"), try read(name + ".der"))
    }

    /// Signs `message` with `openssl dgst` (or `pkeyutl -rawin` for Ed25519); returns the raw OpenSSL output
    /// (DER for ECDSA).
    func sign(_ name: String, _ message: [UInt8], digest: String?, options: String = "") throws -> [UInt8] {
        CryptoTestSupport.writeFile(path("message.bin"), message)
        let command = digest.map {
            "openssl dgst -\($0) -sign '\(path(name)).key' \(options) -out '\(path("signature.bin"))' '\(path("message.bin"))'"
        } ?? "openssl pkeyutl -sign -rawin -inkey '\(path(name)).key' -in '\(path("message.bin"))' -out '\(path("signature.bin"))'"
        try #require(CryptoTestSupport.shell(command), "\(command)")
        return try read("signature.bin")
    }
}

/// Standard base64 with padding, for building `x5c` values in tests.
func standardBase64(_ bytes: [UInt8]) -> String {
    var text = Base64URL.encode(bytes).replacingDashes()
    while text.utf8.count % 4 != 0 { text += "=" }
    return text
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(self.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
    }
}
