// Forwards for what Swift cannot import from OpenSSL 3 (function-like macros).
#ifndef JWTAUDIT_COPENSSL_SHIMS_H
#define JWTAUDIT_COPENSSL_SHIMS_H
#include <stddef.h>

/// OPENSSL_free is a macro.
void jwtaudit_OPENSSL_free(void *ptr);
/// BIO_get_mem_data is a macro; returns the length and sets *data.
long jwtaudit_BIO_get_mem_data(void *bio, char **data);
/// OPENSSL_VERSION_NUMBER of the headers we were built against.
unsigned long jwtaudit_openssl_version_number(void);
/// EVP_PKEY_PUBLIC_KEY is a compound macro (selection bits for EVP_PKEY_fromdata).
int jwtaudit_EVP_PKEY_PUBLIC_KEY(void);
/// EVP_PKEY_KEYPAIR likewise (a private key with its public half).
int jwtaudit_EVP_PKEY_KEYPAIR(void);
/// Loads libcrypto's error strings, for a process that started with OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS: the
/// error queue is then described (`OpenSSLErrorQueue`) in words, not as "lib(16)::reason(107)".
void jwtaudit_load_error_strings(void);

#endif
