#!/usr/bin/env python3
"""Writes examples/traffic/gateway.log: a month of requests to the example API as a gateway logs them, one per line,
for the dry run of a policy (`check-policy --batch`) and the inventory of callers (`decode --batch --summary`).

Every token is signed by keys/tenant-signing-key.pem, issued in December 2025 and valid for an hour, as Entra issues
them: judged now they have all expired; judged as of their own iat (`--at iat`) they are what the callers send.
The callers: the orders service (1105ae9f, the client the seed policy allows) with a certificate, the same app from
an old deployment that still uses its client secret, the same app asking for v2.0 tokens, a reporting app with a
secret, and a single-page app signing users in (a public client); and three lines that hold no token. RS256
signatures are deterministic, so with the same key the file comes out byte for byte the same. Run from examples/
(make-examples.sh does). The keys are EXAMPLES ONLY.
"""
import base64, hashlib, json, subprocess

TENANT = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
ORDERS = "1105ae9f-6be2-42a2-9439-7a17934226ac"
REPORTS = "7f3c2b9e-4d1a-4e6f-8a5b-2c9d0e1f3a47"
SPA = "5e8a1c4d-9b2f-4a7e-b6c3-0d1e2f3a4b5c"
API_URI = "https://myapi.dewi.red"
API_ID = "c9a3b3d1-7c4e-4a55-9d8f-2f0e6b1a5c77"
ISS_V1 = f"https://sts.windows.net/{TENANT}/"
ISS_V2 = f"https://login.microsoftonline.com/{TENANT}/v2.0"
DEC_1 = 1764547200  # 2025-12-01T00:00:00Z


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def kid():
    der = subprocess.run(["openssl", "x509", "-in", "keys/tenant-signing-cert.pem", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return b64u(hashlib.sha1(der).digest())


KID = kid()


def sign(claims):
    header = {"typ": "JWT", "alg": "RS256", "kid": KID, "x5t": KID}
    text = b64u(json.dumps(header, separators=(",", ":")).encode()) + "." + \
        b64u(json.dumps(claims, separators=(",", ":")).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", "keys/tenant-signing-key.pem"],
                         input=text.encode(), check=True, capture_output=True).stdout
    return text + "." + b64u(sig)


def claims(client, acr, version, iat, user=False):
    c = {"aud": API_URI if version == "1.0" else API_ID, "iss": ISS_V1 if version == "1.0" else ISS_V2,
         "iat": iat, "nbf": iat, "exp": iat + 3599}
    if version == "1.0":
        c.update({"appid": client, "appidacr": acr})
    else:
        c.update({"azp": client, "azpacr": acr})
    if user:
        c.update({"name": "Alex Rivera", "oid": "a3c1e6f2-5d4b-4e8a-9f17-2c6b8d0e4f31", "scp": "Orders.Read"})
    else:
        c.update({"idtyp": "app", "oid": "6f5c1a3e-2b8d-4c9f-a1e7-3d2b9c8f4a10", "roles": ["Orders.Read.All"]})
    c.update({"tid": TENANT, "ver": version})
    return c


# (day, hour, minute, client, credential claim, version, user, path, how the line carries the token)
REQUESTS = [
    (1, 8, 2, ORDERS, "2", "1.0", False, "GET /orders/1001", "log"),
    (1, 9, 15, ORDERS, "1", "1.0", False, "GET /orders/1002", "log"),
    (2, 10, 40, REPORTS, "1", "1.0", False, "GET /reports/daily", "log"),
    (3, 11, 5, ORDERS, "2", "1.0", False, "POST /orders", "header"),
    (4, 14, 30, SPA, "0", "1.0", True, "GET /orders/1003", "log"),
    (5, 7, 55, ORDERS, "2", "2.0", False, "GET /orders/1004", "bearer"),
    (6, 16, 20, ORDERS, "1", "1.0", False, "GET /orders/1005", "log"),
    (8, 9, 0, ORDERS, "2", "1.0", False, "GET /orders/1006", "bare"),
    (9, 13, 45, REPORTS, "1", "1.0", False, "GET /reports/weekly", "log"),
    (10, 8, 10, ORDERS, "2", "1.0", False, "PUT /orders/1006", "log"),
    (12, 15, 25, SPA, "0", "1.0", True, "GET /orders/1007", "header"),
    (15, 9, 35, ORDERS, "2", "2.0", False, "GET /orders/1008", "log"),
    (18, 10, 50, ORDERS, "1", "1.0", False, "GET /orders/1009", "log"),
    (22, 12, 0, ORDERS, "2", "1.0", False, "GET /orders/1010", "log"),
    (29, 17, 30, ORDERS, "2", "1.0", False, "DELETE /orders/1010", "log"),
]


def stamp(day, hour, minute):
    return f"2025-12-{day:02d}T{hour:02d}:{minute:02d}:00Z"


lines = []
for day, hour, minute, client, acr, version, user, path, how in REQUESTS:
    iat = DEC_1 + (day - 1) * 86400 + hour * 3600 + minute * 60 - 120  # issued two minutes before the request
    token = sign(claims(client, acr, version, iat, user))
    if how == "log":
        lines.append(f"{stamp(day, hour, minute)} {path} 10.1.4.{day} Authorization: Bearer {token}")
    elif how == "header":
        lines.append(f"Authorization: Bearer {token}")
    elif how == "bearer":
        lines.append(f"Bearer {token}")
    else:
        lines.append(token)
    if (day, hour) == (3, 11):
        lines.append(f"{stamp(3, 11, 7)} GET /health 10.1.4.9 Authorization: Basic aGVhbHRoOmNoZWNr")
    if (day, hour) == (10, 8):
        lines.append(f"{stamp(10, 8, 12)} GET /orders/1006 10.1.4.10 Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOi...")
    if (day, hour) == (18, 10):
        lines.append(f"{stamp(18, 10, 51)} GET /orders/1009 10.1.4.18 -")

with open("traffic/gateway.log", "w") as f:
    f.write("\n".join(lines) + "\n")
