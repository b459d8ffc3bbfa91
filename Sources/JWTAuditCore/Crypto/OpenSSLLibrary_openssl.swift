import COpenSSL

/// The libcrypto this process runs on. It is the library the dynamic loader found at start, not the headers
/// the binary was built against: Debian updates libssl3 in place, so a bug report (`jwtaudit --version`)
/// must name what actually ran.
public enum OpenSSLLibrary {
    /// `OpenSSL 3.0.22`. OpenSSL_version(3): `OPENSSL_VERSION_STRING` is the version alone ("3.0.22"), where
    /// `OPENSSL_VERSION` would add the release date. The string is static in libcrypto: nothing to free.
    public static var version: String {
        "OpenSSL " + String(cString: OpenSSL_version(OPENSSL_VERSION_STRING))
    }
}
