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
# And a batch's loop, over 100 and then 200 lines: the functions whose cost grows with the lines run once per token.
# They go first, together: laid out among the start-up code, a token's 90 KB of code sat on 97 pages; gathered, on
# 39, and an RS256 batch ran 1.0% faster (bench/ab.py, faster in 6 of 8 rounds), the cold start no slower (1.14 ->
# 1.09 of the C reference in 200 runs taking turns).
iss="--issuer https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/ --audience https://myapi.dewi.red"
for lines in 100 200; do
    : > "$work/tokens.$lines"
    i=0
    while [ $i -lt $((lines / 4)) ]; do
        cat $t/certificate-v1.jwt $t/secret-v1.jwt $t/managed-identity-v1.jwt $t/expired-v1.jwt >> "$work/tokens.$lines"
        i=$((i + 1))
    done
    input="$work/tokens.$lines"
    profile verify --batch --jobs 1 --key $k/tenant-signing-public.pem $iss $at
done

python3 - "$work" jwtaudit link/startup.order "$run" <<'PY'
import glob, re, sys
work, binary, out, runs = sys.argv[1:]
runs = int(runs)

def functions_of(path):
    """The executable's functions in the order callgrind first met them, with their own instruction counts."""
    # callgrind names each object and function once, as "(id) name", then by "(id)" alone; cost lines follow "fn=".
    objects, names, current, function, found, after_call = {}, {}, None, None, {}, False
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"(c?ob|c?fn)=\((\d+)\)(?: (.*))?$", line)
        if m:
            kind, ident, name = m.groups()
            table = objects if kind.endswith("ob") else names
            if name:
                table[ident] = name
            if kind == "ob":
                current = objects.get(ident)
            elif kind == "fn":
                function = names.get(ident) if current and current.endswith("/" + binary) else None
                if function and function.startswith("0x"):
                    function = None
                if function:
                    found.setdefault(function, 0)
            continue
        if line.startswith("calls="):
            # The cost line after it is the call's, inclusive: not this function's own.
            after_call = True
            continue
        parts = line.split()
        if len(parts) >= 2 and re.match(r"^([+-]?\d+|\*)$", parts[0]) and parts[1].isdigit():
            if function and not after_call:
                found[function] += int(parts[1])
            after_call = False
    return found

profiles = [functions_of(f"{work}/cg.{run}") for run in range(1, runs + 1)]
# The last two profiles are the batch over 100 and 200 lines: what costs at least an instruction a line more in the
# second runs per token (start-up code varies a little from run to run: hash tables are seeded at random).
fewer, more = profiles[-2], profiles[-1]
per_token = {f for f, cost in more.items() if cost - fewer.get(f, 0) >= 100}
order, seen = [], set()
for profile in profiles:
    for function in profile:
        if function not in seen:
            seen.add(function)
            order.append(function)
if len(order) < 100:
    sys.exit(f"startup-order.sh: only {len(order)} functions found: was the binary built with symbols?")
order = [f for f in order if f in per_token] + [f for f in order if f not in per_token]
with open(out, "w") as f:
    f.write("\n".join(order) + "\n")
print(f"startup-order.sh: {len(order)} functions written to {out}, the {len(per_token)} a batch runs per token first")
PY
