#!/usr/bin/env python3
"""Makes the encrypted (JWE) examples: the API's encryption key and certificate, and two signed example tokens
encrypted to it, as Entra ID encrypts tokens for an API that registered an encryption certificate.

    python3 make-encrypted.py    # needs joserfc (pip install joserfc); run after make-examples.sh

Writes keys/api-encryption.pem (the private key and its self-signed certificate), tokens/encrypted-certificate-v1.jwe
and tokens/encrypted-secret-v1.jwe (RSA-OAEP-256 + A256GCM, cty JWT, kid = x5t = the certificate's SHA-1
thumbprint). The key is an example only: never trust what it protects.
"""
import base64
import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from joserfc import jwe
from joserfc.jwe import JWERegistry
from joserfc.jwk import RSAKey

here = os.path.dirname(os.path.abspath(__file__))
private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "myapi.dewi.red token encryption (example)")])
start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
certificate = (
    x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
    .serial_number(x509.random_serial_number()).not_valid_before(start)
    .not_valid_after(start + datetime.timedelta(days=36500)).sign(private, hashes.SHA256())
)
der = certificate.public_bytes(serialization.Encoding.DER)
digest = hashes.Hash(hashes.SHA1())
digest.update(der)
x5t = base64.urlsafe_b64encode(digest.finalize()).rstrip(b"=").decode()

with open(os.path.join(here, "keys", "api-encryption.pem"), "wb") as out:
    out.write(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    out.write(certificate.public_bytes(serialization.Encoding.PEM))

registry = JWERegistry(algorithms=["RSA-OAEP-256", "A256GCM"])
recipient = RSAKey.import_key(private.public_key())
for source, target in [("certificate-v1.jwt", "encrypted-certificate-v1.jwe"), ("secret-v1.jwt", "encrypted-secret-v1.jwe")]:
    signed = open(os.path.join(here, "tokens", source)).read().strip()
    header = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": x5t, "x5t": x5t, "cty": "JWT"}
    with open(os.path.join(here, "tokens", target), "w") as out:
        out.write(jwe.encrypt_compact(header, signed, recipient, registry=registry) + "\n")
print("x5t", x5t)
