import Glibc
import JWTAuditCore

/// The network options that `verify`, `check-policy` and `explain` share (declared once in the option table),
/// and the one place that turns them into a `KeyDiscovery`: fetcher, cache and offline mode.
struct NetworkOptions: Sendable {
    var cacert: String?
    var timeoutSeconds = 10
    var allowHTTP = false
    var cacheDir: String?
    var noCache = false
    var offline = false

    init() {}

    /// Reads the options of one command line. `--timeout` takes whole seconds from 1 to 600 (libcurl reads 0
    /// as "no timeout", which would let a stalled provider hang a CI job).
    init(_ arguments: ParsedArguments, command: String) throws(CommandFailure) {
        cacert = arguments.last(.cacert)
        allowHTTP = arguments.has(.allowHTTP)
        if let directory = arguments.last(.cacheDirectory) {
            guard !directory.isEmpty else {
                throw .usage(.invalidValue(option: "--cache-dir", value: directory, reason: "expected a directory"), command)
            }
            cacheDir = Self.absolute(directory)
        }
        noCache = arguments.has(.noCache)
        offline = arguments.has(.offline)
        if let text = arguments.last(.timeout) {
            guard let seconds = Int(text), (1...600).contains(seconds) else {
                throw .usage(.invalidValue(option: "--timeout", value: text, reason: "expected whole seconds from 1 to 600"), command)
            }
            timeoutSeconds = seconds
        }
    }

    /// `path` from the working directory when it is relative: the cache code builds its directories component by
    /// component, and a relative `--cache-dir newrel/x` was created as `/newrel/x`. Resolved once, here, so that
    /// the directory written is the one read.
    static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/"), let cwd = getcwd(nil, 0) else { return path }
        defer { free(cwd) }
        let base = String(cString: cwd)
        return (base.hasSuffix("/") ? base : base + "/") + path
    }

    /// A discovery client for these options. libcurl is not loaded here: only a fetch loads it.
    func makeDiscovery(environment: [String: String], clock: @escaping @Sendable () -> Int64) -> KeyDiscovery {
        let fetcher = HTTPFetcher(
            options: .init(
                timeoutSeconds: timeoutSeconds, caFile: cacert, allowHTTP: allowHTTP, toolVersion: OptionTable.version,
                environment: environment))
        let cache = noCache
            ? DiskCache.disabled : DiskCache(directory: cacheDir ?? DiskCache.defaultDirectory(environment: environment))
        return KeyDiscovery(fetcher: fetcher, cache: cache, offline: offline, clock: clock)
    }
}
