#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# M-Bus benchmarks in the reference VM, against the mbus-meters emulator on
# the simulator's M-Bus peer, each beside the EN 13757-2 wire-time limit for
# exactly the same traffic (what smcardctl counted):
#
#   limit = 11 * (bytes sent + bytes received) / baud       8E1: 11 bits a byte
#         + answers  * 11 / baud                             minimum reply delay
#         + timeouts * (330 / baud + 0.050)                  reply window of an
#                                                            absent address
#
#   1. primary scan of 0..250 with 10 meters at 2400 Bd (SND_NKE each
#      address, REQ_UD2 to those that answer)
#   2. secondary search of MBUS_BENCH_METERS (250) random IDs at
#      MBUS_BENCH_SEC_BAUD (9600) Bd, twice: meters that answer together
#      (aligned: collisions are a wired-AND) and with realistic reply
#      delays (11..330 bit times per meter and request: garbage)
#   3. read of one meter with a 100-byte RSP_UD at 2400 Bd (SND_NKE,
#      REQ_UD2), MBUS_BENCH_READS (5) times
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
n=${MBUS_BENCH_METERS:-250}
sec_baud=${MBUS_BENCH_SEC_BAUD:-9600}
reads=${MBUS_BENCH_READS:-5}
d=/usr/lib/smcard/selftests/mbus-user
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$top/tools/vm/run" --no-build --timeout 7200 -- "
smcardctl mbus power on && smcardctl mbus set-baud 2400 >/dev/null || exit 1
mbus-meters --generate 10 --seed 5 --baud 2400 & e=\$!; sleep 0.5
echo BENCH primary; smcardctl mbus scan --json 2>/dev/null | tr -d ' \n'; echo
kill \$e; wait \$e
mbus-meters --meter 5=$d/read100.hex --baud 2400 & e=\$!; sleep 0.5
for i in \$(seq $reads); do
	echo BENCH read; smcardctl mbus read 5 --json 2>/dev/null | tr -d ' \n'; echo
done
kill \$e; wait \$e
smcardctl mbus set-baud $sec_baud >/dev/null
mbus-meters --generate $n --seed 17 --no-primary --baud $sec_baud & e=\$!; sleep 0.5
echo BENCH secondary; smcardctl mbus scan --secondary --json 2>/dev/null | tr -d ' \n'; echo
kill \$e; wait \$e
mbus-meters --generate $n --seed 17 --no-primary --baud $sec_baud --realistic & e=\$!; sleep 0.5
echo BENCH realistic; smcardctl mbus scan --secondary --json 2>/dev/null | tr -d ' \n'; echo
kill \$e; wait \$e
smcardctl mbus set-baud 2400 >/dev/null
" > "$out" 2>&1
status=$?

python3 - "$out" "$n" <<'PY'
import json, re, sys
lines = open(sys.argv[1], errors="replace").read().splitlines()
n = sys.argv[2]
runs = []
for i, l in enumerate(lines):
    if l.startswith("BENCH ") and i + 1 < len(lines):
        try:
            runs.append((l.split()[1], json.loads(lines[i + 1])))
        except ValueError:
            runs.append((l.split()[1], None))

def limit(t):
    b = t["baud"]
    return (11 * (t["bytes_tx"] + t["bytes_rx"]) / b + t["replies"] * 11 / b
            + t["timeouts"] * (330 / b + 0.050))

def show(name, t, secs, found):
    lim = limit(t)
    print(f"{name:44s} {secs:8.2f} s   limit {lim:8.2f} s   "
          f"{100 * (secs - lim) / lim:+6.1f} %   ({t['requests']} requests, "
          f"{t['timeouts']} timeouts, {t['bytes_tx']}+{t['bytes_rx']} bytes{found})")

ok = True
for kind, title in (("primary", "primary scan 0..250, 10 meters"),
                    ("secondary", f"secondary search, {n} meters, aligned"),
                    ("realistic", f"secondary search, {n} meters, realistic")):
    for k, j in runs:
        if k != kind:
            continue
        if not j:
            print(f"{title}: no result"); ok = False; continue
        t = j["traffic"]
        show(f"{title}, {t['baud']} Bd", t, t["elapsed_s"],
             f", found {len(j['meters'])}")
        print(f"# figure: mbus scan | {title}, {t['baud']} Bd | "
              f"{t['elapsed_s']:.1f} s, {t['requests']} requests, "
              f"{t['elapsed_s'] / limit(t):.2f} x its wire time, "
              f"{len(j['meters'])} found | {n} meters, wire time {limit(t):.1f} s")
reads = sorted((j for k, j in runs if k == "read" and j),
               key=lambda j: j["traffic"]["elapsed_s"])
if reads:
    j = reads[len(reads) // 2]
    t = j["traffic"]
    show(f"read, 100-byte reply, {t['baud']} Bd (median of {len(reads)})", t,
         t["elapsed_s"], f", {len(j['telegrams'])} telegram")
for k, j in runs:
    if k == "read" and not j:
        print("read: no result"); ok = False
sys.exit(0 if ok else 1)
PY
