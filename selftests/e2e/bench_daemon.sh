#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcardd benchmarks in the reference VM (QEMU TCG: CPU figures are those
# of the emulated arm64 core, several times slower than a real one):
#
#   1. resident memory of the daemon with every source active (P1, two
#      M-Bus meters, Modbus RTU, S0 counter, 4-20 mA, digital in/out,
#      status, MQTT with discovery), beside the broker's in the same guest,
#      with its PSS and private part, and again with P1 alone;
#   2. CPU time per P1 telegram (parse, JSON, spool, publish), beside the
#      telegram interval of a DSMR 5 meter (1 s); the emulated core's time
#      grows with the host's load (it keeps counting while the host runs
#      something else): bench_daemon_host.sh gives the load-independent
#      figures (native CPU time and instructions per telegram);
#   3. CPU time per M-Bus read of a heat meter (100-byte RSP_UD, read by
#      primary address: SND_NKE/E5 + REQ_UD2/RSP_UD at 2400 Bd 8E1), beside
#      the wire time of that read: 11 bits a byte plus the minimum reply
#      delay of 11 bit times for each of the two answers;
#   4. spool syncs per second while P1 publishes (the flash wear), beside
#      the configured sync interval (1 s);
#   5. the delay from a P1 telegram leaving the meter (p1-meter
#      --sent-log) to its reading arriving at an MQTT subscriber, P1
#      alone and then beside a Modbus TCP meter that accepts and never
#      answers and a Modbus RTU meter that is unplugged: the added delay
#      is what a stalled main loop would cost (each dead meter holds a
#      poll for 3 registers x 1 s).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${SMCARD_BENCH_SECONDS:-40}
load0=$(cut -d' ' -f1 /proc/loadavg)

"$top/tools/vm/run" --no-build --timeout $((secs * 8 + 900)) -- "
. /usr/lib/smcard/selftests/e2e/e2e_lib.sh >/dev/null
broker_start >/dev/null || exit 1
hz=\$(getconf CLK_TCK 2>/dev/null || echo 100)
cpu() { awk -v hz=\$hz '{ print (\$14 + \$15) / hz }' /proc/\$1/stat; }
ucpu() { awk -v hz=\$hz '{ print \$14 / hz }' /proc/\$1/stat; }
rss() { awk '/^VmRSS/ { r = \$2 } /^VmHWM/ { h = \$2 } END { print r, h }' /proc/\$1/status; }
# PSS (shared pages divided among the processes mapping them) and private pages
pss() { awk '/^Pss:/ { p = \$2 } /^Private_(Clean|Dirty):/ { q += \$2 } END { print p, q }' /proc/\$1/smaps_rollup; }
meters p1 mbus modbus
echo 12000 > \$S/io2/current_ua
config <<'C'
[p1]
device = /dev/ttySIM2
interval = 0
[mbus]
interval = 5s
[mbus.meter water]
address = 5
[mbus.meter heat]
address = 7
[modbus.meter grid]
transport = rtu
device = /dev/ttySIM0
serial_mode = rs485-half
termination = yes
interval = 2s
timeout_ms = 1000
register = voltage input 0 float32 unit=V
register = power input 4 float32 unit=W
register = energy input 8 float32 unit=kWh
[counter s0]
device = smcard-counter
weight = 0.001
unit = kWh
interval = 2s
[analog pressure]
pin = 2
input = 4 20
output = 0 10
unit = bar
interval = 2s
[digital door]
gpio = IO4
[output valve]
gpio = IO5
open_drain = yes
[status]
interval = 10s
C
daemon_start
sleep $secs
read r h < <(rss \$DAEMON)
read br bh < <(rss \$BROKER)
read p q < <(pss \$DAEMON)
echo \"RESULT rss \$r \$h \$br \$p \$q\"
# where the resident memory is: the largest mappings
awk '/^[0-9a-f]+-/ { n = \$6 ? \$6 : \"[anon]\" } /^Rss:/ { r[n] += \$2 } END { for (k in r) print r[k], k }' \
	/proc/\$DAEMON/smaps | sort -rn | head -12 | sed 's/^/RESULT map /'
daemon_stop

# P1 alone
config <<'C'
[p1]
device = /dev/ttySIM2
interval = 0
C
: > \$W/readings.jsonl
daemon_start
sleep 5
c0=\$(cpu \$DAEMON); u0=\$(ucpu \$DAEMON); n0=\$(grep -c '/p1\"' \$W/readings.jsonl)
sleep $secs
c1=\$(cpu \$DAEMON); u1=\$(ucpu \$DAEMON); n1=\$(grep -c '/p1\"' \$W/readings.jsonl)
echo \"RESULT p1 \$c0 \$c1 \$n0 \$n1 \$u0 \$u1\"
read r h < <(rss \$DAEMON)
read p q < <(pss \$DAEMON)
echo \"RESULT p1mem \$r \$p \$q\"
daemon_stop
# syncs over the whole run (start to stop)
sy=\$(sed -n 's/.*spool: \\([0-9]*\\) reading(s) written with \\([0-9]*\\) sync(s).*/\\1 \\2/p' \$W/smcardd.log | tail -1)
echo \"RESULT sync \$sy $((secs + 5))\"

# P1 delay, alone and beside dead Modbus meters
modbus-meter --tcp 1502 --silent --quiet > \$W/silent.log 2>&1 &
E2E_PIDS+=(\$!)
lat()
{
	awk 'NR == FNR { s[++n] = \$2; next } \$2 ~ /\\/p1\$/ { r[++m] = \$1 }
	     END { k = n < m ? n : m; for (i = 1; i <= k; i++) printf \"%.1f\\n\", (r[i] - s[i]) * 1000 }' \\
		\$W/p1_sent.log \$W/stamped.log | sort -n > \$W/lat
	echo \"RESULT lat \$1 \$(wc -l < \$W/p1_sent.log) \$(grep -c '/p1 ' \$W/stamped.log) \$(sed -n \"\$(( (\$(wc -l < \$W/lat) + 1) / 2 ))p\" \$W/lat) \$(tail -1 \$W/lat)\"
}
for phase in alone dead; do
	{
		printf '[p1]\\ndevice = /dev/ttySIM2\\ninterval = 0\\n'
		[ \$phase = dead ] && printf '%s\\n' '[modbus.meter dead]' 'transport = tcp' 'host = 127.0.0.1' \\
			'port = 1502' 'interval = 1s' 'timeout_ms = 1000' 'register = a input 0 float32' \\
			'register = b input 4 float32' 'register = c input 8 float32' \\
			'[modbus.meter unplugged]' 'transport = rtu' 'device = /dev/ttySIM0' \\
			'serial_mode = rs485-half' 'interval = 1s' 'timeout_ms = 1000' \\
			'register = a input 0 float32' 'register = b input 4 float32' 'register = c input 8 float32'
	} | config
	stamped \$W/stamped.log
	sp=\$!
	sleep 1
	: > \$W/p1_sent.log
	daemon_start
	sleep $secs
	daemon_stop
	sleep 1
	kill \$sp
	lat \$phase
done

# M-Bus alone: the heat meter every second (reads back to back)
config <<'C'
[mbus]
retries = 0
[mbus.meter heat]
address = 7
interval = 1s
C
: > \$W/readings.jsonl
daemon_start
sleep 5
c0=\$(cpu \$DAEMON); n0=\$(grep -c 'mbus/heat' \$W/readings.jsonl)
sleep $secs
c1=\$(cpu \$DAEMON); n1=\$(grep -c 'mbus/heat' \$W/readings.jsonl)
echo \"RESULT mbus \$c0 \$c1 \$n0 \$n1\"
daemon_stop
" | awk -v bytes="$(grep -v '^#' "$here/heat_kam_multical.hex" | wc -w)" -v load0="$load0" \
	-v ncpu="$(nproc)" '
# a console line may run into the one that carries the result
/RESULT / { sub(/^.*RESULT /, "RESULT ") }
/^RESULT rss/ {
	got["rss"] = 1
	printf "daemon RSS, all sources active:   %6.1f MiB (peak %.1f MiB)   broker (mosquitto) beside it: %.1f MiB; target 6 MiB\n",
		$3 / 1024, $4 / 1024, $5 / 1024
	printf "daemon PSS, all sources active:   %6.1f MiB, private %.1f MiB (shared library pages divided among their users)\n",
		$6 / 1024, $7 / 1024
}
/^RESULT p1mem/ {
	printf "daemon RSS, P1 only:              %6.1f MiB, PSS %.1f MiB, private %.1f MiB (no analog input: libiio not loaded)\n",
		$3 / 1024, $4 / 1024, $5 / 1024
}
/^RESULT p1 / {
	n = $6 - $5; c = $4 - $3
	got["p1"] = n > 0
	if (n > 0) {
		printf "CPU per P1 telegram:              %6.2f ms (%d telegrams)        telegram interval 1000 ms: %.2f %% of a core; target 20 ms\n",
			1000 * c / n, n, 100 * c / n
		printf "  of which user %.2f ms, system %.2f ms (system: the guest kernel with KASAN, lockdep and kmemleak)\n",
			1000 * ($8 - $7) / n, 1000 * (c - ($8 - $7)) / n
	}
}
/^RESULT map/ {
	printf "  %6.0f KiB  %s\n", $3, $4
}
/^RESULT sync/ {
	got["sync"] = $4 > 0
	if ($4 > 0)
		printf "spool syncs while P1 publishes:   %6.2f per s (%d syncs, %d readings, %d s)   sync_interval 1 s: at most 1 per s (+2 per checkpoint)\n",
			$4 / $5, $4, $3, $5
}
/^RESULT lat/ {
	lat[$3] = $7; med[$3] = $6
	printf "P1 telegram to MQTT subscriber, %-5s %6.1f ms median, %6.1f ms worst (%d sent, %d received)\n",
		$3 ":", $6, $7, $4, $5
	if ($5 < $4 - 1)
		printf "bench_daemon: %d of %d P1 telegrams not published (%s)\n", $4 - $5, $4, $3
	got["lat_" $3] = $5 > 0 && $5 >= $4 - 1
}
/^RESULT mbus/ {
	n = $6 - $5; c = $4 - $3
	wire = ((5 + 1 + 5 + bytes) * 11 + 2 * 11) / 2400 * 1000
	got["mbus"] = n > 0
	if (n > 0)
		printf "CPU per M-Bus read (heat meter):  %6.2f ms (%d reads)            wire time of the read %.0f ms (%d-byte RSP_UD, 2400 Bd)\n",
			1000 * c / n, n, wire, bytes
}
END {
	# the emulated core keeps counting while the host runs others: say how busy it was
	getline l < "/proc/loadavg"
	split(l, la, " ")
	printf "host load average (%d cores): %.1f at the start, %.1f at the end (CPU figures grow with it; bench_daemon_host.sh does not)\n",
		ncpu, load0, la[1]
	if (got["lat_alone"] && got["lat_dead"])
		printf "P1 delay added by dead Modbus meters: %6.1f ms worst, %6.1f ms median   target < 50 ms; a stalled loop: up to 6000 ms\n",
			lat["dead"] - lat["alone"], med["dead"] - med["alone"]
	# a figure that is missing is a failed benchmark, not a silent one
	split("rss p1 mbus sync lat_alone lat_dead", k)
	for (i = 1; i <= 6; i++)
		if (!got[k[i]]) {
			printf "bench_daemon: no %s figure (guest failed or no readings)\n", k[i]
			bad = 1
		}
	exit bad
}'
