#!/bin/sh
# Regenerates link/startup.order, the list of functions the release link places first in the executable's code
# (ld.lld --symbol-ordering-file, see Package.swift), from the functions a cold run of each common command executes.
#
# Why: one cold `verify` runs code from all over the 7 MB text, and the kernel maps code 64 KiB at a time on a page
# fault. Laid out by source file, the code one run needs sat on 56 such windows; gathered at the front, on about 30
# (issue 22, cold start). A stale list is harmless: a function it names that no longer exists is skipped, and a new
# function it lacks is laid out as before, so regenerate after large changes, not on every commit.
#
#     make build && link/startup-order.sh            # or: link/startup-order.sh path/to/jwtaudit
#
# Needs valgrind (callgrind counts which functions ran) and python3.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-.build/release/jwtaudit}
[ -x "$bin" ] || { echo "startup-order.sh: no executable at $bin (make build first)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# valgrind cannot read the DWARF Swift writes, so it runs a copy without it (the symbols stay).
strip --strip-debug -o "$work/jwtaudit" "$bin"

at="--at 2026-01-01T00:10:00Z"
t=examples/tokens
k=examples/keys
run=0
input=/dev/null
profile() {
    run=$((run + 1))
    # Exit statuses are ignored: a rejected token runs the same start-up.
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/cg.$run" "$work/jwtaudit" "$@" \
        > /dev/null 2>&1 < "$input" || true
}
# The commands scripts start most, most common first: the list keeps the order functions are first met.
profile verify $t/certificate-v1.jwt --jwks $k/jwks.json --any-issuer --any-audience $at
profile verify $t/certificate-v1.jwt --key $k/tenant-signing-public.pem --any-issuer --any-audience --json $at
profile verify $t/secret-v2.jwt --jwks $k/jwks.json --any-issuer --any-audience --quiet $at
profile decode $t/certificate-v1.jwt
profile decode --json $t/secret-v2.jwt
profile explain $t/certificate-v1.jwt --key $k/tenant-signing-public.pem --any-issuer --any-audience $at
profile check-policy --policy examples/policies/certificate-only-v1.xml $t/certificate-v1.jwt --offline --cache-dir examples/cache --at 2026-06-01T00:00:00Z
profile --help
profile --version
# And a batch's loop, whose code then sits beside the verifier's.
cat $t/certificate-v1.jwt $t/secret-v2.jwt $t/expired-v1.jwt $t/public-client-v2.jwt > "$work/tokens"
input="$work/tokens"
profile verify --batch --jwks $k/jwks.json --any-issuer --any-audience $at

python3 - "$work" jwtaudit link/startup.order <<'PY'
import glob, re, sys
work, binary, out = sys.argv[1:]
order, seen = [], set()
for path in sorted(glob.glob(f"{work}/cg.*"), key=lambda p: int(p.rsplit(".", 1)[1])):
    # callgrind names each object and function once, as "(id) name", then by "(id)" alone.
    objects, functions, current = {}, {}, None
    for line in open(path, errors="replace"):
        m = re.match(r"(c?ob|c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if not m:
            continue
        kind, ident, name = m.groups()
        table = objects if kind.endswith("ob") else functions
        if name:
            table[ident] = name
        if kind == "ob":
            current = objects.get(ident)
        elif kind == "fn" and current and current.endswith("/" + binary):
            function = functions.get(ident)
            if function and not function.startswith("0x") and function not in seen:
                seen.add(function)
                order.append(function)
if len(order) < 100:
    sys.exit(f"startup-order.sh: only {len(order)} functions found: was the binary built with symbols?")
with open(out, "w") as f:
    f.write("\n".join(order) + "\n")
print(f"startup-order.sh: {len(order)} functions written to {out}")
PY
