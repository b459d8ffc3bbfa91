import Glibc

/// A test CA and a server certificate for 127.0.0.1/localhost, made once per test process with the openssl CLI.
/// Also an unrelated CA, for "wrong trust anchor" cases.
final class TestPKI: Sendable {
    let directory: String
    var caFile: String { directory + "/ca.pem" }
    var otherCAFile: String { directory + "/other-ca.pem" }
    var certFile: String { directory + "/server.pem" }
    var keyFile: String { directory + "/server.key" }

    nonisolated(unsafe) private static var keepAlive: TemporaryDirectory?
    static let shared: Result<TestPKI, Subprocess.Failure> = {
        do { return .success(try TestPKI()) } catch let error as Subprocess.Failure { return .failure(error) } catch {
            return .failure(Subprocess.Failure(description: "\(error)"))
        }
    }()

    static func get() throws -> TestPKI { try shared.get() }

    private init() throws {
        let dir = try TemporaryDirectory()
        Self.keepAlive = dir
        // A static is never deinitialised: remove the PKI directory when the test process exits.
        atexit { TestPKI.keepAlive = nil }
        directory = dir.path
        let log = dir.path + "/openssl.log"
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try dir.write("server.ext", """
            subjectAltName=IP:127.0.0.1,DNS:localhost
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth

            """)
        let steps: [[String]] = [
            ["openssl", "req", "-x509"] + ec + ["-keyout", "\(directory)/ca.key", "-out", caFile, "-days", "3",
                "-subj", "/CN=jwtaudit test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ["openssl", "req", "-x509"] + ec + ["-keyout", "\(directory)/other-ca.key", "-out", otherCAFile, "-days", "3",
                "-subj", "/CN=jwtaudit unrelated CA"],
            ["openssl", "req"] + ec + ["-keyout", keyFile, "-out", "\(directory)/server.csr", "-subj", "/CN=localhost"],
            ["openssl", "x509", "-req", "-in", "\(directory)/server.csr", "-CA", caFile, "-CAkey", "\(directory)/ca.key",
                "-CAcreateserial", "-out", certFile, "-days", "3", "-extfile", "\(directory)/server.ext"],
        ]
        for step in steps {
            let status = try Subprocess.run(step, outputFile: log)
            guard status == 0 else {
                throw Subprocess.Failure(description: "\(step.joined(separator: " ")) failed (\(status)): \(dir.read("openssl.log") ?? "")")
            }
        }
    }
}

/// `https_server.py` on 127.0.0.1 with its own document root and request log; stopped on `stop()` or deinit.
///
/// Swift may end an object's life right after its last use, so a test whose last use of a server is the URL it
/// passes to a fetch could stop the server while the fetch is still in its TLS handshake. A test uses its server
/// after the fetches it makes (an assertion on its log, or `withExtendedLifetime(server) {}`).
///
/// The SSL_ERROR_SYSCALL that the proxy tests showed now and then in full runs came from elsewhere: test pipes
/// left open without close-on-exec were inherited by the server processes, past select()'s 1024 descriptors
/// (`ChildDescriptorTests`). `diagnostics` puts a server's log and stderr in a failure message.
final class TestServer {
    enum Mode { case https, plainHTTP, connectProxy }

    let root: TemporaryDirectory
    let port: Int
    let mode: Mode
    private var process: Subprocess?

    var base: String { "\(mode == .https ? "https" : "http")://127.0.0.1:\(port)" }
    func url(_ path: String) -> String { base + path }

    static var scriptPath: String {
        let file = "\(#filePath)"
        return String(file[..<file.lastIndex(of: "/")!]) + "/https_server.py"
    }

    init(_ mode: Mode = .https) throws {
        self.mode = mode
        root = try TemporaryDirectory()
        try root.write("site/.keep", "")
        var argv = ["python3", Self.scriptPath, "--root", root.path + "/site", "--log", root.path + "/requests.log"]
        switch mode {
        case .https:
            let pki = try TestPKI.get()
            argv += ["--cert", pki.certFile, "--key", pki.keyFile]
        case .plainHTTP: break
        case .connectProxy: argv += ["--proxy"]
        }
        let child = try Subprocess.start(argv, stderrPath: root.path + "/server.stderr")
        guard let line = child.readLine(timeoutMilliseconds: 10_000), line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            child.terminate()
            throw Subprocess.Failure(description: "test server did not start: \(root.read("server.stderr") ?? "")")
        }
        self.port = port
        process = child
    }

    deinit { stop() }

    func stop() {
        process?.terminate()
        process = nil
    }

    /// Writes a file under the served root ("{{BASE}}" in it becomes this server's base URL when served).
    func serve(_ path: String, _ content: String) throws { try root.write("site/" + path, content) }

    /// The request log: one "GET /path UA=… ACCEPT=…" (or "CONNECT host:port") line per request received.
    var requests: [String] {
        (root.read("requests.log") ?? "").split(separator: "\n").map(String.init)
    }

    /// How many GETs reached `path`.
    func fetchCount(_ path: String) -> Int { requests.filter { $0.hasPrefix("GET \(path) ") }.count }

    /// What the server logged and wrote to its standard error, for a failure message.
    var diagnostics: String {
        "server on port \(port): requests \(requests); stderr: \(root.read("server.stderr") ?? "(none)")"
    }
}
