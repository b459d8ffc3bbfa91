#if canImport(Glibc)
import Glibc
#endif

/// One libFuzzer entry point for every parser; `JWTAUDIT_FUZZ_TARGET` picks the parser, so the core is built
/// with sanitizers once, not once per target. Each target asserts the invariants that must hold for any input:
/// no crash, no hang, and, where a parser has a writer, that a round trip keeps the value.
nonisolated(unsafe) private var selectedTarget: ((([UInt8]) -> Void))?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if selectedTarget == nil {
        let name = getenv("JWTAUDIT_FUZZ_TARGET").map { String(cString: $0) } ?? "json"
        guard let target = FuzzTargets.all[name] else {
            fputs("unknown JWTAUDIT_FUZZ_TARGET \(name)\n", stderr)
            exit(64)
        }
        selectedTarget = target
    }
    selectedTarget!(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

enum FuzzTargets {
    static let all: [String: ([UInt8]) -> Void] = [
        "json": json,
        "token": token,
        "jwk": jwk,
        "pem": pem,
        "policy-xml": policyXML,
        "jwe": jwe,
        "decryption-key": decryptionKey,
        "bicep": { policySource($0, file: "main.bicep") },
        "terraform": { policySource($0, file: "main.tf") },
        "arm": { policySource($0, file: "template.json") },
        "yaml": yaml,
    ]

    /// The test keys of Tests/Vectors/jwe (every algorithm's kind of key), read once; run.sh runs from the root.
    static let decryptionKeys: [DecryptionKey] = {
        guard let file = fopen("Tests/Vectors/jwe/roundtrip-keys.jwks.json", "rb") else { return [] }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        let count = fread(&bytes, 1, bytes.count, file)
        return (try? DecryptionKeySet.load(Array(bytes.prefix(count)), source: "fuzz keys").keys) ?? []
    }()

    /// A JWE through the decryptor with every test key (header rules, segment lengths, epk import, unwrapping,
    /// authentication, inflating), then through decode's inspection. Plaintext exists exactly when decrypted.
    static func jwe(_ bytes: [UInt8]) {
        precondition(!decryptionKeys.isEmpty, "fuzz: Tests/Vectors/jwe/roundtrip-keys.jwks.json did not load")
        let text = String(decoding: bytes, as: UTF8.self)
        guard let token = try? CompactToken.parse(text), let jwe = try? CompactJWE(token) else { return }
        let outcome = JWEDecryptor.decrypt(jwe, keys: decryptionKeys)
        precondition((outcome.plaintext != nil) == (outcome.status == .decrypted), "plaintext without decryption")
        _ = TokenInspection.inspect(token, decryption: outcome, at: 1_767_225_600)
        _ = JWEDecryptor.decrypt(jwe, keys: [])
    }

    /// `--decryption-key` files: as given, and wrapped as a PKCS#8 PEM block (the DER private key readers).
    static func decryptionKey(_ bytes: [UInt8]) {
        _ = try? DecryptionKeySet.load(bytes, source: "fuzz")
        var text = Array("-----BEGIN PRIVATE KEY-----\n".utf8)
        text += bytes
        text += Array("\n-----END PRIVATE KEY-----\n".utf8)
        _ = try? DecryptionKeySet.load(text, source: "fuzz")
    }

    /// Differential: the product's parser against the straightforward one it replaced (ReferenceJSONParser.swift):
    /// the same value for every input, or the same error at the same offset.
    static func json(_ bytes: [UInt8]) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: bytes)
        } catch {
            do {
                let accepted = try ReferenceJSONParser.parse(bytes: bytes)
                fatalError("the parser refused what the reference accepts (\(error)): \(accepted)")
            } catch let reference {
                precondition("\(error)" == "\(reference)", "different errors: \(error) vs reference \(reference)")
            }
            return
        }
        do {
            let reference = try ReferenceJSONParser.parse(bytes: bytes)
            precondition(reference == value, "the parser and the reference read different values")
        } catch {
            fatalError("the parser accepted what the reference refuses (\(error))")
        }
        let text = JSONWriter.write(value, style: .compact)
        guard let again = try? JSONParser.parse(text) else { fatalError("writer output does not parse: \(text)") }
        precondition(again == value, "JSON round trip changed the value")
    }

    static func token(_ bytes: [UInt8]) {
        // Differential on each dot-separated piece: the fast base64url decoder against the byte-at-a-time one.
        for piece in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            let fast = Result { () throws(Base64URL.DecodeError) in try Base64URL.decode(bytes: piece) }
            let reference = Result { () throws(Base64URL.DecodeError) in try Base64URL.decodeReference(bytes: piece) }
            switch (fast, reference) {
            case (.success(let a), .success(let b)): precondition(a == b, "base64url decoders disagree")
            case (.failure(let a), .failure(let b)): precondition("\(a)" == "\(b)", "base64url errors differ: \(a) vs \(b)")
            default: fatalError("base64url decoders disagree on acceptance: \(fast) vs \(reference)")
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let compact = try? TokenInput.extract(text), let token = try? CompactToken.parse(compact) else { return }
        _ = TokenInspection.inspect(token, at: 1_767_225_600)
    }

    static func jwk(_ bytes: [UInt8]) {
        _ = try? KeySet.load(bytes, source: "fuzz")
    }

    static func pem(_ bytes: [UInt8]) {
        var text = Array("-----BEGIN PUBLIC KEY-----\n".utf8)
        text += bytes
        text += Array("\n-----END PUBLIC KEY-----\n".utf8)
        _ = try? KeySet.load(text, source: "fuzz")
        _ = try? KeySet.load(bytes, source: "fuzz")
    }

    /// The XML reader, then the policy model and the lint rules over whatever the reader accepts: the model
    /// reads attributes and expressions the reader only carries as text.
    static func policyXML(_ bytes: [UInt8]) {
        guard let roots = try? XMLReader.parse(bytes, sourceName: "fuzz.xml", limits: .default),
              let document = try? PolicyDocument(roots: roots) else { return }
        _ = PolicyLint.lint(document)
    }

    /// A template read as the only file of a tree, composed and linted: the lexers, the value parser, the
    /// position tables and the composition must hold for any bytes.
    static func policySource(_ bytes: [UInt8], file: String) {
        let source = PolicySourceFiles(files: OneFile(name: file, bytes: bytes), root: nil)
        guard let trees = try? PolicySources.load(file, source: source) else { return }
        for tree in trees {
            guard let service = try? PolicyService(tree: tree) else { continue }
            let report = service.lint()
            for finding in report.findings { precondition(finding.line >= 1, "finding without a line") }
        }
    }

    /// An APIOps configuration: the YAML reader with positions, then the overrides.
    static func yaml(_ bytes: [UInt8]) {
        var tree = PolicyTree(path: "art", kind: .apiops)
        try? APIOpsConfiguration.apply(bytes, file: "configuration.yaml", to: &tree)
        _ = try? YAMLReader.parse(bytes, file: "spec.yaml").jsonValue
    }
}

/// A file system of one file, for the source targets.
struct OneFile: PolicyFileSystem {
    let name: String
    let bytes: [UInt8]

    func kind(of path: String) -> PolicyFileKind? { path == name ? .file : nil }
    func entries(of directory: String) throws(JWTAuditError) -> [PolicyDirectoryEntry] { [] }
    func read(_ path: String, limit: Int) throws(JWTAuditError) -> [UInt8] {
        guard path == name else { throw JWTAuditError(.invalidArgument, "no \(path)") }
        guard bytes.count <= limit else { throw JWTAuditError(.limitExceeded, "too large") }
        return bytes
    }
    func realPath(_ path: String) -> String? { path == name ? "/" + name : nil }
}
