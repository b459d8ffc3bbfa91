/* The error-string loaders below are deprecated in 3.0 (OPENSSL_init_crypto does it all at once), but they are the
 * only public way to load the strings after OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS: see jwtaudit_load_error_strings. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "COpenSSLShims.h"
#include <openssl/opensslv.h>
#include <openssl/err.h>
#include <openssl/cryptoerr_legacy.h>
#include <openssl/crypto.h>
#include <openssl/bio.h>
#include <openssl/evp.h>

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "jwtaudit needs OpenSSL 3.0 or later (apt-get install libssl-dev)"
#endif

void jwtaudit_OPENSSL_free(void *ptr) { OPENSSL_free(ptr); }
long jwtaudit_BIO_get_mem_data(void *bio, char **data) { return BIO_get_mem_data((BIO *)bio, data); }
unsigned long jwtaudit_openssl_version_number(void) { return OPENSSL_VERSION_NUMBER; }
int jwtaudit_EVP_PKEY_PUBLIC_KEY(void) { return EVP_PKEY_PUBLIC_KEY; }
int jwtaudit_EVP_PKEY_KEYPAIR(void) { return EVP_PKEY_KEYPAIR; }

/* What OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS) loads (crypto/err/err_all.c), as far as 3.0 exposes
 * it: the library names and the common reasons (ERR), then each library's reasons. Not exposed: the reasons of
 * the provider, property, HTTP, CMP, CRMF, ESS, DSO and encoder/decoder libraries, which then read "reason(N)"
 * after their library's name. Each loader does nothing when its strings are already there. */
void jwtaudit_load_error_strings(void) {
    ERR_load_ERR_strings();
    ERR_load_BN_strings();
    ERR_load_RSA_strings();
    ERR_load_DH_strings();
    ERR_load_EVP_strings();
    ERR_load_BUF_strings();
    ERR_load_OBJ_strings();
    ERR_load_PEM_strings();
    ERR_load_DSA_strings();
    ERR_load_X509_strings();
    ERR_load_ASN1_strings();
    ERR_load_CONF_strings();
    ERR_load_CRYPTO_strings();
    ERR_load_COMP_strings();
    ERR_load_EC_strings();
    ERR_load_BIO_strings();
    ERR_load_PKCS7_strings();
    ERR_load_X509V3_strings();
    ERR_load_PKCS12_strings();
    ERR_load_RAND_strings();
    ERR_load_TS_strings();
    ERR_load_ENGINE_strings();
    ERR_load_OCSP_strings();
    ERR_load_UI_strings();
    ERR_load_CMS_strings();
    ERR_load_CT_strings();
    ERR_load_ASYNC_strings();
    ERR_load_KDF_strings();
    ERR_load_OSSL_STORE_strings();
}
