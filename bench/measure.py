#!/usr/bin/env python3
"""Measures jwtaudit against its references and prints ratios with their targets (bench/README.md)."""
import argparse, os, re, resource, statistics, subprocess, sys, time

p = argparse.ArgumentParser()
p.add_argument("--bin", required=True)
p.add_argument("--work", required=True)
p.add_argument("--count", type=int, required=True)
p.add_argument("--cores", type=int, required=True)
p.add_argument("--cold-runs", type=int, default=200)
p.add_argument("--repeats", type=int, default=3, help="best of N for every throughput, ours and the reference alike")
p.add_argument("--decode-runs", type=int, default=300)
p.add_argument("--cost", choices=["auto", "only", "no"], default="auto",
               help="instructions and heap allocations per token under valgrind: auto (when valgrind is installed), "
                    "only (print them and stop), no")
p.add_argument("--cost-tokens", type=int, default=1000)
a = p.parse_args()
W = a.work
ISS = ["--issuer", "https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/", "--audience", "api://bench"]


def openssl_speed(args, pin=None):
    cmd = (["taskset", "-c", str(pin)] if pin is not None else []) + ["openssl", "speed", "-mr", "-elapsed", "-seconds", "3"] + args
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return out


def rsa_verify_per_s(multi=None, pin=None):
    out = openssl_speed((["-multi", str(multi)] if multi else []) + ["rsa2048"], pin)
    m = re.findall(r"^\+F2:\d+:2048:([\d.]+):([\d.]+)", out, re.M)
    return float(m[-1][1])


def ec_verify_per_s(name, tag, pin):
    out = openssl_speed([name], pin)
    m = re.findall(r"^\+" + tag + r":[^\n]*:([\d.]+):([\d.]+)$", out, re.M)
    return float(m[-1][1])


def hmac_per_s(pin, size=900):
    out = openssl_speed(["-bytes", str(size), "-hmac", "sha256"], pin)
    m = re.findall(r"^\+F:\d+:hmac\(sha256\):([\d.]+)", out, re.M)
    return float(m[-1]) / size


def batch(alg, jobs, pin=None, extra=()):
    key = ["--secret-file", f"{W}/HS256.key"] if alg == "HS256" else ["--key", f"{W}/{alg}.key"]
    cmd = (["taskset", "-c", str(pin)] if pin is not None else []) + [a.bin, "verify", "--batch", "--jobs", str(jobs)] + key + ISS + list(extra)
    with open(f"{W}/{alg}.tokens", "rb") as f:
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"batch {alg} failed ({r.returncode}): {r.stderr.decode()[-500:]}")
    return a.count / dt


def floor_cmd(alg, pin=None):
    """The C floor (floor_verify.c): the same lines, checks and prepared libcrypto calls as a batch."""
    return (["taskset", "-c", str(pin)] if pin is not None else []) + [f"{W}/floor_verify", alg, f"{W}/{alg}.key", ISS[1], ISS[3]]


def peak_rss_kib(cmd, stdin_path=None):
    full = ["/usr/bin/time", "-f", "%M"] + cmd
    with open(stdin_path or os.devnull, "rb") as f:
        r = subprocess.run(full, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(r.stderr.strip().splitlines()[-1])


def median_runtimes(cmds, runs, faults=None):
    """The median wall time of each command. The commands take turns, run after run, so load that comes and goes
    on the shared machine weighs on every side alike (run one after the other, the ratio moved by 0.1 and more).
    `faults`, a list, receives each command's page faults per run (minor and major, from getrusage): a cold start's
    time is mostly memory, and unlike time the count does not move with the load."""
    times = [[] for _ in cmds]
    counted = [0 for _ in cmds]
    for _ in range(runs):
        for index, (cmd, spent) in enumerate(zip(cmds, times)):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            spent.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            counted[index] += after.ru_minflt - before.ru_minflt + after.ru_majflt - before.ru_majflt
            if r.returncode != 0:
                sys.exit(f"{cmd[0]} failed with {r.returncode}")
    if faults is not None:
        faults.extend(count / runs for count in counted)
    return [statistics.median(spent) for spent in times]


def best(measure, *args, **kwargs):
    """The machine is shared: both sides are measured --repeats times, back to back, and the best of each kept."""
    return max(measure(*args, **kwargs) for _ in range(a.repeats))


def valgrind_total(tool, cmd, stdin_path):
    """(instructions, heap allocations) of one run: callgrind's 'Collected' count, memcheck's 'total heap usage'."""
    with open(stdin_path, "rb") as f:
        if tool == "callgrind":
            r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                               stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            return int(re.findall(r"Collected : (\d+)", r.stderr)[-1])
        r = subprocess.run(["valgrind", "--tool=memcheck", "--leak-check=no"] + cmd,
                           stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        return int(re.findall(r"total heap usage: ([\d,]+) allocs", r.stderr)[-1].replace(",", ""))


def per_token_cost(cmd, alg):
    """Instructions and allocations per token: the difference between a run over 2N tokens and one over N, divided
    by N, so that start-up, key loading and exit are not counted. Exact counts: no noise, no repeats needed."""
    n = a.cost_tokens
    lines = open(f"{W}/{alg}.tokens", "rb").readlines()
    paths = []
    for k in (n, 2 * n):
        path = f"{W}/{alg}.{k}.cost"
        with open(path, "wb") as f:
            f.writelines(lines[i % len(lines)] for i in range(k))
        paths.append(path)
    return tuple((valgrind_total(tool, cmd, paths[1]) - valgrind_total(tool, cmd, paths[0])) / n
                 for tool in ("callgrind", "memcheck"))


def key_args(alg):
    return ["--secret-file", f"{W}/HS256.key"] if alg == "HS256" else ["--key", f"{W}/{alg}.key"]


def cost_table():
    """jwtaudit against the C floor (floor_verify.c: the same lines, checks and prepared libcrypto calls)."""
    # Valgrind 3.19 cannot read the release binary's DWARF: a copy without debug info (symbols stay).
    stripped = f"{W}/jwtaudit.stripped"
    subprocess.run(["strip", "--strip-debug", "-o", stripped, a.bin], check=True)
    print()
    print(f"per token under valgrind ({a.cost_tokens} tokens; --jobs 1, issuer and audience checks):")
    print(f"{'alg':7} {'instr/token':>12} {'C floor':>10} {'ratio':>6} {'target':>7}   {'allocs/token':>12} {'C floor':>8} {'beyond':>7}")
    targets = {"HS256": 1.5, "RS256": 1.05, "ES256": 1.05, "EdDSA": 1.05}
    for alg in ("HS256", "RS256", "ES256", "EdDSA"):
        ours = per_token_cost([stripped, "verify", "--batch", "--jobs", "1"] + key_args(alg) + ISS, alg)
        floor = per_token_cost(floor_cmd(alg), alg)
        ratio = ours[0] / floor[0]
        print(f"{alg:7} {ours[0]:12,.0f} {floor[0]:10,.0f} {ratio:6.3f} {'<= %.2f' % targets[alg]:>7} "
              f"{'met' if ratio <= targets[alg] else 'NOT MET':7}  {ours[1]:8.1f} {floor[1]:10.1f} {ours[1] - floor[1]:7.1f}",
              flush=True)


have_valgrind = subprocess.run(["sh", "-c", "command -v valgrind"], capture_output=True).returncode == 0
if a.cost == "only":
    if not have_valgrind:
        sys.exit("valgrind is not installed")
    cost_table()
    sys.exit(0)

rows = []


def row(name, ours, ref, unit, target, higher_is_better=True):
    ratio = ours / ref
    ok = ratio >= target if higher_is_better else ratio <= target
    rows.append((name, ours, ref, unit, ratio, (">= " if higher_is_better else "<= ") + f"{target:.2f}", "met" if ok else "NOT MET"))


print(f"jwtaudit benchmark: {a.count} tokens per batch, {a.cores} cores, {time.strftime('%Y-%m-%d')}", flush=True)

def floor_batch(alg, pin=None):
    """The C floor over the same file as the batch."""
    with open(f"{W}/{alg}.tokens", "rb") as f:
        t0 = time.perf_counter()
        subprocess.run(floor_cmd(alg, pin), stdin=f, stdout=subprocess.DEVNULL, check=True)
        return a.count / (time.perf_counter() - t0)


def floor_batch_all_cores(alg):
    """The C floor on every core at once, one process pinned to each, each over the whole file: row 2's ceiling,
    as `openssl speed -multi` is one process per core too."""
    procs = []
    t0 = time.perf_counter()
    for core in range(a.cores):
        with open(f"{W}/{alg}.tokens", "rb") as f:
            procs.append(subprocess.Popen(floor_cmd(alg, core), stdin=f, stdout=subprocess.DEVNULL))
    for p in procs:
        if p.wait() != 0:
            sys.exit("floor_verify failed")
    return a.cores * a.count / (time.perf_counter() - t0)


def batches_all_cores(alg):
    """One `--jobs 1` batch pinned to each core, all at once, each over the whole file: what `--jobs <cores>` would
    reach if its pipeline cost nothing (each process reads and writes its own lines, as each C floor does). The
    `--jobs` batch against this is what the pipeline costs: the reading thread shares the workers' cores."""
    procs = []
    key = ["--secret-file", f"{W}/HS256.key"] if alg == "HS256" else ["--key", f"{W}/{alg}.key"]
    t0 = time.perf_counter()
    for core in range(a.cores):
        with open(f"{W}/{alg}.tokens", "rb") as f:
            cmd = ["taskset", "-c", str(core), a.bin, "verify", "--batch", "--jobs", "1"] + key + ISS
            procs.append(subprocess.Popen(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for p in procs:
        if p.wait() != 0:
            sys.exit(f"batch {alg} failed ({p.returncode})")
    return a.cores * a.count / (time.perf_counter() - t0)


# 1. RS256, one core, every claim check, against openssl speed rsa2048 on the same core.
row("RS256 batch, --jobs 1, core 0", best(batch, "RS256", 1, pin=0), best(rsa_verify_per_s, pin=0), "verify/s", 0.85)
# 2. RS256, default jobs, against openssl speed -multi; the C floor on every core (row 2b) measured beside them.
rs_ours_all = best(batch, "RS256", a.cores)
rs_floor_all = best(floor_batch_all_cores, "RS256") if a.cores > 1 else None
rs_processes_all = best(batches_all_cores, "RS256") if a.cores > 1 else None
rs_speed_all = best(rsa_verify_per_s, multi=a.cores)
row(f"RS256 batch, --jobs {a.cores}", rs_ours_all, rs_speed_all, "verify/s", 0.80)
# 3. ES256, EdDSA, HS256 on one core.
row("ES256 batch, --jobs 1, core 0", best(batch, "ES256", 1, pin=0), best(ec_verify_per_s, "ecdsap256", "F4", 0), "verify/s", 0.85)
row("EdDSA batch, --jobs 1, core 0", best(batch, "EdDSA", 1, pin=0), best(ec_verify_per_s, "ed25519", "F6", 0), "verify/s", 0.85)
hs_ours = best(batch, "HS256", 1, pin=0)
hs_ref = best(hmac_per_s, 0)
rows.append(("HS256 batch, --jobs 1, core 0", hs_ours, hs_ref, "verify/s", hs_ours / hs_ref, "report", f"overhead {1e6 / hs_ours - 1e6 / hs_ref:.2f} us/token"))


row("HS256 batch vs the C floor, core 0", hs_ours, best(floor_batch, "HS256", 0), "tokens/s", 0.50)
# The RS256 rows' physical limit: the C floor does the same work as a batch (base64url, SHA-256 of the ~900-byte
# signing input, the claims), which `openssl speed` does not; its own ratio bounds ours.
rs_floor = best(floor_batch, "RS256", 0)
rs_speed = best(rsa_verify_per_s, pin=0)
rows.append(("RS256 C floor vs openssl speed, core 0", rs_floor, rs_speed, "verify/s", rs_floor / rs_speed, "report", "the floor's own ceiling"))
rs_ours = best(batch, "RS256", 1, pin=0)
rows.append(("RS256 batch vs the C floor, core 0", rs_ours, rs_floor, "tokens/s", rs_ours / rs_floor, "report", ""))


if rs_floor_all:
    rows.append((f"RS256 C floor, {a.cores} cores, vs speed -multi", rs_floor_all, rs_speed_all, "verify/s",
                 rs_floor_all / rs_speed_all, "report", "the ceiling of the --jobs row"))
    rows.append((f"RS256 batch --jobs {a.cores} vs the floor, {a.cores} cores", rs_ours_all, rs_floor_all, "tokens/s",
                 rs_ours_all / rs_floor_all, "report", ""))
    rows.append((f"RS256 {a.cores} x --jobs 1, one per core, vs the floor", rs_processes_all, rs_floor_all, "tokens/s",
                 rs_processes_all / rs_floor_all, "report", "each process reads its own lines"))
    rows.append((f"RS256 batch --jobs {a.cores} vs {a.cores} x --jobs 1", rs_ours_all, rs_processes_all, "tokens/s",
                 rs_ours_all / rs_processes_all, "report", "what the pipeline costs"))

# 4. Cold start: one offline verify against the minimal C program.
token = open(f"{W}/RS256.tokens").readline().strip()
cold_faults = []
ours, ref = median_runtimes([[a.bin, "verify", token, "--jwks", f"{W}/RS256.jwks.json"] + ISS,
                             [f"{W}/ref_verify", token, f"{W}/RS256.key"]], a.cold_runs, cold_faults)
row("cold start, offline verify (median s)", ours, ref, "s", 1.30, higher_is_better=False)

# 5. Peak memory.
rss_batch = peak_rss_kib([a.bin, "verify", "--batch", "--key", f"{W}/RS256.key"] + ISS, f"{W}/RS256.tokens")
rss_decode = peak_rss_kib([a.bin, "decode", token])
rss_ref = peak_rss_kib([f"{W}/ref_verify", token, f"{W}/RS256.key"])

# 6. decode --json throughput. decode has no --batch, so this is one process per token (process start included),
#    on the first --decode-runs distinct tokens: an honest floor for "decode --json" as scripts call it.
decode_rate = None
decode_how = ""
# decode --batch exists when the binary accepts it: help text mentions "verify --batch" elsewhere, so ask the binary.
probe = subprocess.run([a.bin, "decode", "--batch"], input=open(f"{W}/RS256.tokens").readline(), capture_output=True, text=True)
if probe.returncode == 0:
    with open(f"{W}/RS256.tokens", "rb") as f:
        t0 = time.perf_counter()
        subprocess.run([a.bin, "decode", "--batch"], stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        decode_rate = a.count / (time.perf_counter() - t0)
        decode_how = "decode --batch (one decode --json document per line)"
else:
    with open(f"{W}/RS256.tokens") as f:
        tokens = [next(f).strip() for _ in range(min(a.decode_runs, a.count))]
    t0 = time.perf_counter()
    for t in tokens:
        subprocess.run([a.bin, "decode", "--json", t], stdout=subprocess.DEVNULL, check=True)
    decode_rate = len(tokens) / (time.perf_counter() - t0)
    decode_how = f"decode --json, one process per token ({len(tokens)} runs, process start included)"

# 7. The policy dry run (check-policy --batch) against verify --batch on the same tokens and key: a validate-jwt
#    with the same issuer, audience and key (as an uploaded certificate), and appidacr required as the seed policy.
with open(f"{W}/bench-policy.xml", "w") as f:
    f.write('<validate-jwt header-name="Authorization"><issuer-signing-keys><key certificate-id="bench" /></issuer-signing-keys>'
            f'<audiences><audience>api://bench</audience></audiences><issuers><issuer>{ISS[1]}</issuer></issuers>'
            '<required-claims><claim name="appidacr"><value>2</value></claim></required-claims></validate-jwt>\n')


def policy_batch(jobs, summary=False):
    cmd = [a.bin, "check-policy", "--batch", "--jobs", str(jobs), "--policy", f"{W}/bench-policy.xml",
           "--certificate", f"bench={W}/RS256.key"] + (["--summary"] if summary else [])
    with open(f"{W}/RS256.tokens", "rb") as f:
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"check-policy --batch failed ({r.returncode}): {r.stderr.decode()[-500:]}")
    return a.count / dt


policy_rows = []
if subprocess.run([a.bin, "check-policy", "--help"], capture_output=True, text=True).stdout.count("--summary"):
    for jobs in (1, a.cores):
        ours = best(policy_batch, jobs)
        ref = best(batch, "RS256", jobs, extra=["--require-claim", "appidacr=2"])
        row(f"check-policy --batch vs verify --batch, -j{jobs}", ours, ref, "tokens/s", 1 / 1.5)
    rss_policy = peak_rss_kib([a.bin, "check-policy", "--batch", "--policy", f"{W}/bench-policy.xml",
                               "--certificate", f"bench={W}/RS256.key"], f"{W}/RS256.tokens")
    policy_rows.append(f"peak RSS: check-policy --batch of {a.count} tokens {rss_policy} KiB (verify --batch {rss_batch} KiB)")
    policy_rows.append(f"check-policy --batch --summary: {best(policy_batch, a.cores, True):.0f} tokens/s")

print()
print(f"{'measure':42} {'jwtaudit':>12} {'reference':>12} {'unit':9} {'ratio':>6}  target")
for r in rows:
    # r[6] is "met"/"NOT MET" for a target, or the per-token overhead for a reported-only row.
    print(f"{r[0]:42} {r[1]:12.4g} {r[2]:12.4g} {r[3]:9} {r[4]:6.3f}  {r[5]} {r[6]}")
print()
print(f"peak RSS: batch of {a.count} RS256 tokens {rss_batch} KiB; one decode {rss_decode} KiB; C reference {rss_ref} KiB")
print(f"cold start page faults per run: jwtaudit {cold_faults[0]:.0f}, C reference {cold_faults[1]:.0f}")
if decode_rate:
    print(f"{decode_how} throughput: {decode_rate:.0f} tokens/s")
for line in policy_rows:
    print(line)
# What the cold start pays for: the shared libraries the binary needs (Package.swift's release link flags).
needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", subprocess.run(["readelf", "-d", a.bin], capture_output=True, text=True).stdout)
if a.cost == "auto" and have_valgrind:
    cost_table()
print(f"release binary needs: {', '.join(needed)}; {os.path.getsize(a.bin) / 1e6:.1f} MB")
