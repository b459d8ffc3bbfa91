import COpenSSL
import COpenSSLShims

/// The libcrypto this process runs on. It is the library the dynamic loader found at start, not the headers
/// the binary was built against: Debian updates libssl3 in place, so a bug report (`jwtaudit --version`)
/// must name what actually ran.
public enum OpenSSLLibrary {
    /// `OpenSSL 3.0.22`. OpenSSL_version(3): `OPENSSL_VERSION_STRING` is the version alone ("3.0.22"), where
    /// `OPENSSL_VERSION` would add the release date. The string is static in libcrypto: nothing to free.
    public static var version: String {
        "OpenSSL " + String(cString: OpenSSL_version(OPENSSL_VERSION_STRING))
    }

    /// Called first thing by the executable (never by tests running the CLI in-process), with two options that
    /// only the first call decides (OPENSSL_init_crypto(3)):
    /// - OPENSSL_INIT_NO_ATEXIT: "By default OpenSSL will attempt to clean itself up when the process exits via
    ///   an "atexit" handler. Using this option suppresses that behaviour." The kernel reclaims the memory of a
    ///   process that ends, and the cleanup was 0.77 million instructions at the end of every cold `verify`.
    /// - OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS: libcrypto otherwise loads every error string into a hash table the
    ///   first time a thread touches its error queue, which building any key does (`EVP_PKEY_fromdata` queues a
    ///   record even when it succeeds): 0.95 million instructions, 30 page faults and about a tenth of a cold
    ///   `verify`'s time (issue 22), for text that only a failure shows. `loadErrorStrings()` loads it then.
    ///
    /// The configuration file is still loaded, lazily, on the first use that needs it, as before: this call does
    /// not ask for OPENSSL_INIT_LOAD_CONFIG, and does not prevent a later call from asking.
    public static func leaveCleanupToProcessExit() {
        _ = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS), nil)
    }

    /// libcrypto's error strings, loaded once, before an error is described in words (`OpenSSLErrorQueue`) or
    /// libcurl may describe one (`HTTPFetcher`). Loading them again does nothing.
    public static func loadErrorStrings() {
        _ = errorStrings
    }

    private static let errorStrings: Void = jwtaudit_load_error_strings()
}
