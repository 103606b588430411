#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcardd benchmarks in the reference VM (QEMU TCG: CPU figures are those
# of the emulated arm64 core, several times slower than a real one):
#
#   1. resident memory of the daemon with every source active (P1, two
#      M-Bus meters, Modbus RTU, S0 counter, 4-20 mA, digital in/out,
#      status, MQTT with discovery), beside the broker's in the same guest;
#   2. CPU time per P1 telegram (parse, JSON, spool, publish), beside the
#      telegram interval of a DSMR 5 meter (1 s);
#   3. CPU time per M-Bus read of a heat meter (100-byte RSP_UD, read by
#      primary address: SND_NKE/E5 + REQ_UD2/RSP_UD at 2400 Bd 8E1), beside
#      the wire time of that read: 11 bits a byte plus the minimum reply
#      delay of 11 bit times for each of the two answers.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${SMCARD_BENCH_SECONDS:-40}

"$top/tools/vm/run" --no-build --timeout 1500 -- "
. /usr/lib/smcard/selftests/e2e/e2e_lib.sh >/dev/null
broker_start >/dev/null || exit 1
hz=\$(getconf CLK_TCK 2>/dev/null || echo 100)
cpu() { awk -v hz=\$hz '{ print (\$14 + \$15) / hz }' /proc/\$1/stat; }
rss() { awk '/^VmRSS/ { r = \$2 } /^VmHWM/ { h = \$2 } END { print r, h }' /proc/\$1/status; }
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
echo \"RESULT rss \$r \$h \$br\"
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
c0=\$(cpu \$DAEMON); n0=\$(grep -c '/p1\"' \$W/readings.jsonl)
sleep $secs
c1=\$(cpu \$DAEMON); n1=\$(grep -c '/p1\"' \$W/readings.jsonl)
echo \"RESULT p1 \$c0 \$c1 \$n0 \$n1\"
daemon_stop

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
" | awk -v bytes="$(grep -v '^#' "$here/heat_kam_multical.hex" | wc -w)" '
/^RESULT rss/ {
	got["rss"] = 1
	printf "daemon RSS, all sources active:   %6.1f MiB (peak %.1f MiB)   broker (mosquitto) beside it: %.1f MiB\n",
		$3 / 1024, $4 / 1024, $5 / 1024
}
/^RESULT p1/ {
	n = $6 - $5; c = $4 - $3
	got["p1"] = n > 0
	if (n > 0)
		printf "CPU per P1 telegram:              %6.2f ms (%d telegrams)        telegram interval 1000 ms: %.2f %% of a core\n",
			1000 * c / n, n, 100 * c / n
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
	# a figure that is missing is a failed benchmark, not a silent one
	split("rss p1 mbus", k)
	for (i = 1; i <= 3; i++)
		if (!got[k[i]]) {
			printf "bench_daemon: no %s figure (guest failed or no readings)\n", k[i]
			bad = 1
		}
	exit bad
}'
