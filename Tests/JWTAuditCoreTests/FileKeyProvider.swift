import Synchronization
import Testing
@testable import JWTAuditCore

/// A `KeyProvider` over files: the documents in `examples/cache` (the example tenant's v1.0 and v2.0 metadata
/// and key sets, as the CLI's cache stores them), certificates from files, and a record of what was asked, so
/// that core tests run the real key resolution, verifier and policy evaluator together without a network.
final class FileKeyProvider: KeyProvider {
    private let documents: [String: [UInt8]]
    private let certificates: [String: String]
    private let refetchAnswer: JWKSRefetch?
    private let log = Mutex<[String]>([])
    let provenance: DiscoveryDocument.Provenance

    /// `refetchAnswer`: what a refetch for an unknown kid returns (nil: the document again, as a fresh fetch).
    init(
        certificates: [String: String] = [:], provenance: DiscoveryDocument.Provenance = .freshCache,
        refetchAnswer: JWKSRefetch? = nil
    ) throws {
        var documents: [String: [UInt8]] = [:]
        let directory = Fixtures.packageRoot + "/examples/cache"
        for name in CryptoTestSupport.listDirectory(directory) where name.hasSuffix(".entry") {
            let bytes = try #require(CryptoTestSupport.readFile(directory + "/" + name))
            // The cache's entry format: a header of "name value" lines, a blank line, the document.
            let text = String(decoding: bytes, as: UTF8.self)
            let parts = text.split(separator: "\n\n", maxSplits: 1, omittingEmptySubsequences: false)
            let url = try #require(parts[0].split(separator: "\n").first { $0.hasPrefix("url ") }?.dropFirst(4))
            documents[String(url)] = Array(parts[1].utf8)
        }
        self.documents = documents
        self.certificates = certificates
        self.provenance = provenance
        self.refetchAnswer = refetchAnswer
    }

    /// Every request, in order: `metadata URL`, `jwks URL`, `refetch URL`, `certificate ID`.
    var requests: [String] { log.withLock { $0 } }

    private func document(_ url: String, _ what: String) throws(JWTAuditError) -> DiscoveryDocument {
        log.withLock { $0.append("\(what) \(url)") }
        guard let bytes = documents[url] else { throw JWTAuditError(.unavailable, "no file for \(url)") }
        return DiscoveryDocument(url: url, bytes: bytes, provenance: provenance, fetchedAt: 1_767_225_600)
    }

    func metadata(url: String) throws(JWTAuditError) -> (configuration: OpenIDConfiguration, document: DiscoveryDocument) {
        let document = try document(url, "metadata")
        return (try OpenIDConfiguration(bytes: document.bytes, source: url), document)
    }

    func jwks(url: String) throws(JWTAuditError) -> DiscoveryDocument { try document(url, "jwks") }

    func refetchJWKSForUnknownKid(url: String) throws(JWTAuditError) -> JWKSRefetch {
        if let refetchAnswer {
            log.withLock { $0.append("refetch \(url)") }
            return refetchAnswer
        }
        return .refetched(try document(url, "refetch"))
    }

    func certificate(id: String) throws(JWTAuditError) -> KeySet? {
        log.withLock { $0.append("certificate \(id)") }
        guard let path = certificates[id], let bytes = CryptoTestSupport.readFile(Fixtures.packageRoot + "/" + path) else {
            return nil
        }
        return try KeySet.load(bytes, source: "certificate \(id) (\(path))")
    }
}
