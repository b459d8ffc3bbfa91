extension Verifier {
    /// `issuer`: exact string comparison (RFC 7519 §4.1.1 values are case-sensitive StringOrURI).
    func issuerCheck(_ claims: JSONObject) -> CheckResult {
        let issuerSource = policy.issuerSource
        guard let iss = claims["iss"]?.stringValue else {
            if policy.anyIssuer {
                return CheckResult(id: CheckID.issuer, status: .skip, actual: "(absent)", detail: "any issuer accepted")
            }
            return CheckResult(
                id: CheckID.issuer, status: .fail, expected: self.policy.issuers.joined(separator: " | "),
                actual: claims["iss"] == nil ? "(absent)" : "not a string", detail: "the token names no issuer")
        }
        if policy.anyIssuer {
            return CheckResult(id: CheckID.issuer, status: .skip, actual: iss, detail: "any issuer accepted")
        }
        if policy.issuers.isEmpty {
            return CheckResult(
                id: CheckID.issuer, status: .fail, expected: "(none configured)", actual: iss,
                detail: "no accepted issuer was configured")
        }
        let tid = claims["tid"]?.stringValue
        let issuers = policy.issuers
        let templates = issuerTemplates
        if templates.contains(where: { $0.matches(issuer: iss, tokenTenantID: tid) }) {
            let multiTenant = policy.tenantID == nil && templates.contains(where: \.isTenantTemplated)
            return CheckResult(id: CheckID.issuer, status: .pass) {
                CheckResult.Text(
                    expected: issuers.joined(separator: " | "), actual: iss,
                    detail: Self.issuedBy(iss, source: issuerSource, multiTenant: multiTenant))
            }
        }
        let accepted = templates.map { $0.expectedIssuer(tokenTenantID: tid) ?? $0.template }
        return CheckResult(
            id: CheckID.issuer, status: .fail, expected: issuers.joined(separator: " | "), actual: iss,
            detail: "the issuer is not one of the accepted issuers\(Self.sourceNote(issuerSource))"
                + EntraHints.issuerHint(actual: iss, accepted: accepted))
    }

    /// ` (<where the accepted issuer came from>)`, or nothing.
    static func sourceNote(_ issuerSource: String?) -> String {
        issuerSource.map { " (\($0))" } ?? ""
    }

    static func issuedBy(_ iss: String, source: String?, multiTenant: Bool) -> String {
        var detail = "issued by \(iss)\(sourceNote(source))"
        if multiTenant {
            detail += "; the accepted issuer is a multi-tenant template, so a token from any tenant passes unless a tenant is named"
        }
        return detail
    }

    /// `audience`: RFC 7519 §4.1.3, `aud` is a string or an array of strings; one accepted value suffices.
    func audienceCheck(_ claims: JSONObject) -> CheckResult {
        let values: [String]
        switch claims["aud"] {
        case .string(let single): values = [single]
        case .array(let array) where array.allSatisfy({ $0.stringValue != nil }) && !array.isEmpty:
            values = array.compactMap(\.stringValue)
        case nil:
            if policy.anyAudience {
                return CheckResult(id: CheckID.audience, status: .skip, actual: "(absent)", detail: "any audience accepted")
            }
            return CheckResult(
                id: CheckID.audience, status: .fail, expected: self.policy.audiences.joined(separator: " | "),
                actual: "(absent)", detail: "the token names no audience")
        case .some(let other):
            return CheckResult(
                id: CheckID.audience, status: .fail, expected: "a string or an array of strings",
                actual: other.kindDescription, detail: "\"aud\" has the wrong type")
        }
        if policy.anyAudience {
            return CheckResult(
                id: CheckID.audience, status: .skip, actual: values.joined(separator: ", "), detail: "any audience accepted")
        }
        let audiences = policy.audiences
        if values.contains(where: audiences.contains) {
            return CheckResult(
                id: CheckID.audience, status: .pass, expected: audiences.joined(separator: " | "),
                actual: values.joined(separator: ", "), detail: "meant for \(values.joined(separator: ", "))")
        }
        return CheckResult(
            id: CheckID.audience, status: .fail, expected: audiences.joined(separator: " | "),
            actual: values.joined(separator: ", "),
            detail: "the token is meant for another audience" + EntraHints.audienceHint(actual: values, accepted: audiences))
    }

    /// `tenant`: in an Entra token the issuer embeds the tenant id, and `tid` must agree with it; with a pinned
    /// tenant, `tid` must be that tenant.
    func tenantCheck(_ claims: JSONObject) -> CheckResult {
        let tid = claims["tid"]?.stringValue
        let issuerTenant = claims["iss"]?.stringValue.flatMap(EntraHints.tenantInIssuer)
        if let pinned = policy.tenantID {
            guard let tid else {
                return CheckResult(
                    id: CheckID.tenant, status: .fail, expected: pinned, actual: "(no tid)",
                    detail: "the token has no tid, so its tenant cannot be confirmed")
            }
            if !EntraTenant.sameID(tid, pinned) {
                return CheckResult(
                    id: CheckID.tenant, status: .fail, expected: pinned, actual: tid,
                    detail: "the token was issued for another tenant")
            }
        }
        guard let tid, let issuerTenant else {
            return CheckResult(
                id: CheckID.tenant, status: .skip, actual: tid,
                detail: tid == nil ? "no tid claim" : "the issuer does not embed a tenant id")
        }
        if !EntraTenant.sameID(issuerTenant, tid) {
            return CheckResult(
                id: CheckID.tenant, status: .fail, expected: issuerTenant, actual: tid,
                detail: "tid disagrees with the tenant in iss")
        }
        return CheckResult(id: CheckID.tenant, status: .pass) {
            CheckResult.Text(expected: issuerTenant, actual: tid, detail: "tid matches the issuer's tenant")
        }
    }

    /// `client`: which application asked for the token: `appid` in v1.0 tokens, `azp` in v2.0 tokens.
    func clientCheck(_ claims: JSONObject, credential: CredentialVerdict) -> CheckResult {
        let isV2 = credential.tokenVersion == TokenVersion.v2.rawValue
        let (primary, other) = isV2 ? ("azp", "appid") : ("appid", "azp")
        let claimName = claims[primary]?.stringValue != nil ? primary : other
        let value = claims[claimName]?.stringValue
        guard !policy.clientIDs.isEmpty else {
            return CheckResult(
                id: CheckID.client, status: .skip, actual: value.map { "\(claimName) \($0)" },
                detail: "no --client-id given")
        }
        let expected = policy.clientIDs.joined(separator: " | ")
        guard let value else {
            return CheckResult(
                id: CheckID.client, status: .fail, expected: expected, actual: "(no \(primary))",
                detail: "the token names no client (\(primary) in a \(isV2 ? "v2.0" : "v1.0") token)")
        }
        if policy.clientIDs.contains(where: { $0.lowercased() == value.lowercased() }) {
            return CheckResult(id: CheckID.client, status: .pass, expected: expected, actual: value, detail: "\(claimName) is an accepted client")
        }
        return CheckResult(
            id: CheckID.client, status: .fail, expected: expected, actual: value,
            detail: "\(claimName) names a client that is not accepted")
    }

    /// `credential`: how the client authenticated to Entra when it obtained the token.
    func credentialCheck(_ verdict: CredentialVerdict) -> CheckResult {
        guard policy.requireCertificate else {
            return CheckResult(
                id: CheckID.credential, status: .skip, actual: Self.credentialActual(verdict),
                detail: "not required (--require-certificate not given)")
        }
        let actual = Self.credentialActual(verdict)
        let claim = verdict.tokenVersion == TokenVersion.v2.rawValue ? "azpacr" : "appidacr"
        if verdict.kind == .certificate {
            return CheckResult(
                id: CheckID.credential, status: .pass, expected: "certificate (\(claim) = \"2\")", actual: actual,
                detail: "the client authenticated with a certificate")
        }
        let why: String
        switch verdict.kind {
        case .secret: why = "the client authenticated with a client secret"
        case .publicClient: why = "the token was issued to a public client, which has no credential"
        case .unknown, .certificate: why = "the token does not say how the client authenticated"
        }
        return CheckResult(
            id: CheckID.credential, status: .fail, expected: "certificate (\(claim) = \"2\")", actual: actual, detail: why)
    }

    /// `certificate (appidacr = "2")`, or the bare kind when the token has no credential claim.
    static func credentialActual(_ verdict: CredentialVerdict) -> String {
        verdict.claim.map { "\(verdict.kind.rawValue) (\($0) = \"\(verdict.value ?? "")\")" } ?? verdict.kind.rawValue
    }

    /// `claim:<name>`: the claim must carry the value. Arrays match when any element does; `scp` is one string
    /// of space-separated scopes (RFC 8693 §4.2 / Entra's `scp`), so it is split first.
    func requiredClaimCheck(_ claims: JSONObject, name: String, value: String) -> CheckResult {
        let id = CheckID.claim(name)
        guard let claim = claims[name] else {
            return CheckResult(id: id, status: .fail, expected: value, actual: "(absent)", detail: "the token has no \(name) claim")
        }
        let values = ClaimValues.strings(of: claim, splitOnSpaces: name == "scp")
        if values.contains(value) {
            return CheckResult(id: id, status: .pass, expected: value, actual: values.joined(separator: ", "), detail: "\(name) carries \(value)")
        }
        return CheckResult(
            id: id, status: .fail, expected: value, actual: values.isEmpty ? claim.kindDescription : values.joined(separator: ", "),
            detail: "\(name) does not carry \(value)")
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
