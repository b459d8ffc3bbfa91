#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// Compact JWEs (RFC 7516) made at test time by the `openssl` command, never by jwtaudit's own code: keys with
/// `genpkey`/`req`, RSA-OAEP-256 with `pkeyutl -encrypt`, ECDH-ES with `pkeyutl -derive` and the Concat KDF as
/// OpenSSL's SSKDF (NIST SP 800-56C one-step, the KDF RFC 7518 §4.6.2 names), AES Key Wrap with `enc
/// -id-aes256-wrap`, A128CBC-HS256 with `enc -aes-128-cbc` and `dgst -mac HMAC`. `openssl enc` refuses AEAD
/// modes, so A256GCM is built from its parts (NIST SP 800-38D): AES-CTR from `enc -aes-256-ctr`, the hash key and
/// the tag mask from `enc -aes-256-ecb`, and GHASH computed here. Whatever is wrong in either side shows up as a
/// token that does not decrypt.
final class JWEMaker {
    let directory: TemporaryDirectory
    private var counter = 0

    init() throws { directory = try TemporaryDirectory() }

    func path(_ name: String) -> String { directory.path + "/" + name }

    /// A recipient key pair: `<name>.key` (PKCS#8), `<name>.pub` (SPKI), `<name>.crt` (a self-signed
    /// certificate), `<name>.bundle.pem` (the key, then the certificate: what a PFX export holds).
    struct Recipient {
        let key: String
        let publicKey: String
        let certificate: String
        let bundle: String
        let curve: String?
    }

    func rsaRecipient(_ name: String) throws -> Recipient {
        try recipient(name, ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], curve: nil)
    }

    func ecRecipient(_ name: String, curve: String = "P-256") throws -> Recipient {
        try recipient(name, ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:\(curve)"], curve: curve)
    }

    private func recipient(_ name: String, _ options: [String], curve: String?) throws -> Recipient {
        let key = path(name + ".key"), pub = path(name + ".pub"), crt = path(name + ".crt"), bundle = path(name + ".bundle.pem")
        try openssl(["genpkey"] + options + ["-out", key])
        try openssl(["pkey", "-in", key, "-pubout", "-out", pub])
        try openssl(["req", "-new", "-x509", "-key", key, "-subj", "/CN=\(name) token encryption (test)", "-days", "36500", "-out", crt])
        Support.writeFile(bundle, try read(key) + read(crt))
        return Recipient(key: key, publicKey: pub, certificate: crt, bundle: bundle, curve: curve)
    }

    enum KeyManagement {
        case rsaOAEP256
        case ecdhESA256KW
    }

    enum ContentEncryption: String {
        case a256gcm = "A256GCM"
        case a128cbcHS256 = "A128CBC-HS256"
    }

    /// `plaintext` encrypted to `recipient`; `header` members are added after alg, enc (and epk), written as
    /// given (JSON text values).
    func encrypt(
        _ plaintext: [UInt8], to recipient: Recipient, _ management: KeyManagement, _ content: ContentEncryption,
        header extra: [(String, String)] = [("cty", "\"JWT\"")]
    ) throws -> String {
        let cek = try random(32)  // A256GCM and A128CBC-HS256 both take 32 bytes
        var header = ""
        let encryptedKey: [UInt8]
        switch management {
        case .rsaOAEP256:
            header = #"{"alg":"RSA-OAEP-256","enc":"\#(content.rawValue)""#
            encryptedKey = try transform(cek, [
                "pkeyutl", "-encrypt", "-pubin", "-inkey", recipient.publicKey, "-pkeyopt", "rsa_padding_mode:oaep",
                "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256",
            ])
        case .ecdhESA256KW:
            let curve = try #require(recipient.curve, "ECDH-ES needs an EC recipient")
            let ephemeral = path("ephemeral-\(next()).key")
            try openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:\(curve)", "-out", ephemeral])
            let z = try output(["pkeyutl", "-derive", "-inkey", ephemeral, "-peerkey", recipient.publicKey])
            // The uncompressed point ends the SPKI DER: 04 || x || y.
            let spki = try output(["pkey", "-in", ephemeral, "-pubout", "-outform", "DER"])
            let size = z.count
            let point = Array(spki.suffix(1 + 2 * size))
            try #require(point.first == 4)
            header = #"{"alg":"ECDH-ES+A256KW","enc":"\#(content.rawValue)","epk":{"kty":"EC","crv":"\#(curve)","x":"\#(Base64URL.encode(Array(point[1...size])))","y":"\#(Base64URL.encode(Array(point[(size + 1)...])))"}"#
            // RFC 7518 §4.6.2 OtherInfo: AlgorithmID, PartyUInfo and PartyVInfo (empty), SuppPubInfo (keydatalen).
            let algorithmID = Array("ECDH-ES+A256KW".utf8)
            let otherInfo = Self.bigEndian32(algorithmID.count) + algorithmID + Self.bigEndian32(0) + Self.bigEndian32(0) + Self.bigEndian32(256)
            let kek = try output([
                "kdf", "-keylen", "32", "-kdfopt", "digest:SHA256", "-kdfopt", "hexkey:\(Self.hex(z))",
                "-kdfopt", "hexinfo:\(Self.hex(otherInfo))", "-binary",
            ], operands: ["SSKDF"])
            encryptedKey = try transform(cek, ["enc", "-id-aes256-wrap", "-K", Self.hex(kek), "-iv", "A6A6A6A6A6A6A6A6"])
        }
        for (name, value) in extra { header += ",\"\(name)\":\(value)" }
        header += "}"
        let protected = Base64URL.encode(Array(header.utf8))
        let aad = Array(protected.utf8)
        let iv: [UInt8]
        let ciphertext: [UInt8]
        let tag: [UInt8]
        switch content {
        case .a128cbcHS256:
            // RFC 7518 §5.2.2.1: MAC_KEY the first 16 bytes, ENC_KEY the last 16; the tag is the first half of
            // HMAC-SHA-256(AAD || IV || ciphertext || AL).
            iv = try random(16)
            ciphertext = try transform(plaintext, ["enc", "-aes-128-cbc", "-K", Self.hex(Array(cek[16...])), "-iv", Self.hex(iv)])
            let al = Self.bigEndian32(0) + Self.bigEndian32(aad.count * 8)
            let mac = try transform(aad + iv + ciphertext + al, ["dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:\(Self.hex(Array(cek[..<16])))", "-binary"])
            tag = Array(mac[..<16])
        case .a256gcm:
            iv = try random(12)
            let key = Self.hex(cek)
            let ecb = ["enc", "-aes-256-ecb", "-nopad", "-K", key]
            let hashKey = try transform([UInt8](repeating: 0, count: 16), ecb)
            let mask = try transform(iv + [0, 0, 0, 1], ecb)
            ciphertext = try transform(plaintext, ["enc", "-aes-256-ctr", "-K", key, "-iv", Self.hex(iv + [0, 0, 0, 2])])
            tag = zip(GHASH.hash(key: hashKey, aad: aad, ciphertext: ciphertext), mask).map { $0 ^ $1 }
        }
        return [protected, Base64URL.encode(encryptedKey), Base64URL.encode(iv), Base64URL.encode(ciphertext), Base64URL.encode(tag)]
            .joined(separator: ".")
    }

    // MARK: openssl

    func openssl(_ arguments: [String]) throws {
        let log = path("openssl.log")
        let status = try Subprocess.run(["openssl"] + arguments, outputFile: log)
        try #require(status == 0, "openssl \(arguments.joined(separator: " ")) failed: \(Support.readFile(log) ?? "")")
    }

    /// `openssl ARGS -in INPUT -out OUTPUT` over bytes (`dgst` takes its input file as an operand instead).
    func transform(_ input: [UInt8], _ arguments: [String]) throws -> [UInt8] {
        let n = next()
        Support.writeFile(path("in-\(n)"), input)
        let operand = arguments.first == "dgst"
        return try output(arguments + (operand ? [] : ["-in", path("in-\(n)")]), operands: operand ? [path("in-\(n)")] : [])
    }

    /// `openssl ARGS -out OUTPUT OPERANDS`.
    func output(_ arguments: [String], operands: [String] = []) throws -> [UInt8] {
        let n = next()
        try openssl(arguments + ["-out", path("out-\(n)")] + operands)
        return try read(path("out-\(n)"))
    }

    func random(_ count: Int) throws -> [UInt8] { try output(["rand"], operands: [String(count)]) }

    private func read(_ file: String) throws -> [UInt8] { try #require(Support.readBytes(file), "cannot read \(file)") }

    private func next() -> Int {
        counter += 1
        return counter
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    static func bigEndian32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8((value >> (24 - 8 * $0)) & 0xFF) } }
}

/// GHASH (NIST SP 800-38D §6.4) over AAD and ciphertext, each zero-padded to 16 bytes, then their bit lengths.
enum GHASH {
    typealias Block = (hi: UInt64, lo: UInt64)

    static func hash(key: [UInt8], aad: [UInt8], ciphertext: [UInt8]) -> [UInt8] {
        let h = block(key, 0)
        var x: Block = (0, 0)
        for data in [aad, ciphertext] {
            for offset in stride(from: 0, to: data.count, by: 16) {
                let y = block(data, offset)
                x = multiply((x.hi ^ y.hi, x.lo ^ y.lo), h)
            }
        }
        x = multiply((x.hi ^ UInt64(aad.count * 8), x.lo ^ UInt64(ciphertext.count * 8)), h)
        return (0..<8).map { UInt8(truncatingIfNeeded: x.hi >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: x.lo >> (56 - 8 * $0)) }
    }

    /// 16 bytes from `offset`, big-endian, zero-padded.
    static func block(_ bytes: [UInt8], _ offset: Int) -> Block {
        var hi: UInt64 = 0, lo: UInt64 = 0
        for i in 0..<16 {
            let byte = offset + i < bytes.count ? UInt64(bytes[offset + i]) : 0
            if i < 8 { hi = hi << 8 | byte } else { lo = lo << 8 | byte }
        }
        return (hi, lo)
    }

    /// Algorithm 1 of SP 800-38D: bit 0 is the most significant; R = 11100001 || 0^120.
    static func multiply(_ x: Block, _ y: Block) -> Block {
        var z: Block = (0, 0)
        var v = y
        for i in 0..<128 {
            let bit = i < 64 ? (x.hi >> UInt64(63 - i)) & 1 : (x.lo >> UInt64(127 - i)) & 1
            if bit == 1 { z = (z.hi ^ v.hi, z.lo ^ v.lo) }
            let carry = v.lo & 1
            v = (v.hi >> 1, (v.lo >> 1) | (v.hi << 63))
            if carry == 1 { v.hi ^= 0xE100_0000_0000_0000 }
        }
        return z
    }
}
