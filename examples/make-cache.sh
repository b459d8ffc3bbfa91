#!/usr/bin/env bash
# Writes examples/cache/: a jwtaudit cache directory pre-seeded with the example tenant's OpenID metadata
# (v1.0 and v2.0, at the real login.microsoftonline.com URLs the example policies name) and, as its JWKS,
# examples/keys/jwks.json. With `--offline --cache-dir examples/cache`, check-policy evaluates the example
# policies with the example keys and never touches the network.
#
# The entries use DiskCache's exact format (Sources/JWTAuditCLI/Network/DiskCache.swift): a text header
# (magic, url, fetched-at, lifetime, forced-refetch-at, length, sha256 of the content), a blank line, the
# content; the file name is the SHA-256 of the URL. fetched-at is 2026-01-01T00:00:00Z with a one-hour
# lifetime, so the entries are stale: jwtaudit uses them only under --offline, and says so.
#
# DiskCache refuses entries owned by another user or writable by group or others (a planted JWKS would be a
# planted trust anchor). Git keeps no modes: a checkout made with umask 022 gives 0644 files, which are
# accepted; with a group-writable umask, rerun this script (it writes 0600 files).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p cache
chmod 700 cache
python3 - <<'PY'
import hashlib, os

TENANT = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
BASE = "https://login.microsoftonline.com/" + TENANT
jwks = open("keys/jwks.json", "rb").read()
documents = {
    BASE + "/.well-known/openid-configuration":
        ('{"token_endpoint":"%s/oauth2/token","jwks_uri":"%s/discovery/keys","issuer":"https://sts.windows.net/%s/"}'
         % (BASE, BASE, TENANT)).encode(),
    BASE + "/v2.0/.well-known/openid-configuration":
        ('{"token_endpoint":"%s/oauth2/v2.0/token","jwks_uri":"%s/discovery/v2.0/keys","issuer":"https://login.microsoftonline.com/%s/v2.0"}'
         % (BASE, BASE, TENANT)).encode(),
    BASE + "/discovery/keys": jwks,
    BASE + "/discovery/v2.0/keys": jwks,
}
for name in os.listdir("cache"):
    if name.endswith(".entry"):
        os.remove(os.path.join("cache", name))
for url, content in documents.items():
    header = (
        "jwtaudit-cache 1\n"
        f"url {url}\n"
        "fetched-at 1767225600\n"
        "lifetime 3600\n"
        "forced-refetch-at -\n"
        f"length {len(content)}\n"
        f"sha256 {hashlib.sha256(content).hexdigest()}\n\n"
    ).encode()
    path = os.path.join("cache", hashlib.sha256(url.encode()).hexdigest() + ".entry")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(header + content)
    os.chmod(path, 0o600)
    print(path, url)
PY
