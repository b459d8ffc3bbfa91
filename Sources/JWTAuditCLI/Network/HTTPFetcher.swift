import CCurlShim
import Glibc
public import JWTAuditCore

/// One HTTPS GET with the network rules of the design: "HTTPS only (plain HTTP only for loopback, and only when
/// asked); TLS verified (with `--cacert` for a private CA); timeouts and a response size cap; few redirects, never
/// to HTTP". libcurl does the transfer and is loaded (dlopen) by the first `get`, never before.
///
/// Every failure to obtain a 200 response is `.unavailable` ("could not decide", exit 2).
public struct HTTPFetcher: Sendable {
    public struct Options: Sendable {
        /// `--timeout`: bounds both connecting and the whole transfer. Values below 1 are taken as 1 (libcurl reads
        /// 0 as "no timeout", which would let a silent server hang the run).
        public var timeoutSeconds: Int
        /// `--cacert`: a PEM file of CA certificates used instead of the system store.
        public var caFile: String?
        /// `--allow-http`: permits `http://` to a loopback host only.
        public var allowHTTP: Bool
        public var maxBodyBytes: Int
        public var maxRedirects: Int
        public var userAgent: String
        /// Where `https_proxy`/`HTTPS_PROXY`/`all_proxy`/`no_proxy`/`NO_PROXY` are read. Passed in (not read
        /// behind the caller's back) so that tests can set them without touching the process environment.
        public var environment: [String: String]

        public init(
            timeoutSeconds: Int = 10, caFile: String? = nil, allowHTTP: Bool = false, maxBodyBytes: Int = 1 << 20,
            maxRedirects: Int = 3, toolVersion: String = "dev", environment: [String: String] = StandardStreams.processEnvironment()
        ) {
            self.timeoutSeconds = timeoutSeconds
            self.caFile = caFile
            self.allowHTTP = allowHTTP
            self.maxBodyBytes = maxBodyBytes
            self.maxRedirects = maxRedirects
            self.userAgent = "jwtaudit/\(toolVersion)"
            self.environment = environment
        }
    }

    public struct Response: Sendable, Equatable {
        public let body: [UInt8]
        /// The `Cache-Control` header of the final response, if any.
        public let cacheControl: String?
        /// The URL that answered, after redirects.
        public let effectiveURL: String
        public var status: Int = 200
        /// The `Content-Type` header of the final response, if any.
        public var contentType: String?

        /// What the provider answered, for an error that says why its answer is unusable: "HTTP 200, Content-Type
        /// text/html, 33 bytes: "<html><body>Sign in…"". The excerpt is what arrived (the text renderers escape
        /// its control characters).
        public var summary: String { Self.summary(status: status, contentType: contentType, body: body) }

        /// How many bytes of the body an error quotes.
        static let excerptBytes = 80

        static func summary(status: Int, contentType: String?, body: [UInt8]) -> String {
            var text = "HTTP \(status), Content-Type \(contentType ?? "(none)"), "
            if body.isEmpty { return text + "empty body" }
            let excerpt = String(decoding: body.prefix(excerptBytes), as: UTF8.self)
            text += "\(body.count) byte\(body.count == 1 ? "" : "s"): \"\(excerpt)\(body.count > excerptBytes ? "…" : "")\""
            return text
        }
    }

    public let options: Options

    public init(options: Options = Options()) { self.options = options }

    /// The proxy libcurl would pick from the environment for `url`, with libcurl's precedence: for https,
    /// `https_proxy`, `HTTPS_PROXY`, `all_proxy`, `ALL_PROXY`; for http only the lower-case `http_proxy` (libcurl
    /// ignores `HTTP_PROXY`, the "httpoxy" rule). `no_proxy` before `NO_PROXY`. Empty string: no proxy.
    func proxySettings(for url: EndpointURL) -> (proxy: String, noProxy: String?) {
        let env = options.environment
        let names = url.scheme == .https ? ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] : ["http_proxy", "all_proxy", "ALL_PROXY"]
        let proxy = names.lazy.compactMap { env[$0] }.first { !$0.isEmpty } ?? ""
        let noProxy = ["no_proxy", "NO_PROXY"].lazy.compactMap { env[$0] }.first { !$0.isEmpty }
        return (proxy, noProxy)
    }

    /// GETs `urlText` and returns the body of a 200 response.
    public func get(_ urlText: String) throws(JWTAuditError) -> Response {
        let url: EndpointURL
        do { url = try EndpointURL(urlText) } catch {
            throw JWTAuditError(.unavailable, "cannot fetch \(urlText): \(error.reason)")
        }
        if url.scheme == .http {
            guard options.allowHTTP else {
                throw JWTAuditError(.unavailable,
                    "refusing to fetch \(urlText) over plain HTTP (keys and metadata must come over HTTPS; --allow-http permits loopback hosts only)")
            }
            guard url.isLoopback else {
                throw JWTAuditError(.unavailable,
                    "refusing to fetch \(urlText) over plain HTTP: --allow-http permits only loopback hosts (127.0.0.0/8, ::1, localhost)")
            }
        }
        if let caFile = options.caFile {
            // The caller's mistake, not the network's: say so before any connection is made. O_NONBLOCK and the
            // regular-file check: a FIFO would block this open, and then OpenSSL's, forever.
            let fd = open(caFile, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            if fd < 0 {
                throw JWTAuditError(.invalidArgument, "cannot read --cacert file \(caFile) (\(String(cString: strerror(errno))))")
            }
            var info = stat()
            let regular = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
            close(fd)
            if !regular { throw JWTAuditError(.invalidArgument, "--cacert file \(caFile) is not a regular file") }
        }
        let (proxy, noProxy) = proxySettings(for: url)
        let timeout = max(1, options.timeoutSeconds)
        // libcurl words a TLS failure with libcrypto's error strings, which a process started without them
        // (`OpenSSLLibrary.leaveCleanupToProcessExit`) loads now: a fetch takes milliseconds anyway.
        OpenSSLLibrary.loadErrorStrings()
        var response = jwtaudit_http_response()
        defer { jwtaudit_http_response_free(&response) }
        let failure = urlText.withCString { cURL in
            options.userAgent.withCString { cAgent in
                proxy.withCString { cProxy in
                    withOptionalCString(options.caFile) { cCA in
                        withOptionalCString(noProxy) { cNoProxy in
                            var request = jwtaudit_http_request(
                                url: cURL, timeout_seconds: timeout, ca_file: cCA,
                                allow_http: url.scheme == .http ? 1 : 0, user_agent: cAgent,
                                max_body_bytes: options.maxBodyBytes, max_redirects: options.maxRedirects,
                                proxy: cProxy, no_proxy: cNoProxy)
                            return jwtaudit_http_get(&request, &response)
                        }
                    }
                }
            }
        }
        let detail = withUnsafeBytes(of: &response.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let why = detail.isEmpty ? "" : " (\(detail))"
        func unavailable(_ what: String) -> JWTAuditError { JWTAuditError(.unavailable, "could not fetch \(urlText): \(what)") }
        switch jwtaudit_http_failure(rawValue: UInt32(failure)) {
        case JWTAUDIT_HTTP_OK: break
        case JWTAUDIT_HTTP_LOAD_FAILED: throw unavailable("libcurl could not be loaded\(why); install libcurl4")
        case JWTAUDIT_HTTP_DNS: throw unavailable("host name did not resolve\(why)")
        case JWTAUDIT_HTTP_CONNECT: throw unavailable("connection refused or host unreachable\(why)")
        case JWTAUDIT_HTTP_TIMEOUT: throw unavailable("timed out after \(max(1, options.timeoutSeconds)) s\(why); --timeout SECONDS sets the limit")
        case JWTAUDIT_HTTP_TLS:
            throw unavailable("TLS/certificate verification failed\(why); if the server uses a private CA, pass --cacert FILE")
        case JWTAUDIT_HTTP_CA_FILE:
            throw JWTAuditError(.invalidArgument, "--cacert file \(options.caFile ?? "") holds no usable PEM certificate\(why)")
        case JWTAUDIT_HTTP_TOO_MANY_REDIRECTS: throw unavailable("more than \(options.maxRedirects) redirects\(why)")
        case JWTAUDIT_HTTP_PROTOCOL_REFUSED: throw unavailable("redirect to a non-HTTPS URL refused\(why)")
        case JWTAUDIT_HTTP_OVERSIZE: throw unavailable("response larger than \(Self.sizeText(options.maxBodyBytes))")
        case JWTAUDIT_HTTP_ABORTED: throw unavailable("interrupted")
        default: throw unavailable("transfer failed\(why)")
        }
        let body = response.body_length == 0 ? [] : Array(UnsafeBufferPointer(start: response.body, count: response.body_length))
        let contentType = response.content_type.map { String(cString: $0) }
        guard response.status == 200 else {
            throw unavailable(
                "the provider answered \(Response.summary(status: response.status, contentType: contentType, body: body)) (expected HTTP 200)")
        }
        return Response(
            body: body,
            cacheControl: response.cache_control.map { String(cString: $0) },
            effectiveURL: response.effective_url.map { String(cString: $0) } ?? urlText, status: 200,
            contentType: contentType)
    }

    /// Stops every fetch in flight, and refuses every later one, at once (SIGINT during `verify --batch`).
    /// Async-signal-safe.
    public static func abortAll() { jwtaudit_http_abort_all() }

    /// True once this process has loaded libcurl (for tests and `--verbose` diagnostics).
    public static var isCurlLoaded: Bool { jwtaudit_curl_is_loaded() != 0 }

    static func sizeText(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}

private func withOptionalCString<R>(_ s: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let s else { return body(nil) }
    return s.withCString { body($0) }
}
