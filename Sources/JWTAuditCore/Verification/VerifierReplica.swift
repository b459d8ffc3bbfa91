/// Copies of a verifier for a batch's workers, so that two cores judging tokens at once touch no object in common.
///
/// One verifier shared by every worker is correct (it is immutable, and its few caches are locked), but each token
/// writes to it: the verifier and its keys are retained and released, the tenant memo is locked, the key's pool of
/// OpenSSL contexts is taken from and given back to, and OpenSSL takes the RSA key's read lock. Every such write
/// moves the object's cache line to the writing core, and the other worker's next token moves it back. Measured on
/// RS256 with `--jobs 2` (issue 22): one shared verifier cost 7% more CPU than one replica per worker, and a
/// replica that still shared the keys got half of that back.
extension Verifier {
    /// A verifier with the same keys, policy and plan that shares no object with this one: its keys are imported
    /// into OpenSSL again (their own contexts and locks), and its memo starts empty. Nil when OpenSSL refuses a
    /// key it accepted before (out of memory); the caller then shares this verifier.
    public func replica() -> Verifier? {
        var keySet: KeySet?
        if let keys {
            guard let copy = keys.replica() else { return nil }
            keySet = copy
        }
        return Verifier(keys: keySet, policy: policy, plan: plan, keysUnavailable: keysUnavailable)
    }
}

extension KeySet {
    /// The same keys, each imported again (`VerificationKey.replica`), with the same source, provenance, refusals
    /// and notes.
    func replica() -> KeySet? {
        var copies: [VerificationKey] = []
        copies.reserveCapacity(keys.count)
        for key in keys {
            guard let copy = key.replica() else { return nil }
            copies.append(copy)
        }
        return KeySet(
            keys: copies, source: source, isLoneKey: isLoneKey, provenance: provenance, refused: refused,
            setNotes: Array(notes.dropFirst(refused.count)))
    }
}

extension VerificationKey {
    /// The same key with its own OpenSSL key (a public key imported again from its components) or its own keyed
    /// HMAC contexts (a secret).
    func replica() -> VerificationKey? {
        let copied: Material
        switch material {
        case .publicKey(_, let components):
            guard let key = try? OpenSSLPublicKey.make(components) else { return nil }
            copied = .publicKey(key, components)
        case .secret(let secret):
            copied = .secret(secret)
        }
        return try? VerificationKey(
            material: copied, kid: kid, declaredAlgorithm: declaredAlgorithm, use: use, keyOps: keyOps, issuer: issuer,
            x5t: x5t, source: source)
    }
}
