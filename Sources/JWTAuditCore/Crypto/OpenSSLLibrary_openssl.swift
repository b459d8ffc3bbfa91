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

    /// Called first thing by the executable (never by tests running the CLI in-process), so that libcrypto
    /// does not free its tables in an atexit handler: the kernel reclaims the memory of a process that ends,
    /// and the cleanup was 0.77 million instructions at the end of every cold `verify` (issue 22). OPENSSL_init_crypto(3):
    /// "OPENSSL_INIT_NO_ATEXIT: By default OpenSSL will attempt to clean itself up when the process exits via
    /// an "atexit" handler. Using this option suppresses that behaviour." Only the first call decides, hence
    /// first thing. The configuration file is still loaded, lazily, on the first use that needs it, as before:
    /// this call does not ask for OPENSSL_INIT_LOAD_CONFIG, and does not prevent a later call from asking.
    public static func leaveCleanupToProcessExit() {
        _ = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil)
    }
}
