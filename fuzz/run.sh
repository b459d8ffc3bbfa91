#!/usr/bin/env bash
# Builds the libFuzzer harness (the whole core compiled with -sanitize=fuzzer,address) and fuzzes one parser.
# usage: fuzz/run.sh TARGET SECONDS      TARGET: token json jwk pem policy-xml jwe decryption-key bicep terraform arm yaml | all
#        fuzz/run.sh --build-only
# Crashes land in fuzz/artifacts/TARGET/; every crash found becomes a regression test in Tests/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/.build-fuzz"
mkdir -p "$out/modules"
targets=(token json jwk pem policy-xml jwe decryption-key bicep terraform arm yaml)

build() {
  local stamp="$out/stamp" newest
  newest=$(find Sources/JWTAuditCore Sources/COpenSSLShims Sources/CZlibShim Sources/CWordLock Sources/CBase64 fuzz/targets -newer "$stamp" -type f 2>/dev/null | head -1 || true)
  if [ -x "$out/fuzz-jwtaudit" ] && [ -f "$stamp" ] && [ -z "$newest" ]; then return; fi
  echo "fuzz: building the harness (core + targets, ASan + libFuzzer)..." >&2
  cat > "$out/modules/module.modulemap" <<MAP
module COpenSSLShims { header "$root/Sources/COpenSSLShims/include/COpenSSLShims.h" export * }
module CZlibShim { header "$root/Sources/CZlibShim/include/CZlibShim.h" export * }
module CWordLock { header "$root/Sources/CWordLock/include/CWordLock.h" export * }
module CBase64 { header "$root/Sources/CBase64/include/CBase64.h" export * }
MAP
  clang -c -g -O1 -fsanitize=fuzzer-no-link,address -I Sources/COpenSSLShims/include \
    Sources/COpenSSLShims/shims.c -o "$out/shims.o"
  clang -c -g -O1 -fsanitize=fuzzer-no-link,address -I Sources/CZlibShim/include \
    Sources/CZlibShim/zlib_shim.c -o "$out/zlib_shim.o"
  clang -c -g -O1 -fsanitize=fuzzer-no-link,address -I Sources/CBase64/include \
    Sources/CBase64/base64url_blocks.c -o "$out/base64url_blocks.o"
  # shellcheck disable=SC2046
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name JWTAuditCore \
    -I Sources/COpenSSL -I "$out/modules" \
    $(find Sources/JWTAuditCore -name '*.swift' | sort) fuzz/targets/*.swift "$out/shims.o" "$out/zlib_shim.o" "$out/base64url_blocks.o" -lcrypto -ldl \
    -o "$out/fuzz-jwtaudit" 2> >(grep -v 'Cannot export local symbol' >&2)
  touch "$stamp"
}

run() {
  local target=$1 seconds=$2
  local corpus="fuzz/corpus-work/$target" seeds="fuzz/corpus/$target" artifacts="fuzz/artifacts/$target/"
  local log="$out/logs/$target.log" status=0
  mkdir -p "$corpus" "$artifacts" "$out/logs"
  echo "fuzz: $target for ${seconds}s (full log: $log)" >&2
  # The first corpus directory receives new inputs; the checked-in seeds are only read.
  JWTAUDIT_FUZZ_TARGET=$target "$out/fuzz-jwtaudit" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -max_len=300000 -artifact_prefix="$artifacts" -print_final_stats=1 "$corpus" "$seeds" >"$log" 2>&1 || status=$?
  grep -E '^(#[0-9]+.*(DONE|pulse|INITED)|Done|stat::|SUMMARY|artifact_prefix|Test unit written|==[0-9]+==ERROR)' "$log" | tail -8 >&2 || true
  if [ "$status" -ne 0 ]; then echo "fuzz: $target FAILED (exit $status); see $log and $artifacts" >&2; fi
  return "$status"
}

case "${1:-}" in
  --build-only) build ;;
  all)
    build; failed=0
    for t in "${targets[@]}"; do run "$t" "${2:-60}" || failed=1; done
    exit "$failed" ;;
  token|json|jwk|pem|policy-xml|jwe|decryption-key|bicep|terraform|arm|yaml) build; run "$1" "${2:-60}" ;;
  *) echo "usage: fuzz/run.sh {token|json|jwk|pem|policy-xml|jwe|decryption-key|bicep|terraform|arm|yaml|all} SECONDS | --build-only" >&2; exit 64 ;;
esac
