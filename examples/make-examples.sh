#!/usr/bin/env bash
# Regenerates the example keys, JWKS and Entra-shaped tokens in examples/.
# Needs only bash, openssl and python3 (stdlib). Keys are made once and kept (delete examples/keys/*.pem to
# start over); with the same keys the tokens come out byte-for-byte the same, because RS256 (PKCS #1 v1.5)
# signatures are deterministic and every claim below is fixed.
# The keys are EXAMPLES ONLY: never trust anything they sign.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p keys tokens

make_key() { # name, subject
  local key="keys/$1-key.pem" cert="keys/$1-cert.pem"
  if [ ! -f "$key" ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$key" 2>/dev/null
  fi
  if [ ! -f "$cert" ]; then
    openssl req -x509 -new -key "$key" -sha256 -days 36500 -subj "/CN=$2" -out "$cert"
  fi
  openssl pkey -in "$key" -pubout -out "keys/$1-public.pem"
}
make_key tenant-signing "jwtaudit example tenant signing key"
make_key rollover-signing "jwtaudit example rollover signing key"
make_key other-signing "jwtaudit example key that no JWKS publishes"
rm -f keys/rollover-signing-public.pem keys/other-signing-public.pem

python3 - <<'PY'
import base64, hashlib, json, subprocess

TENANT = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
CLIENT = "1105ae9f-6be2-42a2-9439-7a17934226ac"
API_URI = "https://myapi.dewi.red"
API_ID = "c9a3b3d1-7c4e-4a55-9d8f-2f0e6b1a5c77"
IAT = 1767225600           # 2026-01-01T00:00:00Z
EXP = 4102444800           # 2100-01-01T00:00:00Z
ISS_V1 = f"https://sts.windows.net/{TENANT}/"
ISS_V2 = f"https://login.microsoftonline.com/{TENANT}/v2.0"
SP_OID = "6f5c1a3e-2b8d-4c9f-a1e7-3d2b9c8f4a10"     # the client's service principal
USER_OID = "a3c1e6f2-5d4b-4e8a-9f17-2c6b8d0e4f31"   # a user, for delegated tokens
MI_RESOURCE = ("/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourcegroups/rg-orders/providers/"
               "Microsoft.ManagedIdentity/userAssignedIdentities/id-orders")

def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

def der(cert):
    return subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"], check=True, capture_output=True).stdout

def kid_of(name):
    # Entra: kid = x5t = base64url(SHA-1(DER certificate)).
    return b64u(hashlib.sha1(der(f"keys/{name}-cert.pem")).digest())

def jwk_of(name):
    text = subprocess.run(["openssl", "pkey", "-in", f"keys/{name}-key.pem", "-noout", "-text"],
                          check=True, capture_output=True, text=True).stdout
    mod = subprocess.run(["openssl", "rsa", "-in", f"keys/{name}-key.pem", "-noout", "-modulus"],
                         check=True, capture_output=True, text=True).stdout.strip().split("=", 1)[1]
    exponent = int([l for l in text.splitlines() if l.startswith("publicExponent")][0].split()[1])
    e = exponent.to_bytes((exponent.bit_length() + 7) // 8, "big")
    kid = kid_of(name)
    return {"kty": "RSA", "use": "sig", "kid": kid, "x5t": kid, "n": b64u(bytes.fromhex(mod)), "e": b64u(e),
            "x5c": [base64.b64encode(der(f"keys/{name}-cert.pem")).decode()]}

def sign(name, header, claims, out):
    text = b64u(json.dumps(header, separators=(",", ":")).encode()) + "." + \
           b64u(json.dumps(claims, separators=(",", ":")).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", f"keys/{name}-key.pem"],
                         input=text.encode(), check=True, capture_output=True).stdout
    with open(f"tokens/{out}", "w") as f:
        f.write(text + "." + b64u(sig) + "\n")

def header(name, nonce=None):
    kid = kid_of(name)
    h = {"typ": "JWT"}
    if nonce:
        h["nonce"] = nonce
    h.update({"alg": "RS256", "kid": kid, "x5t": kid})
    return h

def app_v1(acr, aud=API_URI, exp=EXP, roles=("Orders.Read.All",), extra=None):
    c = {"aud": aud, "iss": ISS_V1, "iat": IAT, "nbf": IAT, "exp": exp,
         "aio": "E2RgYJgxkmX9tRk8mXv2AQA=", "appid": CLIENT, "appidacr": acr, "idp": ISS_V1, "idtyp": "app",
         "oid": SP_OID, "rh": "0.AAAAbzZuPYeVO0GrawqFGxuRug8AAAAAAAAAwAAAAAAAAAAAAAA.", "roles": list(roles),
         "sub": SP_OID, "tid": TENANT, "uti": "k2B7m1cQ3EOz9X0bqLd5AA", "ver": "1.0"}
    if extra:
        c.update(extra)
    return c

def app_v2(acr, iss=ISS_V2, aud=API_ID):
    return {"aud": aud, "iss": iss, "iat": IAT, "nbf": IAT, "exp": EXP,
            "aio": "k2BgYDj4r1n9+Xv2AQA=", "azp": CLIENT, "azpacr": acr, "idtyp": "app", "oid": SP_OID,
            "rh": "1.AAAAbzZuPYeVO0GrawqFGxuRutGzo8lOfFVKnU8vDmsaXHcAAAA.", "roles": ["Orders.Read.All"],
            "sub": SP_OID, "tid": TENANT, "uti": "p8Q2r5TkWUy1Hc0aZfLmAA", "ver": "2.0"}

T = "tenant-signing"
sign(T, header(T), app_v1("2"), "certificate-v1.jwt")
sign(T, header(T), app_v1("1"), "secret-v1.jwt")
sign(T, header(T), {
    "aud": API_URI, "iss": ISS_V1, "iat": IAT, "nbf": IAT, "exp": EXP, "acr": "1",
    "aio": "AVQAq/8ZAAAA3vX5oW2nYb6pQh1x0sQ==", "amr": ["pwd", "mfa"], "appid": CLIENT, "appidacr": "0",
    "family_name": "Rivera", "given_name": "Alex", "ipaddr": "203.0.113.7", "name": "Alex Rivera",
    "oid": USER_OID, "rh": "0.AAAAbzZuPYeVO0GrawqFGxuRug8AAAAAAAAAwAAAAAAAAAAAAAA.",
    "scp": "Orders.Read Orders.Write", "sub": "l3cV9bqk0mJ8p_rW2xYzXh5tNcFgA1sDeUoIk7LhQvE", "tid": TENANT,
    "unique_name": "alex@dewi.red", "upn": "alex@dewi.red", "uti": "Zb1c9xPq2UeM4r7TnKwAAA", "ver": "1.0"},
    "public-client-v1.jwt")
sign(T, header(T), app_v2("2"), "certificate-v2.jwt")
sign(T, header(T), app_v2("1"), "secret-v2.jwt")
sign(T, header(T), {
    "aud": API_ID, "iss": ISS_V2, "iat": IAT, "nbf": IAT, "exp": EXP,
    "aio": "AWQAm/8ZAAAAp2e6Qd9xw1c4vB8==", "azp": CLIENT, "azpacr": "0", "name": "Alex Rivera",
    "oid": USER_OID, "preferred_username": "alex@dewi.red",
    "rh": "1.AAAAbzZuPYeVO0GrawqFGxuRutGzo8lOfFVKnU8vDmsaXHcAAAA.", "scp": "Orders.Read Orders.Write",
    "sub": "r7Yq2mN0vC4kX8dB1sT6pW3eZ9fH5jLgA0uKoI2yQxE", "tid": TENANT, "uti": "Hq4m0YcV8kSd2T1bXw9AAA",
    "ver": "2.0"}, "public-client-v2.jwt")
sign(T, header(T), app_v1("2", extra={"xms_mirid": MI_RESOURCE}), "managed-identity-v1.jwt")
sign(T, header(T), app_v1("1", exp=1767229200), "expired-v1.jwt")
sign(T, header(T, nonce="Yz3kPq9rVb2Xw8mN1sLd5TfHj0uC7eAa4gRoI6yKt"),
     app_v1("1", aud="https://graph.microsoft.com", roles=("User.Read.All",)), "graph-v1.jwt")
sign(T, header(T), {
    "aud": CLIENT, "iss": ISS_V2, "iat": IAT, "nbf": IAT, "exp": EXP, "name": "Alex Rivera",
    "nonce": "6b1d3c0e-5f2a-4c8b-9e7d-1a2b3c4d5e6f", "oid": USER_OID, "preferred_username": "alex@dewi.red",
    "rh": "1.AAAAbzZuPYeVO0GrawqFGxuRup-uBRHiZqJClDl6F5NCJqwAAAA.",
    "sub": "Qm8xT2vB5nK0cR7yW1dF4hJ9pL3sG6aE2uZoX5iN8kM", "tid": TENANT, "uti": "Cv7n2XbQ0EuP5k9LmRs3AA",
    "ver": "2.0"}, "id-token-v2.jwt")
sign(T, header(T), app_v2("2", iss=ISS_V1, aud=API_URI), "certificate-v2-v1-issuer.jwt")
sign("other-signing", header("other-signing"), app_v1("2"), "unknown-kid-v1.jwt")

with open("keys/jwks.json", "w") as f:
    json.dump({"keys": [jwk_of("rollover-signing"), jwk_of(T)]}, f, indent=2)
    f.write("\n")
PY
python3 make-traffic.py
echo "examples regenerated"
