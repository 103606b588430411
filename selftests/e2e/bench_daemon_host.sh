#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcardd's cost per P1 telegram measured natively on the host, where the
# figures do not depend on how busy the machine is (the VM's CPU figures
# in bench_daemon.sh grow with the host's load: an emulated core that
# waits for the host still counts its ticks):
#
#   1. CPU time per telegram: the daemon's own run time over N telegrams
#      (/proc/PID/task/*/schedstat, nanoseconds, every thread);
#   2. instructions per telegram under callgrind (load-independent), and
#      the functions they go to;
#   3. the daemon's memory without analog inputs: RSS, PSS (shared pages
#      divided among the processes that map them) and private pages.
#
# The P1 meter writes DSMR 5 telegrams into a pty; smcardd reads the other
# end, spools every reading and publishes it to a real mosquitto.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=$top/build/userspace/host/bin
n=${SMCARD_BENCH_TELEGRAMS:-500}
W=$(mktemp -d /tmp/bench-daemon.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT

port=$((20000 + RANDOM % 20000))
printf 'listener %d 127.0.0.1\nallow_anonymous true\n' $port > "$W/mosquitto.conf"
mosquitto -c "$W/mosquitto.conf" > "$W/mosquitto.log" 2>&1 &
pids+=($!)

# a pty pair: the slave's path on stdout, then stdin copied to the master
mkfifo "$W/fifo"
python3 -c '
import os, pty, sys, tty
m, s = pty.openpty()
tty.setraw(s)
print(os.ttyname(s), flush=True)
while True:
    b = sys.stdin.buffer.read1(65536)
    if not b:
        break
    os.write(m, b)
os.close(m)
' < "$W/fifo" > "$W/pty" &
pids+=($!)
exec 7> "$W/fifo"
for _ in $(seq 50); do [ -s "$W/pty" ] && break; sleep 0.1; done

cat > "$W/smcardd.conf" <<C
[general]
name = bench
[mqtt]
host = 127.0.0.1
port = $port
[spool]
path = $W/spool.db
[jsonl]
path = $W/readings.jsonl
[p1]
device = $(cat "$W/pty")
request_line =
interval = 0
C

runtime() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
delivered() { sed -n 's/.*mqtt: stopped; \([0-9]*\) reading.*/\1/p' "$1"; }

# run WRAPPER TELEGRAMS INTERVAL_MS: the daemon's run time (ns) over the telegrams
run()
{
	local d t0 t1
	: > "$W/smcardd.log"
	: > "$W/readings.jsonl"
	$1 "$bin/smcardd" -f -c "$W/smcardd.conf" >> "$W/smcardd.log" 2>&1 &
	d=$!
	for _ in $(seq 100); do grep -qs 'mqtt: connected' "$W/smcardd.log" && break; sleep 0.2; done
	sleep 1
	[ -n "$1" ] && callgrind_control -i on $d > /dev/null 2>&1
	t0=$(runtime $d)
	"$bin/p1-meter" --device - --always --flavour dsmr5 --interval "$3" --count "$2" >&7
	# every telegram a reading (bounded)
	for _ in $(seq 300); do
		[ "$(grep -c '/p1"' "$W/readings.jsonl")" -ge "$2" ] && break
		sleep 0.2
	done
	sleep 1
	t1=$(runtime $d)
	[ -n "$1" ] && callgrind_control -i off $d > /dev/null 2>&1
	if [ -z "$1" ]; then
		grep -E '^(Rss|Pss|Private_Clean|Private_Dirty):' /proc/$d/smaps_rollup |
			awk '{ m[$1] = $2 } END { printf "MEM %d %d %d\n", m["Rss:"], m["Pss:"], m["Private_Clean:"] + m["Private_Dirty:"] }'
	fi
	kill -TERM $d
	wait $d
	echo "RUN $2 $((t1 - t0)) $(delivered "$W/smcardd.log")"
}

read -r _ rss pss priv < <(run "" 5 100 | grep MEM)
read -r _ tn ns got < <(run "" "$n" 20 | grep RUN)
awk -v ns="$ns" -v n="$tn" -v got="$got" 'BEGIN {
	printf "CPU per P1 telegram (host, native): %8.1f us (%d telegrams, %d delivered)   telegram interval 1 s; target 20 ms on the emulated core\n", ns / n / 1000, n, got }'
# every telegram a P1 reading, and sub-topics (p1/mbus1) when they change
[ "$got" -ge "$tn" ] || echo "bench_daemon_host: $got readings delivered for $tn telegrams"
awk -v r="$rss" -v p="$pss" -v q="$priv" 'BEGIN {
	printf "smcardd memory, P1 only (host):      RSS %.1f MiB, PSS %.1f MiB, private %.1f MiB   target RSS 6 MiB (shared library pages count in every RSS)\n", r / 1024, p / 1024, q / 1024 }'

if command -v valgrind > /dev/null; then
	cg=$W/callgrind.out
	read -r _ tn _ got < <(run "valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=$cg" 50 200 | grep RUN)
	ir=$(callgrind_annotate "$cg" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
	awk -v ir="$ir" -v n="$tn" -v got="$got" 'BEGIN {
		printf "instructions per P1 telegram:       %8.0f (callgrind, %d telegrams, %d delivered)\n", ir / n, n, got }'
	echo "  where they go (inclusive, per telegram):"
	callgrind_annotate --inclusive=yes "$cg" 2>/dev/null |
		awk -v n="$tn" '/^ *[0-9,]+ \(/ && !/PROGRAM TOTALS/ { v = $1; gsub(",", "", v)
			for (i = 2; i < NF; i++) if ($i ~ /%\)$/) { f = $(i + 1); break }
			sub(/.*:/, "", f)
			if (seen[f]++ == 0 && ++k <= 16) printf "  %9.0f  %s\n", v / n, f }'
fi
