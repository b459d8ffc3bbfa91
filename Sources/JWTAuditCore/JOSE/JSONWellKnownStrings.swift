/// The member names and short values that fill JOSE headers, JWT claims sets and JWKs (RFC 7515 §4.1, RFC 7516
/// §4.1, RFC 7517 §4, RFC 7518 §3.1 and §6, RFC 7519 §4.1, and the claims of Microsoft's "Access token claims
/// reference" and "ID token claims reference", as listed in `ClaimGlossary`), returned as String literals.
///
/// A literal costs nothing to produce, while `String(decoding:as:)` validates the bytes again and builds a new
/// value: with ~20 names per claims set, that was a fifth of the JSON parser's time per token.
enum JSONWellKnownStrings {
    /// The literal with exactly these bytes, if there is one. `fingerprint` is `JSONObject.fingerprint` of the
    /// bytes, which must be ASCII; it is exact for up to seven bytes, longer names compare their bytes.
    static func string(fingerprint: UInt64, _ bytes: UnsafePointer<UInt8>, _ count: Int) -> String? {
        switch fingerprint {
        case 0x8100000000000030: return "0"
        case 0x8100000000000031: return "1"
        case 0x8100000000000032: return "2"
        case 0x8100000000000064: return "d"
        case 0x8100000000000065: return "e"
        case 0x810000000000006E: return "n"
        case 0x8100000000000078: return "x"
        case 0x8100000000000079: return "y"
        case 0x8200000000004345: return "EC"
        case 0x8200000000006872: return "rh"
        case 0x8200000000007669: return "iv"
        case 0x8300000000302E31: return "1.0"
        case 0x8300000000302E32: return "2.0"
        case 0x8300000000343662: return "b64"
        case 0x8300000000415352: return "RSA"
        case 0x8300000000504B4F: return "OKP"
        case 0x830000000054574A: return "JWT"
        case 0x830000000061666D: return "mfa"
        case 0x8300000000616977: return "wia"
        case 0x8300000000617372: return "rsa"
        case 0x8300000000627573: return "sub"
        case 0x8300000000633270: return "p2c"
        case 0x8300000000633578: return "x5c"
        case 0x8300000000636E65: return "enc"
        case 0x8300000000646963: return "cid"
        case 0x830000000064696B: return "kid"
        case 0x830000000064696F: return "oid"
        case 0x8300000000646973: return "sid"
        case 0x8300000000646974: return "tid"
        case 0x8300000000647561: return "aud"
        case 0x8300000000647766: return "fwd"
        case 0x8300000000647770: return "pwd"
        case 0x8300000000657375: return "use"
        case 0x830000000066626E: return "nbf"
        case 0x8300000000666E63: return "cnf"
        case 0x8300000000676174: return "tag"
        case 0x8300000000676973: return "sig"
        case 0x8300000000676C61: return "alg"
        case 0x830000000069746A: return "jti"
        case 0x8300000000697475: return "uti"
        case 0x83000000006B7065: return "epk"
        case 0x83000000006B776A: return "jwk"
        case 0x83000000006C7275: return "url"
        case 0x83000000006E7075: return "upn"
        case 0x83000000006F6961: return "aio"
        case 0x8300000000706373: return "scp"
        case 0x8300000000706469: return "idp"
        case 0x8300000000706674: return "tfp"
        case 0x830000000070697A: return "zip"
        case 0x8300000000707061: return "app"
        case 0x8300000000707865: return "exp"
        case 0x8300000000707974: return "typ"
        case 0x8300000000707A61: return "azp"
        case 0x8300000000726361: return "acr"
        case 0x8300000000726576: return "ver"
        case 0x8300000000726D61: return "amr"
        case 0x8300000000733270: return "p2s"
        case 0x8300000000737369: return "iss"
        case 0x8300000000743578: return "x5t"
        case 0x8300000000746169: return "iat"
        case 0x8300000000747070: return "ppt"
        case 0x8300000000753578: return "x5u"
        case 0x8300000000756B6A: return "jku"
        case 0x8300000000757061: return "apu"
        case 0x8300000000767061: return "apv"
        case 0x8300000000767263: return "crv"
        case 0x8300000000797463: return "cty"
        case 0x830000000079746B: return "kty"
        case 0x8400000064697570: return "puid"
        case 0x84000000656D616E: return "name"
        case 0x84000000656E6F6E: return "none"
        case 0x8400000072657375: return "user"
        case 0x8400000073646977: return "wids"
        case 0x8400000073726361: return "acrs"
        case 0x840000007379656B: return "keys"
        case 0x8400000074636361: return "acct"
        case 0x8400000074697263: return "crit"
        case 0x8400000079727463: return "ctry"
        case 0x8500003231355345: return "ES512"
        case 0x8500003231355348: return "HS512"
        case 0x8500003231355350: return "PS512"
        case 0x8500003231355352: return "RS512"
        case 0x8500003438335345: return "ES384"
        case 0x8500003438335348: return "HS384"
        case 0x8500003438335350: return "PS384"
        case 0x8500003438335352: return "RS384"
        case 0x8500003635325345: return "ES256"
        case 0x8500003635325348: return "HS256"
        case 0x8500003635325350: return "PS256"
        case 0x8500003635325352: return "RS256"
        case 0x8500004153446445: return "EdDSA"
        case 0x8500006469707061: return "appid"
        case 0x85000065636E6F6E: return "nonce"
        case 0x85000065706F6373: return "scope"
        case 0x8500006C69616D65: return "email"
        case 0x8500007079746469: return "idtyp"
        case 0x85000073656C6F72: return "roles"
        case 0x860063635F736D78: return "xms_cc"
        case 0x8600687361685F63: return "c_hash"
        case 0x86006C705F736D78: return "xms_pl"
        case 0x8600726361707A61: return "azpacr"
        case 0x8600726464617069: return "ipaddr"
        case 0x8600726575737369: return "issuer"
        case 0x86007370756F7267: return "groups"
        case 0x860074735F736D78: return "xms_st"
        case 0x860074776A2B7461: return "at+jwt"
        case 0x876474665F736D78: return "xms_ftd"
        case 0x87687361685F7461: return "at_hash"
        case 0x876B776A5F627573: return "sub_jwk"
        case 0x876C64705F736D78: return "xms_pdl"
        case 0x876C70745F736D78: return "xms_tpl"
        case 0x8770726F635F6E69: return "in_corp"
        case 0x8773706F5F79656B: return "key_ops"
        case 0x8835325323743578: return same(bytes, count, "x5t#S256")
        case 0x8863616469707061: return same(bytes, count, "appidacr")
        case 0x886463745F736D78: return same(bytes, count, "xms_tcdt")
        case 0x8869656369766564: return same(bytes, count, "deviceid")
        case 0x886F64655F736D78: return same(bytes, count, "xms_edov")
        case 0x8872755F736B776A: return same(bytes, count, "jwks_uri")
        case 0x895F746E65696C63: return same(bytes, count, "client_id")
        case 0x8969745F68747561: return same(bytes, count, "auth_time")
        case 0x897264695F736D78: return same(bytes, count, "xms_idrel")
        case 0x8972696D5F736D78: return same(bytes, count, "xms_mirid")
        case 0x89756F7267736168: return same(bytes, count, "hasgroups")
        case 0x8A5F6D6572706E6F: return same(bytes, count, "onprem_sid")
        case 0x8A5F7A615F736D78: return same(bytes, count, "xms_az_rid")
        case 0x8A685F6E69676F6C: return same(bytes, count, "login_hint")
        case 0x8A6E5F6E65766967: return same(bytes, count, "given_name")
        case 0x8B5F657571696E75: return same(bytes, count, "unique_name")
        case 0x8B5F746E616E6574: return same(bytes, count, "tenant_ctry")
        case 0x8B5F796C696D6166: return same(bytes, count, "family_name")
        case 0x8C5F6D69616C635F: return same(bytes, count, "_claim_names")
        case 0x8E5F6D69616C635F: return same(bytes, count, "_claim_sources")
        case 0x8F7261705F736D78: return same(bytes, count, "xms_par_app_azp")
        case 0x905F7A615F736D78: return same(bytes, count, "xms_az_nwperimid")
        case 0x9272726566657270: return same(bytes, count, "preferred_username")
        case 0x935F746E616E6574: return same(bytes, count, "tenant_region_scope")
        case 0x9665696669726576: return same(bytes, count, "verified_primary_email")
        case 0x96665F7473757274: return same(bytes, count, "trust_framework_policy")
        case 0x9865696669726576: return same(bytes, count, "verified_secondary_email")
        default: return nil
        }
    }

    private static func same(_ bytes: UnsafePointer<UInt8>, _ count: Int, _ literal: String) -> String? {
        let equal = literal.utf8.withContiguousStorageIfAvailable { known -> Bool in
            guard known.count == count, let base = known.baseAddress else { return false }
            var index = 0
            while index < count {
                if base[index] != bytes[index] { return false }
                index += 1
            }
            return true
        }
        return equal == true ? literal : nil
    }
}
