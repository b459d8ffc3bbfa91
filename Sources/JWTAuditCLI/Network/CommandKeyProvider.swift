import JWTAuditCore
import Synchronization

/// The CLI's `KeyProvider`: OpenID metadata and key sets through `KeyDiscovery` (the disk cache, `--offline`,
/// `--cacert`, HTTPS), made on first use so that a run with local keys never sets up the fetcher or the cache;
/// and the certificates uploaded to APIM, which offline come from `--certificate ID=FILE`.
final class CommandKeyProvider: KeyProvider {
    private let network: NetworkOptions
    private let environment: [String: String]
    private let clock: @Sendable () -> Int64
    private let certificates: [String: String]
    private let made = Mutex<KeyDiscovery?>(nil)

    init(
        network: NetworkOptions, environment: [String: String], certificates: [String: String] = [:],
        clock: @escaping @Sendable () -> Int64
    ) {
        self.network = network
        self.environment = environment
        self.certificates = certificates
        self.clock = clock
    }

    private var discovery: KeyDiscovery {
        made.withLock { existing in
            if let existing { return existing }
            let discovery = network.makeDiscovery(environment: environment, clock: clock)
            existing = discovery
            return discovery
        }
    }

    func metadata(url: String) throws(JWTAuditError) -> (configuration: OpenIDConfiguration, document: DiscoveryDocument) {
        try discovery.metadata(url: url)
    }

    func jwks(url: String) throws(JWTAuditError) -> DiscoveryDocument { try discovery.jwks(url: url) }

    func refetchJWKSForUnknownKid(url: String) throws(JWTAuditError) -> JWKSRefetch {
        try discovery.refetchJWKSForUnknownKid(url: url)
    }

    func certificate(id: String) throws(JWTAuditError) -> KeySet? {
        guard let path = certificates[id] else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try FileReader.readWhole(path: path, what: "certificate file")
        } catch {
            throw JWTAuditError(error.code, "--certificate \(id): \(error.reason)")
        }
        return try KeySet.load(bytes, source: "certificate \(id) (\(path))")
    }
}
