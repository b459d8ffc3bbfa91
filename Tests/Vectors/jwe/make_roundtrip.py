#!/usr/bin/env python3
"""Makes roundtrip.json and the key files beside it: JWE compact tokens for every key management algorithm
jwtaudit decrypts, with every content encryption algorithm, made by an independent implementation (joserfc, on
pyca/cryptography). Run once; the output is checked in so that `swift test` needs no Python.

    python3 make_roundtrip.py      # joserfc 1.6.5, cryptography 48.0.0 made the checked-in files

The keys are test keys made by this script for these vectors only; they protect nothing.
"""
import base64
import json
import os
import warnings
import zlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from joserfc import jwe
from joserfc.jwe import JWERegistry
from joserfc.jwk import ECKey, OctKey, RSAKey

warnings.simplefilter("ignore")  # joserfc warns that RSA1_5 is deprecated; that is one of the cases under test

KEY_ALGS = ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5", "A128KW", "A192KW", "A256KW", "A128GCMKW", "A192GCMKW",
            "A256GCMKW", "ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW", "dir"]
ENCS = ["A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM", "A192GCM", "A256GCM"]
CEK_BYTES = {"A128CBC-HS256": 32, "A192CBC-HS384": 48, "A256CBC-HS512": 64, "A128GCM": 16, "A192GCM": 24, "A256GCM": 32}
REGISTRY = JWERegistry(algorithms=KEY_ALGS + ENCS + ["DEF"])

keys = {}


def add(kid, key):
    keys[kid] = key
    return key


rsa = add("rsa-2048", RSAKey.generate_key(2048, private=True))
curves = {crv: add("ec-" + crv.lower(), ECKey.generate_key(crv, private=True)) for crv in ["P-256", "P-384", "P-521"]}
kek = {bits: add(f"oct-{bits}", OctKey.generate_key(bits, private=True)) for bits in [128, 192, 256]}
cek = {enc: add(f"dir-{enc.lower()}", OctKey.generate_key(CEK_BYTES[enc] * 8, private=True)) for enc in ENCS}


def recipients(alg):
    """(kid, key) pairs that can receive `alg` tokens."""
    if alg.startswith("RSA"):
        return [("rsa-2048", rsa)]
    if alg.startswith("ECDH-ES"):
        return [("ec-" + crv.lower(), key) for crv, key in curves.items()]
    if alg == "dir":
        return None  # per enc, below
    return [(f"oct-{alg[1:4]}", kek[int(alg[1:4])])]


tokens = []
for alg in KEY_ALGS:
    for enc in ENCS:
        pairs = [(f"dir-{enc.lower()}", cek[enc])] if alg == "dir" else recipients(alg)
        for kid, key in pairs:
            plaintext = json.dumps(
                {"iss": "https://jwtaudit.test/round-trip", "alg": alg, "enc": enc, "kid": kid,
                 "note": "round trip – ünïcode"}, ensure_ascii=False, separators=(",", ":"))
            header = {"alg": alg, "enc": enc, "kid": kid}
            tokens.append({"alg": alg, "enc": enc, "kid": kid, "zip": None, "plaintext": plaintext,
                           "compact": jwe.encrypt_compact(header, plaintext, key, registry=REGISTRY)})

# Compressed content (zip DEF) for every content encryption algorithm, and tokens without a kid (each
# suitable key must then be tried).
for enc in ENCS:
    plaintext = json.dumps({"iss": "https://jwtaudit.test/round-trip", "zip": "DEF", "enc": enc,
                            "filler": "compressible " * 40}, separators=(",", ":"))
    header = {"alg": "A256KW", "enc": enc, "zip": "DEF", "kid": "oct-256"}
    tokens.append({"alg": "A256KW", "enc": enc, "kid": "oct-256", "zip": "DEF", "plaintext": plaintext,
                   "compact": jwe.encrypt_compact(header, plaintext, kek[256], registry=REGISTRY)})
for alg, key in [("RSA-OAEP-256", rsa), ("ECDH-ES+A128KW", curves["P-384"]), ("A192KW", kek[192]),
                 ("A128GCMKW", kek[128])]:
    plaintext = json.dumps({"iss": "https://jwtaudit.test/round-trip", "alg": alg, "kid": None},
                           separators=(",", ":"))
    tokens.append({"alg": alg, "enc": "A256GCM", "kid": None, "zip": None, "plaintext": plaintext,
                   "compact": jwe.encrypt_compact({"alg": alg, "enc": "A256GCM"}, plaintext, key, registry=REGISTRY)})

for token in tokens:  # every token decrypts with joserfc before it is written
    recipient = keys[token["kid"]] if token["kid"] else None
    if recipient is not None:
        assert jwe.decrypt_compact(token["compact"], recipient, registry=REGISTRY).plaintext == token["plaintext"].encode()


# Crafted tokens for the cases a well-behaved encrypter never makes, each with what jwtaudit must answer.
def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def direct_gcm(header, content, enc="A128GCM"):
    """A dir + AES-GCM token around `content` exactly as given (joserfc would compress or check it)."""
    protected = b64(json.dumps(header, separators=(",", ":")).encode())
    iv = os.urandom(12)
    sealed = AESGCM(cek[enc].get_op_key("decrypt")).encrypt(iv, content, protected.encode())
    return f"{protected}..{b64(iv)}.{b64(sealed[:-16])}.{b64(sealed[-16:])}"


def raw_deflate(data):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


examples = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "examples", "tokens")
signed = open(os.path.join(examples, "certificate-v1.jwt")).read().strip()
dir_header = {"alg": "dir", "enc": "A128GCM", "kid": "dir-a128gcm"}
crafted = [
    {"name": "zip bomb: 1 MiB of zeros, compressed to about a kilobyte", "expect": "decompressedTooLarge",
     "kid": "oct-256",
     "compact": jwe.encrypt_compact({"alg": "A256KW", "enc": "A128GCM", "zip": "DEF", "kid": "oct-256"},
                                    bytes(1 << 20), kek[256], registry=REGISTRY)},
    {"name": "zip DEF over content that is not DEFLATE", "expect": "decompressionFailed", "kid": "dir-a128gcm",
     "compact": direct_gcm(dir_header | {"zip": "DEF"}, b"\xff" * 64)},
    {"name": "zip DEF with bytes after the end of the stream", "expect": "decompressionFailed", "kid": "dir-a128gcm",
     "compact": direct_gcm(dir_header | {"zip": "DEF"}, raw_deflate(b'{"iss":"x"}') + b"trailing")},
    {"name": "zip DEF with a truncated stream", "expect": "decompressionFailed", "kid": "dir-a128gcm",
     "compact": direct_gcm(dir_header | {"zip": "DEF"}, raw_deflate(b'{"iss":"x","pad":"' + b"y" * 200 + b'"}')[:-4])},
    {"name": "empty plaintext", "expect": "decrypt", "kid": "dir-a128gcm", "plaintext": "",
     "compact": direct_gcm(dir_header, b"")},
    {"name": "a signed JWT inside, without cty", "expect": "decrypt", "kid": "oct-256", "plaintext": signed,
     "compact": jwe.encrypt_compact({"alg": "A256KW", "enc": "A256GCM", "kid": "oct-256"}, signed, kek[256],
                                    registry=REGISTRY)},
    {"name": "cty JWT over a plaintext that is not a JWS", "expect": "decrypt", "kid": "oct-256",
     "plaintext": '{"iss":"x"}',
     "compact": jwe.encrypt_compact({"alg": "A256KW", "enc": "A256GCM", "kid": "oct-256", "cty": "JWT"},
                                    '{"iss":"x"}', kek[256], registry=REGISTRY)},
]
inner_jwe = jwe.encrypt_compact({"alg": "A256KW", "enc": "A256GCM", "kid": "oct-256"}, '{"iss":"x"}', kek[256],
                                registry=REGISTRY)
crafted.append({"name": "a JWE inside a JWE", "expect": "decrypt", "kid": "oct-256", "plaintext": inner_jwe,
                "compact": jwe.encrypt_compact({"alg": "A256KW", "enc": "A256GCM", "kid": "oct-256", "cty": "JWT"},
                                               inner_jwe, kek[256], registry=REGISTRY)})

jwks = {"keys": []}
for kid, key in keys.items():
    entry = key.as_dict(private=True)
    entry["kid"] = kid
    jwks["keys"].append(entry)

with open("roundtrip.json", "w") as out:
    json.dump({"generator": "make_roundtrip.py: joserfc 1.6.5 on cryptography 48.0.0", "tokens": tokens,
               "crafted": crafted}, out, indent=1, ensure_ascii=False)
    out.write("\n")
with open("roundtrip-keys.jwks.json", "w") as out:
    json.dump(jwks, out, indent=1)
    out.write("\n")

# The same private keys as PEM, in each form --decryption-key reads.
none = serialization.NoEncryption()
pem = serialization.Encoding.PEM
forms = {
    "rsa-2048.pkcs8.pem": (rsa, serialization.PrivateFormat.PKCS8),
    "rsa-2048.pkcs1.pem": (rsa, serialization.PrivateFormat.TraditionalOpenSSL),
    "ec-p-256.sec1.pem": (curves["P-256"], serialization.PrivateFormat.TraditionalOpenSSL),
    "ec-p-384.pkcs8.pem": (curves["P-384"], serialization.PrivateFormat.PKCS8),
    "ec-p-521.sec1.pem": (curves["P-521"], serialization.PrivateFormat.TraditionalOpenSSL),
}
for name, (key, form) in forms.items():
    with open(name, "wb") as out:
        out.write(key.private_key.private_bytes(pem, form, none))
with open("rsa-2048.encrypted-pkcs8.pem", "wb") as out:
    out.write(rsa.private_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                            serialization.BestAvailableEncryption(b"not-the-point")))
print(f"{len(tokens)} tokens, {len(crafted)} crafted, {len(keys)} keys")
