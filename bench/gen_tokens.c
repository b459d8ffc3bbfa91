/* Generates signed tokens for the benchmark with libcrypto only.
 * usage: gen_tokens ALG COUNT OUTDIR     (ALG: RS256 ES256 EdDSA HS256)
 * writes OUTDIR/ALG.tokens (COUNT lines), OUTDIR/ALG.key (public key PEM, or the HMAC secret),
 * OUTDIR/ALG.jwks.json (RS256 only). At most 2000 distinct tokens are signed; the rest repeat them. */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/core_names.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t b64url(const unsigned char *in, size_t len, char *out) {
    static const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0, i = 0;
    for (; i + 3 <= len; i += 3) {
        unsigned n = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
        out[o++] = a[n >> 18 & 63]; out[o++] = a[n >> 12 & 63]; out[o++] = a[n >> 6 & 63]; out[o++] = a[n & 63];
    }
    if (len - i == 1) { unsigned n = in[i] << 16; out[o++] = a[n >> 18 & 63]; out[o++] = a[n >> 12 & 63]; }
    else if (len - i == 2) { unsigned n = in[i] << 16 | in[i + 1] << 8; out[o++] = a[n >> 18 & 63]; out[o++] = a[n >> 12 & 63]; out[o++] = a[n >> 6 & 63]; }
    out[o] = 0;
    return o;
}

static void die(const char *what) { fprintf(stderr, "gen_tokens: %s\n", what); exit(1); }

int main(int argc, char **argv) {
    if (argc != 4) die("usage: gen_tokens ALG COUNT OUTDIR");
    const char *alg = argv[1];
    long count = atol(argv[2]);
    char path[4096];
    EVP_PKEY *key = NULL;
    unsigned char secret[64];
    int hs = strcmp(alg, "HS256") == 0;
    if (strcmp(alg, "RS256") == 0) key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    else if (strcmp(alg, "ES256") == 0) key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    else if (strcmp(alg, "EdDSA") == 0) key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    else if (hs) RAND_bytes(secret, sizeof secret);
    else die("unknown ALG");
    if (!hs && !key) die("keygen failed");

    snprintf(path, sizeof path, "%s/%s.key", argv[3], alg);
    FILE *kf = fopen(path, "w");
    if (!kf) die("cannot write key");
    if (hs) fwrite(secret, 1, sizeof secret, kf); else PEM_write_PUBKEY(kf, key);
    fclose(kf);

    if (strcmp(alg, "RS256") == 0) {
        BIGNUM *n = NULL, *e = NULL;
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n);
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e);
        unsigned char nb[512], eb[8]; char ns[800], es[16];
        b64url(nb, BN_bn2bin(n, nb), ns); b64url(eb, BN_bn2bin(e, eb), es);
        snprintf(path, sizeof path, "%s/%s.jwks.json", argv[3], alg);
        FILE *jf = fopen(path, "w");
        fprintf(jf, "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"bench-key\",\"n\":\"%s\",\"e\":\"%s\"}]}\n", ns, es);
        fclose(jf);
        BN_free(n); BN_free(e);
    }

    char header[256], hb64[400];
    snprintf(header, sizeof header, "{\"typ\":\"JWT\",\"alg\":\"%s\",\"kid\":\"bench-key\"}", alg);
    b64url((const unsigned char *)header, strlen(header), hb64);

    snprintf(path, sizeof path, "%s/%s.tokens", argv[3], alg);
    FILE *out = fopen(path, "w");
    if (!out) die("cannot write tokens");
    long distinct = count < 2000 ? count : 2000;
    char **tokens = calloc((size_t)distinct, sizeof *tokens);
    for (long i = 0; i < distinct; i++) {
        char claims[1024], cb64[1500], input[2000], sb64[800];  /* 600-byte signature -> 800 chars */
        snprintf(claims, sizeof claims,
                 "{\"aud\":\"api://bench\",\"iss\":\"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/\",\"iat\":1767225600,\"nbf\":1767225600,"
                 "\"exp\":4102444800,\"aio\":\"E2ZgYDjy9Lj7nVbKp3bgq4TqRmGgAQ==\",\"appid\":\"1105ae9f-6be2-42a2-9439-7a17934226ac\","
                 "\"appidacr\":\"2\",\"idp\":\"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/\",\"idtyp\":\"app\",\"oid\":\"a3f0c2d4-1b6e-4c8a-9e2f-%012ld\","
                 "\"rh\":\"0.AXQAb2ZtPYeVO0GrlAqFGxuRuhYgu8BuulNDkXjQaKn5UrAAAA.\",\"roles\":[\"Data.Read\",\"Data.Write\"],"
                 "\"sub\":\"a3f0c2d4-1b6e-4c8a-9e2f-%012ld\",\"tid\":\"3d6e366f-9587-413b-ab6b-0a851b1b91ba\","
                 "\"uti\":\"bench%08ld\",\"ver\":\"1.0\",\"xms_tcdt\":1600000000}", i, i, i);
        b64url((const unsigned char *)claims, strlen(claims), cb64);
        int n = snprintf(input, sizeof input, "%s.%s", hb64, cb64);
        unsigned char sig[600]; size_t siglen = sizeof sig;
        if (hs) {
            unsigned int l = 0;
            HMAC(EVP_sha256(), secret, sizeof secret, (unsigned char *)input, (size_t)n, sig, &l);
            siglen = l;
        } else {
            EVP_MD_CTX *ctx = EVP_MD_CTX_new();
            const EVP_MD *md = strcmp(alg, "EdDSA") == 0 ? NULL : EVP_sha256();
            if (EVP_DigestSignInit(ctx, NULL, md, NULL, key) != 1) die("sign init");
            if (EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)input, (size_t)n) != 1) die("sign");
            EVP_MD_CTX_free(ctx);
            if (strcmp(alg, "ES256") == 0) {
                const unsigned char *p = sig;
                ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
                const BIGNUM *r, *s;
                ECDSA_SIG_get0(es, &r, &s);
                BN_bn2binpad(r, sig, 32); BN_bn2binpad(s, sig + 32, 32);
                siglen = 64;
                ECDSA_SIG_free(es);
            }
        }
        b64url(sig, siglen, sb64);
        size_t total = strlen(input) + 1 + strlen(sb64) + 1;
        tokens[i] = malloc(total);
        snprintf(tokens[i], total, "%s.%s", input, sb64);
    }
    for (long i = 0; i < count; i++) fprintf(out, "%s\n", tokens[i % distinct]);
    fclose(out);
    return 0;
}
