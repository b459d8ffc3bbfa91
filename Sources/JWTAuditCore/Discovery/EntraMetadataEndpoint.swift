import Glibc

/// The `--tenant` value: a tenant GUID, a verified domain, or one of Entra's tenant-independent names.
///
/// Microsoft identity platform, OpenID Connect: "`{tenant}` … can take one of four types of values:
/// `common`, `organizations`, `consumers`, or tenant identifiers (GUID or domain)".
public struct EntraTenant: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case guid, domain, common, organizations, consumers }

    public let text: String
    public let kind: Kind

    public var description: String { text }

    /// Refuses anything else, so that the value is safe to splice into a URL path.
    public init(_ text: String) throws(JWTAuditError) {
        switch text.lowercased() {
        case "common": self.text = "common"; kind = .common; return
        case "organizations": self.text = "organizations"; kind = .organizations; return
        case "consumers": self.text = "consumers"; kind = .consumers; return
        default: break
        }
        if Self.isGUID(text) {
            self.text = text.lowercased(); kind = .guid; return
        }
        if Self.isDomain(text) {
            self.text = text.lowercased(); kind = .domain; return
        }
        throw JWTAuditError(.invalidArgument,
            "tenant '\(text)' is not a tenant ID (GUID), a domain, 'common', 'organizations' or 'consumers'")
    }

    /// The tenant of personal Microsoft accounts: Microsoft (access token claims reference), "the consumer tenant
    /// ... `9188040d-6c67-4c5b-b112-36a304b66dad`".
    public static let consumersTenantID = "9188040d-6c67-4c5b-b112-36a304b66dad"

    /// True for `common`/`organizations`/`consumers`: the metadata's issuer is templated, so any tenant's
    /// token passes the issuer check unless the token's tenant is checked separately.
    public var isMultiTenant: Bool { kind != .guid && kind != .domain }

    /// 8-4-4-4-12 hexadecimal digits. Read as bytes: it runs on every token's `iss` and `tid`.
    public static func isGUID(_ s: String) -> Bool {
        var s = s
        return s.withUTF8(isGUID)
    }

    /// The same, for a tenant read out of an issuer without copying it.
    static func isGUID(_ s: Substring) -> Bool {
        var s = s
        return s.withUTF8(isGUID)
    }

    static func isGUID(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 36 else { return false }
        for index in 0..<36 {
            let byte = bytes[index]
            if index == 8 || index == 13 || index == 18 || index == 23 {
                if byte != UInt8(ascii: "-") { return false }
                continue
            }
            // A digit, or a letter a-f in either case (only A-F and a-f fold to a-f with 0x20 set).
            guard byte &- UInt8(ascii: "0") < 10 || (byte | 0x20) &- UInt8(ascii: "a") < 6 else { return false }
        }
        return true
    }

    /// Two tenant IDs name the same tenant when they are equal ignoring case: RFC 9562 §4 (UUID text): "the
    /// hexadecimal values "a" through "f" ... are case insensitive on input". Compared as ASCII bytes without
    /// making lowercased copies (this runs per token); anything non-ASCII falls back to full lowercasing.
    public static func sameID(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        let x = a.utf8
        let y = b.utf8
        guard x.count == y.count else { return false }
        // Over contiguous bytes when both have them (a tenant read out of an issuer, a `tid` claim): the generic
        // index walk below cost some 4,000 instructions a token.
        let fast = x.withContiguousStorageIfAvailable { xs in y.withContiguousStorageIfAvailable { ys in sameID(xs, ys) } }
        if let fast, let fast, let same = fast { return same }
        var index = y.startIndex
        for byte in x {
            let other = y[index]
            if byte >= 0x80 || other >= 0x80 { return a.lowercased() == b.lowercased() }
            if foldASCII(byte) != foldASCII(other) { return false }
            index = y.index(after: index)
        }
        return true
    }

    /// `sameID` over bytes of one length; nil when they differ and either is not ASCII (then Strings decide).
    static func sameID(_ xs: UnsafeBufferPointer<UInt8>, _ ys: UnsafeBufferPointer<UInt8>) -> Bool? {
        // Byte for byte equal, the usual case (`tid` and the issuer's tenant are written by one service): no folding
        // needed, whatever the bytes.
        if xs.count == 0 || memcmp(xs.baseAddress!, ys.baseAddress!, xs.count) == 0 { return true }
        for offset in 0..<xs.count {
            if xs[offset] >= 0x80 || ys[offset] >= 0x80 { return nil }
            if foldASCII(xs[offset]) != foldASCII(ys[offset]) { return false }
        }
        return true
    }

    private static func foldASCII(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    static func isDomain(_ s: String) -> Bool {
        guard s.utf8.count <= 253 else { return false }
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }
        }
    }
}

/// Where Entra publishes a tenant's OpenID metadata, by token version.
///
/// Microsoft (access tokens): "When your web app/API is validating a v1.0 token (`ver` claim ="1.0"), it needs to
/// read the OpenID Connect metadata document from the v1.0 endpoint
/// (`https://login.microsoftonline.com/{example-tenant-id}/.well-known/openid-configuration`)… a v2.0 token … from
/// the v2.0 endpoint (`https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration`)".
public enum EntraMetadataEndpoint {
    /// The public cloud; `--authority` sets a national cloud (`EntraAuthority.loginHosts`) or a test server.
    public static let defaultAuthority = "https://" + EntraAuthority.loginHosts[0]

    /// `{authority}/{tenant}/.well-known/openid-configuration` (v1) or
    /// `{authority}/{tenant}/v2.0/.well-known/openid-configuration` (v2).
    /// The authority must be an https URL (http for loopback, if allowed by the fetcher) with no query or fragment.
    public static func metadataURL(authority: String = defaultAuthority, tenant: EntraTenant, version: TokenVersion)
        throws(JWTAuditError) -> String
    {
        _ = try EndpointURL(authority)
        if authority.contains("?") || authority.contains("#") {
            throw JWTAuditError(.invalidArgument, "authority '\(authority)' must not have a query or fragment")
        }
        var base = Substring(authority)
        while base.hasSuffix("/") { base = base.dropLast() }
        return url(base: base, tenant: tenant.text, version: version)
    }

    /// The public cloud's metadata URL for a tenant as an issuer names it, for people to read (`explain`'s fixes).
    public static func metadataURL(tenantText: String, version: TokenVersion) -> String {
        url(base: Substring(defaultAuthority), tenant: tenantText, version: version)
    }

    private static func url(base: Substring, tenant: String, version: TokenVersion) -> String {
        switch version {
        case .v1: return "\(base)/\(tenant)/.well-known/openid-configuration"
        case .v2: return "\(base)/\(tenant)/v2.0/.well-known/openid-configuration"
        }
    }
}
