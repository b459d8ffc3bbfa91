/* The C floor for `verify --batch` (issue 22): the least a program on libcrypto does to judge a file of tokens,
 * one per line, as jwtaudit's batch does with --issuer and --audience: split the compact token, strict base64url
 * of the three segments, the header's alg, the signature with contexts prepared once (HMAC keyed once: each token
 * re-initialises the MAC context without a key), then exp/nbf/iat against the clock and iss/aud against the
 * expected values, and one JSON line out per token ({"line":N,"valid":true|false}) through one stdio buffer.
 * It parses no JSON beyond finding the members it needs: its per-token cost is the floor, not a competitor.
 *
 * usage: floor_verify ALG KEYFILE ISSUER AUDIENCE < TOKENS > LINES     (ALG: RS256 ES256 EdDSA HS256)
 * exit 0 when every token is valid, 1 otherwise. */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static signed char b64[256];

static long b64url_decode(const char *in, size_t len, unsigned char *out) {
    size_t o = 0, i = 0;
    if (len % 4 == 1) return -1;
    for (; i + 4 <= len; i += 4) {
        int a = b64[(unsigned char)in[i]], b = b64[(unsigned char)in[i + 1]], c = b64[(unsigned char)in[i + 2]],
            d = b64[(unsigned char)in[i + 3]];
        if ((a | b | c | d) < 0) return -1;
        unsigned n = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
        out[o++] = (unsigned char)(n >> 16); out[o++] = (unsigned char)(n >> 8); out[o++] = (unsigned char)n;
    }
    size_t rest = len - i;
    if (rest >= 2) {
        int a = b64[(unsigned char)in[i]], b = b64[(unsigned char)in[i + 1]];
        int c = rest == 3 ? b64[(unsigned char)in[i + 2]] : 0;
        if ((a | b | c) < 0) return -1;
        unsigned n = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6;
        out[o++] = (unsigned char)(n >> 16);
        if (rest == 3) out[o++] = (unsigned char)(n >> 8);
        if ((rest == 2 && (n & 0xFFFF)) || (rest == 3 && (n & 0xFF))) return -1;  /* canonical trailing bits */
    }
    return (long)o;
}

/* The value of "name": in a flat JSON object: a pointer just past the colon, or NULL. */
static const char *member(const unsigned char *json, size_t len, const char *name) {
    size_t n = strlen(name);
    for (size_t i = 0; i + n + 3 <= len; i++)
        if (json[i] == '"' && memcmp(json + i + 1, name, n) == 0 && json[i + n + 1] == '"' && json[i + n + 2] == ':')
            return (const char *)json + i + n + 3;
    return NULL;
}

static int string_is(const char *at, const char *end, const char *want) {
    size_t n = strlen(want);
    return at && at + n + 2 <= end && at[0] == '"' && memcmp(at + 1, want, n) == 0 && at[n + 1] == '"';
}

static long long number_at(const char *at, const char *end, int *ok) {
    long long v = 0; *ok = 0;
    if (!at) return 0;
    while (at < end && *at >= '0' && *at <= '9') { v = v * 10 + (*at++ - '0'); *ok = 1; }
    return v;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: floor_verify ALG KEYFILE ISSUER AUDIENCE\n"); return 2; }
    memset(b64, -1, sizeof b64);
    for (int i = 0; i < 64; i++) b64[(unsigned char)"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[i]] = (signed char)i;
    const char *alg = argv[1], *iss = argv[3], *aud = argv[4];
    int hs = strcmp(alg, "HS256") == 0, ed = strcmp(alg, "EdDSA") == 0, es = strcmp(alg, "ES256") == 0;
    FILE *kf = fopen(argv[2], "rb");
    if (!kf) return 2;
    unsigned char secret[256]; size_t secret_len = 0;
    EVP_PKEY *key = NULL;
    if (hs) secret_len = fread(secret, 1, sizeof secret, kf); else key = PEM_read_PUBKEY(kf, NULL, NULL, NULL);
    fclose(kf);
    if (!hs && !key) return 2;

    /* Everything prepared once. */
    EVP_MAC *mac = NULL; EVP_MAC_CTX *mctx = NULL;
    EVP_MD *md = NULL; EVP_MD_CTX *dctx = EVP_MD_CTX_new(); EVP_PKEY_CTX *pctx = NULL;
    if (hs) {
        mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        mctx = EVP_MAC_CTX_new(mac);
        OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0), OSSL_PARAM_construct_end() };
        if (EVP_MAC_init(mctx, secret, secret_len, params) != 1) return 2;
    } else if (!ed) {
        md = EVP_MD_fetch(NULL, "SHA256", NULL);
        pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
        if (EVP_PKEY_verify_init(pctx) != 1 || EVP_PKEY_CTX_set_signature_md(pctx, md) != 1) return 2;
        if (!es && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return 2;
    }
    long long now = (long long)time(NULL);
    static char line[300000];
    static unsigned char header[4096], payload[200000], sig[1024], der[160];
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    long number = 0; int all = 1;
    while (fgets(line, sizeof line, stdin)) {
        number++;
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (!len) continue;
        int valid = 0;
        char *d1 = memchr(line, '.', len), *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - line)) : NULL;
        if (d2 && !memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - line))) {
            long hl = b64url_decode(line, (size_t)(d1 - line), header);
            long pl = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), payload);
            long sl = b64url_decode(d2 + 1, len - (size_t)(d2 + 1 - line), sig);
            char want[32]; snprintf(want, sizeof want, "\"%s\"", alg);
            const char *a = hl > 0 ? member(header, (size_t)hl, "alg") : NULL;
            int sig_ok = 0;
            if (pl > 0 && sl > 0 && a && memcmp(a, want, strlen(want)) == 0) {
                const unsigned char *msg = (const unsigned char *)line; size_t msg_len = (size_t)(d2 - line);
                if (hs) {
                    unsigned char tag[64]; size_t tl = 0;
                    sig_ok = EVP_MAC_init(mctx, NULL, 0, NULL) == 1 && EVP_MAC_update(mctx, msg, msg_len) == 1 &&
                             EVP_MAC_final(mctx, tag, &tl, sizeof tag) == 1 && (long)tl == sl && CRYPTO_memcmp(tag, sig, tl) == 0;
                } else if (ed) {
                    EVP_MD_CTX *c = EVP_MD_CTX_new();
                    sig_ok = EVP_DigestVerifyInit_ex(c, NULL, NULL, NULL, NULL, key, NULL) == 1 &&
                             EVP_DigestVerify(c, sig, (size_t)sl, msg, msg_len) == 1;
                    EVP_MD_CTX_free(c);
                } else {
                    unsigned char hash[64]; unsigned int hlen = 0;
                    const unsigned char *s = sig; size_t slen = (size_t)sl;
                    if (es) {  /* r||s to DER: SEQUENCE { INTEGER r, INTEGER s } */
                        if (sl != 64) goto judged;
                        size_t dl = 2;
                        for (int half = 0; half < 2; half++) {
                            const unsigned char *v = sig + 32 * half; size_t n = 32;
                            while (n > 1 && *v == 0) { v++; n--; }
                            int pad = *v & 0x80 ? 1 : 0;
                            der[dl++] = 2; der[dl++] = (unsigned char)(n + (size_t)pad);
                            if (pad) der[dl++] = 0;
                            memcpy(der + dl, v, n); dl += n;
                        }
                        der[0] = 0x30; der[1] = (unsigned char)(dl - 2);
                        s = der; slen = dl;
                    }
                    sig_ok = EVP_DigestInit_ex2(dctx, md, NULL) == 1 && EVP_DigestUpdate(dctx, msg, msg_len) == 1 &&
                             EVP_DigestFinal_ex(dctx, hash, &hlen) == 1 && EVP_PKEY_verify(pctx, s, slen, hash, hlen) == 1;
                }
            }
            if (sig_ok) {
                const char *end = (const char *)payload + pl;
                int ok_exp, ok_nbf, ok_iat;
                long long exp = number_at(member(payload, (size_t)pl, "exp"), end, &ok_exp);
                long long nbf = number_at(member(payload, (size_t)pl, "nbf"), end, &ok_nbf);
                long long iat = number_at(member(payload, (size_t)pl, "iat"), end, &ok_iat);
                valid = ok_exp && now < exp + 300 && (!ok_nbf || nbf <= now + 300) && (!ok_iat || iat <= now + 300) &&
                        string_is(member(payload, (size_t)pl, "iss"), end, iss) &&
                        string_is(member(payload, (size_t)pl, "aud"), end, aud);
            }
        }
    judged:
        all &= valid;
        printf("{\"line\":%ld,\"valid\":%s}\n", number, valid ? "true" : "false");
    }
    fflush(stdout);
    return all ? 0 : 1;
}
