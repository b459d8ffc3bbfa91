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
        cacheDir = arguments.last(.cacheDirectory)
        noCache = arguments.has(.noCache)
        offline = arguments.has(.offline)
        if let text = arguments.last(.timeout) {
            guard let seconds = Int(text), (1...600).contains(seconds) else {
                throw .usage(.invalidValue(option: "--timeout", value: text, reason: "expected whole seconds from 1 to 600"), command)
            }
            timeoutSeconds = seconds
        }
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
