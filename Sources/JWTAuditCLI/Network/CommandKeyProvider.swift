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
    private let failed = Mutex<[String]>([])
    /// Certificates already read: a batch asks for the policy's certificate once per token.
    private let loaded = Mutex<[String: KeySet]>([:])

    /// The URLs whose metadata or key set could not be obtained, in the order they were asked for.
    var failedURLs: [String] { failed.withLock { $0 } }

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
        do {
            return try discovery.metadata(url: url)
        } catch {
            failed.withLock { $0.append(url) }
            throw error
        }
    }

    func jwks(url: String) throws(JWTAuditError) -> DiscoveryDocument {
        do {
            return try discovery.jwks(url: url)
        } catch {
            failed.withLock { $0.append(url) }
            throw error
        }
    }

    /// What would reach a verdict when the network did not: a cached copy of a document that could not be
    /// fetched, used with `--offline` (an entry past its lifetime is used only then), with its date. Nil when
    /// already offline, with `--no-cache`, or when nothing is cached.
    func offlineHint() -> String? {
        guard !network.offline, !network.noCache,
            let directory = network.cacheDir ?? DiskCache.defaultDirectory(environment: environment)
        else { return nil }
        let cache = DiskCache(directory: directory)
        for url in failedURLs {
            switch cache.lookup(url: url) {
            case .entry(let entry):
                return "add --offline to use the cached copy of \(url) from \(NumericDate.formatRFC3339(entry.fetchedAt)) (in \(directory))"
            case .ignored(let why):
                return "a cached copy is there but cannot be used with --offline: \(why)"
            case .missing:
                continue
            }
        }
        return nil
    }

    func refetchJWKSForUnknownKid(url: String) throws(JWTAuditError) -> JWKSRefetch {
        try discovery.refetchJWKSForUnknownKid(url: url)
    }

    func certificate(id: String) throws(JWTAuditError) -> KeySet? {
        guard let path = certificates[id] else { return nil }
        if let kept = loaded.withLock({ $0[id] }) { return kept }
        let set = try KeySet.load(try read(id, path), source: "certificate \(id) (\(path))")
        loaded.withLock { $0[id] = set }
        return set
    }

    /// The private key in the `--certificate ID=FILE` file: PEM (PKCS#8, PKCS#1, SEC1, alone or with its
    /// certificate) or a JWK / JWK set with private members. A file that holds the certificate only is
    /// `.unavailable` (exit 2): APIM holds the private key of every certificate it has (they are uploaded as
    /// PKCS#12), so the gateway would decrypt, and only that key can say what it would then find.
    func decryptionKeys(certificateID id: String) throws(JWTAuditError) -> DecryptionKeySet? {
        guard let path = certificates[id] else { return nil }
        let bytes = try read(id, path)
        do {
            return try DecryptionKeySet.load(bytes, source: "certificate \(id) (\(path))")
        } catch {
            guard (try? KeySet.load(bytes, source: path)) != nil else { throw error }
            throw JWTAuditError(
                .unavailable,
                "--certificate \(id)=\(path) holds the public half only (a certificate or public key), not the private key, and the policy decrypts tokens with certificate-id \"\(id)\": APIM holds that certificate's private key (certificates are uploaded as PFX) and would decrypt the token; give a file that holds the private key too (PEM: the key alone, or the certificate and the key; or a JWK with \"d\")")
        }
    }

    private func read(_ id: String, _ path: String) throws(JWTAuditError) -> [UInt8] {
        do {
            return try FileReader.readWhole(path: path, what: "certificate file")
        } catch {
            throw JWTAuditError(error.code, "--certificate \(id): \(error.reason)")
        }
    }
}
