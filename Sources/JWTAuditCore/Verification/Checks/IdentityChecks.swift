extension Verifier {
    /// `issuer`: exact string comparison (RFC 7519 §4.1.1 values are case-sensitive StringOrURI).
    @inline(__always)
    func issuerCheck(_ claims: borrowing CheckedClaims) -> CheckResult {
        let rule = issuerRule
        func result(_ status: CheckResult.Status, _ finding: IssuerEvidence.Finding) -> CheckResult {
            CheckResult(.issuer, status, .issuer(IssuerEvidence(rule: rule, finding: finding)))
        }
        guard let iss = claims.issuer else {
            if policy.anyIssuer { return result(.skip, .anyAccepted(nil)) }
            return result(.fail, claims.iss == nil ? .absent : .notAString)
        }
        if policy.anyIssuer { return result(.skip, .anyAccepted(iss)) }
        if rule.accepted.isEmpty {
            // The accepted issuer was to come from the metadata, which could not be obtained.
            if keysUnavailable { return CheckResult(.issuer, .skip, .notRun(.keysUnavailable)) }
            return result(.fail, .noneConfigured(iss))
        }
        let tid = claims.tid
        if rule.templates.contains(where: { $0.matches(issuer: iss, tokenTenantID: tid) }) {
            return result(.pass, .accepted(iss))
        }
        return result(.fail, .rejected(iss, Self.mismatch(iss, tid: tid, accepted: rule.templates)))
    }

    /// How a refused Entra issuer relates to the accepted ones (templates filled with the token's `tid`): the
    /// other version's form of the same tenant, or another tenant.
    static func mismatch(_ iss: String, tid: String?, accepted templates: [IssuerTemplate]) -> IssuerMismatch {
        guard let token = EntraIssuer(iss) else { return .unrelated }
        let accepted = templates.map { $0.expectedIssuer(tokenTenantID: tid) ?? $0.template }
        for candidate in accepted {
            guard let other = EntraIssuer(candidate), other.version != token.version,
                other.tenant == token.tenant || candidate.contains(IssuerTemplate.tenantPlaceholder)
            else { continue }
            return .otherVersion(token: token, accepted: other)
        }
        if EntraTenant.isGUID(token.tenant),
            let other = accepted.lazy.compactMap(EntraIssuer.tenantID(in:)).first, other != token.tenant
        {
            return .otherTenant(token: token.tenant, accepted: other)
        }
        return .unrelated
    }

    /// `audience`: RFC 7519 §4.1.3, `aud` is a string or an array of strings; one accepted value suffices.
    @inline(__always)
    func audienceCheck(_ aud: JSONValue?) -> CheckResult {
        let accepted = policy.audiences
        func result(_ status: CheckResult.Status, _ finding: AudienceEvidence.Finding) -> CheckResult {
            CheckResult(.audience, status, .audience(AudienceEvidence(accepted: accepted, finding: finding)))
        }
        let matched: Bool
        switch aud {
        case .string(let single)?: matched = accepted.contains(single)
        case .array(let array)? where !array.isEmpty && array.allSatisfy({ $0.stringValue != nil }):
            matched = array.contains { accepted.contains($0.stringValue!) }
        case nil:
            return policy.anyAudience ? result(.skip, .anyAccepted(nil)) : result(.fail, .absent)
        case .some(let other):
            return result(.fail, .wrongType(other))
        }
        let aud = aud!
        if policy.anyAudience { return result(.skip, .anyAccepted(aud)) }
        if matched { return result(.pass, .accepted(aud)) }
        return result(.fail, .rejected(aud, Self.mismatch(AudienceEvidence.values(of: aud), accepted: accepted)))
    }

    /// How a refused audience relates to the accepted ones: Microsoft Graph's, a trailing slash, or one
    /// application named two ways (`api://GUID` and `GUID`).
    static func mismatch(_ values: [String], accepted: [String]) -> AudienceMismatch {
        if values.contains(where: EntraAudience.isGraph) { return .graph }
        for value in values {
            for expected in accepted {
                if AudienceForms.trimmed(value) == AudienceForms.trimmed(expected) {
                    return .trailingSlash(token: value, accepted: expected)
                }
                if AudienceForms.bare(value) == AudienceForms.bare(expected) {
                    return .sameApplication(token: value, accepted: expected)
                }
            }
        }
        return .unrelated
    }

    /// `tenant`: in an Entra token the issuer embeds the tenant id, and `tid` must agree with it; with a pinned
    /// tenant, `tid` must be that tenant.
    @inline(__always)
    func tenantCheck(_ claims: borrowing CheckedClaims) -> CheckResult {
        let tid = claims.tid
        if let pinned = policy.tenantID {
            guard let tid else { return CheckResult(.tenant, .fail, .tenant(.pinnedButNoTID(pinned: pinned))) }
            if !EntraTenant.sameID(tid, pinned) {
                return CheckResult(.tenant, .fail, .tenant(.otherTenant(pinned: pinned, tid: tid)))
            }
        }
        guard let tid, let iss = claims.issuer else { return CheckResult(.tenant, .skip, .tenant(.notApplicable(tid: tid))) }
        switch tenantMemo.agreement(iss, tid) {
        case .noTenant: return CheckResult(.tenant, .skip, .tenant(.notApplicable(tid: tid)))
        case .different: return CheckResult(.tenant, .fail, .tenant(.disagreesWithIssuer(iss: iss, tid: tid)))
        case .same: return CheckResult(.tenant, .pass, .tenant(.agreesWithIssuer(iss: iss, tid: tid)))
        }
    }

    /// `client`: which application asked for the token: `appid` in v1.0 tokens, `azp` in v2.0 tokens.
    @inline(__always)
    func clientCheck(_ client: (readFrom: TokenVersion, value: String?), version: TokenVersion) -> CheckResult {
        let (readFrom, value) = client
        let evidence = Evidence.client(
            ClientEvidence(accepted: policy.clientIDs, tokenVersion: version, readFrom: readFrom, value: value))
        guard !policy.clientIDs.isEmpty else { return CheckResult(.client, .skip, evidence) }
        guard let value else { return CheckResult(.client, .fail, evidence) }
        let accepted = policy.clientIDs.contains { $0.lowercased() == value.lowercased() }
        return CheckResult(.client, accepted ? .pass : .fail, evidence)
    }

    /// `credential`: how the client authenticated to Entra when it obtained the token.
    @inline(__always)
    func credentialCheck(_ verdict: CredentialVerdict) -> CheckResult {
        let evidence = Evidence.credential(CredentialEvidence(required: policy.requireCertificate, verdict: verdict))
        guard policy.requireCertificate else { return CheckResult(.credential, .skip, evidence) }
        return CheckResult(.credential, verdict.kind == .certificate ? .pass : .fail, evidence)
    }

    /// `claim:<name>`: the claim must carry the value. Arrays match when any element does; `scp` is one string
    /// of space-separated scopes (RFC 8693 §4.2 / Entra's `scp`), so it is split first.
    func requiredClaimCheck(_ claims: JSONObject, name: String, value: String) -> CheckResult {
        let found = claims[name]
        let evidence = Evidence.claim(ClaimEvidence(required: value, found: found))
        guard let found else { return CheckResult(.claim, .fail, evidence, claim: name) }
        let carries = ClaimValues.strings(of: found, splitOnSpaces: name == "scp").contains(value)
        return CheckResult(.claim, carries ? .pass : .fail, evidence, claim: name)
    }
}

/// The string forms of a claim's value(s), for comparisons against text the user typed.
public enum ClaimValues {
    public static func strings(of value: JSONValue, splitOnSpaces: Bool = false, separator: String? = nil) -> [String] {
        func scalar(_ value: JSONValue) -> String? {
            switch value {
            case .string(let s): return s
            case .number(let n): return n.text
            case .bool(let b): return b ? "true" : "false"
            default: return nil
            }
        }
        var out: [String]
        switch value {
        case .array(let elements): out = elements.compactMap(scalar)
        default: out = scalar(value).map { [$0] } ?? []
        }
        if let separator, !separator.isEmpty {
            out = out.flatMap { $0.split(separator: separator, omittingEmptySubsequences: true).map(String.init) }
        } else if splitOnSpaces {
            out = out.flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        }
        return out
    }
}
