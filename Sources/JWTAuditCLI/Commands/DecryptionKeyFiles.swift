import JWTAuditCore
import Synchronization

/// `--decryption-key FILE` (repeatable): the keys to decrypt a JWE with, read only when a token is a JWE (a signed
/// token never pays for them) and then once per process (a batch shares them between its threads).
final class DecryptionKeyFiles: Sendable {
    let paths: [String]
    private let loaded = Mutex<Result<[DecryptionKey], JWTAuditError>?>(nil)

    init(_ arguments: ParsedArguments) {
        paths = arguments.all(.decryptionKey)
    }

    /// Every key of every file, in the order given. Throws (3) when a file cannot be read or holds no usable key.
    func keys() throws(JWTAuditError) -> [DecryptionKey] {
        let result = loaded.withLock { memo -> Result<[DecryptionKey], JWTAuditError> in
            if let memo { return memo }
            let read: Result<[DecryptionKey], JWTAuditError>
            do throws(JWTAuditError) {
                read = .success(try readAll())
            } catch {
                read = .failure(error)
            }
            memo = read
            return read
        }
        return try result.get()
    }

    private func readAll() throws(JWTAuditError) -> [DecryptionKey] {
        var keys: [DecryptionKey] = []
        for path in paths {
            let bytes: [UInt8]
            do {
                bytes = try FileReader.readWhole(path: path, what: "decryption key")
            } catch {
                if error.code == .limitExceeded { throw error }
                throw JWTAuditError(error.code, "decryption key: \(error.reason)")
            }
            keys += try DecryptionKeySet.load(bytes, source: path).keys
        }
        return keys
    }

    /// Decrypts `token`, a JWE, with the keys (none when no `--decryption-key` was given: the outcome then says
    /// `no-key`).
    func decrypt(_ token: CompactToken) throws(JWTAuditError) -> DecryptionOutcome {
        JWEDecryptor.decrypt(try CompactJWE(token), keys: try keys())
    }
}
