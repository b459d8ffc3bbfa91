#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// Issue 13 "also in scope": key inputs a careless user or an attacker supplies. A private key in any PEM form
/// (alone or bundled with its certificate) is refused and named; `--secret-env` without a usable variable is
/// refused before anything is verified; a secret file ending with a line break is pointed out; a `kid` full of
/// path characters never becomes a path; a FIFO given as `--cacert` is refused, not waited on. Through the built
/// binary.
@Suite("hostile and careless key inputs")
struct HostileKeyInputTests {
    static let token = VerifyCommandTests.path("examples/tokens/certificate-v1.jwt")
    static let anything = ["--any-issuer", "--any-audience"] + VerifyCommandTests.at

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        return Support.spawn(Support.binaryPath, arguments, environment: environment)
    }

    @Test func aPrivateKeyInAnyPEMFormIsRefusedAndNamed() throws {
        let directory = try TemporaryDirectory()
        let key = PolicyTest.tenantKey
        let converted: [(String, String, [String])] = [
            ("pkcs8.pem", "PRIVATE KEY", ["openssl", "pkey", "-in", key, "-out"]),
            ("traditional.pem", "RSA PRIVATE KEY", ["openssl", "pkey", "-in", key, "-traditional", "-out"]),
            ("encrypted.pem", "ENCRYPTED PRIVATE KEY", ["openssl", "pkcs8", "-topk8", "-in", key, "-passout", "pass:x", "-out"]),
            ("ec.pem", "EC PRIVATE KEY", ["openssl", "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out"]),
        ]
        var files: [(String, String)] = []
        for (name, label, command) in converted {
            try #require(try Subprocess.run(command + [directory.path + "/" + name]) == 0, "\(command)")
            files.append((directory.path + "/" + name, label))
        }
        let certificate = try #require(Support.readFile("examples/keys/tenant-signing-cert.pem"))
        let privateKey = try #require(Support.readFile("examples/keys/tenant-signing-key.pem"))
        try directory.write("bundle.pem", certificate + privateKey)
        files.append((directory.path + "/bundle.pem", "PRIVATE KEY"))
        for (path, label) in files {
            let result = try run(["verify", Self.token, "--key", path] + Self.anything)
            #expect(result.status == 3, "\(path): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("\(path): holds a private key (\(label)); give the public key or certificate only"), "\(result.stderr)")
        }
    }

    @Test func secretEnvWithoutAUsableVariable() throws {
        let unset = try run(["verify", Self.token, "--secret-env", "JWTAUDIT_NO_SUCH_SECRET"] + Self.anything)
        #expect(unset.status == 3)
        #expect(unset.stdout.isEmpty)
        #expect(unset.stderr.contains("environment variable JWTAUDIT_NO_SUCH_SECRET (--secret-env) is not set or empty"), "\(unset.stderr)")
        let empty = try run(["verify", Self.token, "--secret-env", "SECRET"] + Self.anything, environment: ["SECRET": ""])
        #expect(empty.status == 3)
        #expect(empty.stderr.contains("is not set or empty"))
        for name in ["", "A=B"] {
            let usage = try run(["verify", Self.token, "--secret-env", name] + Self.anything)
            #expect(usage.status == 64, "'\(name)': \(usage.stderr)")
            #expect(usage.stderr.contains("expected the name of an environment variable"))
        }
    }

    @Test func aSecretFileEndingWithALineBreakIsPointedOut() throws {
        let secret = String(repeating: "s", count: 32)
        let token = try VerifyCommandTests.hs256(
            header: #"{"alg":"HS256"}"#, payload: #"{"iss":"me","aud":"you","exp":4102444800}"#, key: Array(secret.utf8))
        let directory = try TemporaryDirectory()
        try directory.write("echoed", secret + "\n")
        let result = try run(["verify", token, "--secret-file", directory.path + "/echoed", "--json"] + Self.anything)
        #expect(result.status == 1, "the line break is part of the secret: \(result.stdout)")
        let notes = (try JSONParser.parse(result.stdout).objectValue?["notes"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(notes.contains { $0.contains("ends with a line break, which is part of the secret") }, "\(notes)")
    }

    @Test func aCACertificateFileThatIsAFIFOIsRefusedNotWaitedOn() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.path + "/ca.pem"
        try #require(mkfifo(fifo, 0o600) == 0)
        let run = try RunningBinary(["verify", Self.token, "--jwks", "https://127.0.0.1:9/keys", "--cacert", fifo, "--no-cache"] + Self.anything)
        let result = try #require(run.waitForExit(within: 60), "verify waited on a FIFO given as --cacert")
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("--cacert file \(fifo) is not a regular file"), "\(result.stderr)")
    }

    /// The class behind the --cacert case: every option that names a file the tool reads whole. A named pipe
    /// nobody writes to reads as an empty file (exit 3, the file named), instead of blocking in open(2) forever.
    @Test(arguments: [
        ["verify", "--key", "FIFO"],
        ["verify", "--jwks", "FIFO"],
        ["verify", "--secret-file", "FIFO"],
        ["decode", "--decryption-key", "FIFO"],
        ["check-policy", "--policy", "examples/policies/certificate-only-encrypted-v1.xml", "--decryption-key", "FIFO", "--offline",
         "--cache-dir", "examples/cache"],
    ])
    func aKeyFileThatIsANamedPipeWithoutWriterIsReadAsEmpty(_ arguments: [String]) throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.path + "/key.pem"
        try #require(mkfifo(fifo, 0o600) == 0)
        let token = arguments[0] == "verify" ? Self.token : VerifyCommandTests.path("examples/tokens/encrypted-secret-v1.jwe")
        let argv = arguments.map { $0 == "FIFO" ? fifo : $0.hasPrefix("examples/") ? VerifyCommandTests.path($0) : $0 }
            + [token] + (arguments[0] == "verify" ? Self.anything : VerifyCommandTests.at)
        let run = try RunningBinary(argv)
        let result = try #require(run.waitForExit(within: 60), "\(arguments) waited on a named pipe nobody writes to")
        #expect(result.status == 3, "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
        #expect(result.stderr.contains(fifo), "\(arguments): the file is named: \(result.stderr)")
    }

    @Test func aKidWithPathCharactersNeverBecomesAPath() throws {
        let server = try VerifyNetworkTests.entraServer()
        let cache = try TemporaryDirectory()
        let kid = "../../../../../../tmp/jwtaudit-kid-probe/../x\u{0}"
        let token = try VerifyNetworkTests.resign(
            "certificate-v1.jwt", kid: kid.replacing("\u{0}", with: "\\u0000"), keyPath: PolicyTest.tenantKey)
        let result = try run([
            "verify", token, "--tenant", VerifyNetworkTests.tenant, "--authority", server.base, "--cacert",
            try TestPKI.get().caFile, "--cache-dir", cache.path, "--audience", VerifyNetworkTests.v1Audience, "--json",
        ] + VerifyCommandTests.at)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("was not in the cached JWKS; refetched"), "the unknown kid asked for one refetch")
        #expect(access("/tmp/jwtaudit-kid-probe", F_OK) != 0)
        let listing = try #require(opendir(cache.path))
        defer { closedir(listing) }
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            #expect(name.utf8.count == 70 && name.hasSuffix(".entry"), "only hashed entry names in the cache: \(name)")
        }
    }
}
