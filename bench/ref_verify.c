/* The reference for the cold-start benchmark: the least a program can do to check one RS256 token's
 * signature with libcrypto. usage: ref_verify TOKEN PUBLIC_KEY.pem ; exit 0 when the signature verifies. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

static int b64url_decode(const char *in, size_t len, unsigned char *out) {
    int v = 0, bits = 0, o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i]; int d;
        if (c >= 'A' && c <= 'Z') d = c - 'A'; else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
        else if (c >= '0' && c <= '9') d = c - '0' + 52; else if (c == '-') d = 62; else if (c == '_') d = 63; else return -1;
        v = v << 6 | d; bits += 6;
        if (bits >= 8) { bits -= 8; out[o++] = (unsigned char)(v >> bits); v &= (1 << bits) - 1; }
    }
    return o;
}

int main(int argc, char **argv) {
    /* As jwtaudit does (OpenSSLLibrary.leaveCleanupToProcessExit): a process that exits right away need not
     * free libcrypto's tables in an atexit handler. Both sides skip it, so the comparison stays like for like;
     * the configuration file is still loaded on first use, by both. */
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
    if (argc != 3) return 2;
    const char *token = argv[1];
    const char *dot2 = strrchr(token, '.');
    if (!dot2) return 3;
    unsigned char sig[1024];
    int siglen = b64url_decode(dot2 + 1, strlen(dot2 + 1), sig);
    FILE *f = fopen(argv[2], "r");
    if (!f) return 2;
    EVP_PKEY *key = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    if (!key || siglen < 0) return 3;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestVerify(ctx, sig, (size_t)siglen, (const unsigned char *)token, (size_t)(dot2 - token)) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return ok ? 0 : 1;
}
