import Synchronization

/// The last `iss` and `tid` a verifier compared (`EntraIssuer.tenant(in:against:)`) and what they gave. The
/// issue asks for it: "Issuer/tenant recognition over UTF-8 bytes, computed once per distinct issuer (cache the
/// last issuer's verdict per worker: log batches repeat issuers)". Working the tenant out of the issuer and
/// comparing it cost about 600 instructions a token; the two Strings of the next token are usually the very same
/// storage (`JSONDocument` lends a repeated claim's value to the next document), and then `==` answers at once.
///
/// Shared by the workers of a batch, so guarded: a lock and two comparisons cost a tenth of the work they save.
final class TenantMemo: Sendable {
    private let last = Mutex<(iss: String, tid: String, agreement: EntraIssuer.TenantAgreement)?>(nil)

    /// `EntraIssuer.tenant(in: iss, against: tid)`, from the memo when `iss` and `tid` equal the last pair's.
    /// String equality is Unicode canonical equivalence, as the tenant comparison's own fallback is.
    func agreement(_ iss: String, _ tid: String) -> EntraIssuer.TenantAgreement {
        let known = last.withLock { last -> EntraIssuer.TenantAgreement? in
            guard let last, last.iss == iss, last.tid == tid else { return nil }
            return last.agreement
        }
        if let known { return known }
        let agreement = EntraIssuer.tenant(in: iss, against: tid)
        last.withLock { $0 = (iss, tid, agreement) }
        return agreement
    }
}
