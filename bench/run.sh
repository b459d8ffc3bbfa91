#!/usr/bin/env bash
# jwtaudit benchmark: ratios against the physical limit, measured side by side in one run.
# usage: bench/run.sh [TOKENS]   (default 20000 tokens per batch; see bench/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
count=${1:-20000}
cores=$(nproc)
work=$(mktemp -d /tmp/jwtaudit-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "building release binary and reference programs..." >&2
# The build users install (Makefile): the release link flags, and no $ORIGIN run path.
make --no-print-directory build >&2
bin="$root/.build/release/jwtaudit"
cc -O2 -o "$work/gen_tokens" bench/gen_tokens.c -lcrypto
cc -O2 -o "$work/ref_verify" bench/ref_verify.c -lcrypto
cc -O2 -o "$work/floor_verify" bench/floor_verify.c -lcrypto
for alg in RS256 ES256 EdDSA HS256; do "$work/gen_tokens" "$alg" "$count" "$work"; done

python3 bench/measure.py --bin "$bin" --work "$work" --count "$count" --cores "$cores" "${@:2}"
