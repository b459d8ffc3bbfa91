#!/usr/bin/env python3
"""A/B throughput of two jwtaudit binaries on a shared, noisy machine: `verify --batch` over one token file, the two
binaries taking turns (A B, then B A, ...), `openssl speed rsa2048` (with -multi for more than one job) after each
pair as the reference of the moment. Prints medians, quartiles and the paired differences (B - A within a round),
whose sign count says more than the medians when the machine's load moves.

    bench/ab.py OLD_BINARY NEW_BINARY --tokens /tmp/bw/RS256.40k --key /tmp/bw/RS256.key --jobs 2 --rounds 20

Python 3 standard library only.
"""
import argparse
import statistics
import subprocess
import time

ISS = ["--issuer", "https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/", "--audience", "api://bench"]

p = argparse.ArgumentParser()
p.add_argument("a")
p.add_argument("b")
p.add_argument("--tokens", required=True)
p.add_argument("--key", required=True)
p.add_argument("--jobs", type=int, default=2)
p.add_argument("--rounds", type=int, default=10)
p.add_argument("--pin", help="taskset CPU list for both binaries (e.g. 0 for --jobs 1)")
args = p.parse_args()

with open(args.tokens, "rb") as f:
    lines = sum(1 for line in f if line.strip())


def run(binary):
    cmd = (["taskset", "-c", args.pin] if args.pin else []) + [
        binary, "verify", "--batch", "--jobs", str(args.jobs), "--quiet", "--key", args.key] + ISS
    with open(args.tokens, "rb") as tokens:
        start = time.monotonic()
        subprocess.run(cmd, stdin=tokens, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return lines / (time.monotonic() - start)


def openssl():
    multi = ["-multi", str(args.jobs)] if args.jobs > 1 else []
    pin = ["taskset", "-c", args.pin] if args.pin else []
    out = subprocess.run(pin + ["openssl", "speed", "-seconds", "1"] + multi + ["rsa2048"],
                         capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1].split()[-1])


results = {"a": [], "b": [], "openssl": []}
for round in range(args.rounds):
    order = ["a", "b"] if round % 2 == 0 else ["b", "a"]
    for which in order:
        results[which].append(run(getattr(args, which)))
    results["openssl"].append(openssl())


def describe(name, values):
    q = statistics.quantiles(values, n=4)
    return f"{name:8} median {statistics.median(values):9.0f}/s  quartiles {q[0]:.0f} .. {q[2]:.0f}  min {min(values):.0f} max {max(values):.0f}"


print(f"{args.rounds} rounds, --jobs {args.jobs}, {lines} lines")
print(describe("A", results["a"]))
print(describe("B", results["b"]))
print(describe("openssl", results["openssl"]))
diffs = [b - a for a, b in zip(results["a"], results["b"])]
print(f"B - A per round: median {statistics.median(diffs):+.0f}/s "
      f"({statistics.median(diffs) / statistics.median(results['a']):+.1%}), B faster in {sum(d > 0 for d in diffs)} of {len(diffs)}")
for name in ("a", "b"):
    ratios = [x / o for x, o in zip(results[name], results["openssl"])]
    print(f"{name.upper()} / openssl of the same round: median {statistics.median(ratios):.3f}")
