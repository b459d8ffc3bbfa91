#include "COpenSSLShims.h"
#include <openssl/opensslv.h>
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
