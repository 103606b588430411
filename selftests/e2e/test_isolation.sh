#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End to end: no source stalls another. P1 (a telegram a second) and an
# S0 counter run alone for a control window; then a SIGHUP adds a Modbus
# TCP meter that accepts and never answers and a Modbus RTU meter that is
# unplugged (nothing on the line), and the same window is counted again.
# P1 must publish every telegram the meter sent in both windows, and S0
# must keep its rate against the control (counts, not wall time).
. "$(dirname "$0")/e2e_lib.sh"

ktap_print_header
ktap_set_plan 6
win=${E2E_ISOLATION_SECONDS:-10}

broker_start || ktap_exit_fail_msg "mosquitto did not start"
record
meters p1
modbus-meter --tcp 1502 --silent --quiet > "$W/silent.log" 2>&1 &
E2E_PIDS+=($!)
base='[p1]
device = /dev/ttySIM2
interval = 0
[counter s0]
device = smcard-counter
weight = 0.001
unit = kWh
interval = 1s'
dead='[modbus.meter dead]
transport = tcp
host = 127.0.0.1
port = 1502
interval = 1s
timeout_ms = 1000
register = a input 0 float32
register = b input 4 float32
register = c input 8 float32
[modbus.meter unplugged]
transport = rtu
device = /dev/ttySIM0
serial_mode = rs485-half
interval = 1s
timeout_ms = 1000
register = a input 0 float32
register = b input 4 float32
register = c input 8 float32'
echo "$base" | config
daemon_start
until_ok 120 grep -qs '/p1"' "$W/readings.jsonl" || ktap_exit_fail_msg "no P1 reading"
sleep 2

# counts: P1 telegrams sent, P1 readings, S0 readings
counts() { echo "$(wc -l < "$W/p1_sent.log") $(grep -c '/p1"' "$W/readings.jsonl") $(grep -c '/counter/s0"' "$W/readings.jsonl")"; }
window()
{
	local a b
	read -r -a a < <(counts)
	sleep "$win"
	read -r -a b < <(counts)
	# the readings of the telegrams sent in the window (one may be on the wire)
	sleep 2
	local c
	read -r -a c < <(counts)
	echo "$((b[0] - a[0])) $((c[1] - a[1])) $((b[2] - a[2]))"
}
read -r sent1 p1_1 s0_1 < <(window)
printf '%s\n%s\n' "$base" "$dead" | config
kill -HUP "$DAEMON"
until_ok 60 grep -qs 'reload: 2 source(s) kept running' "$W/smcardd.log"
until_ok 60 grep -qs '\[modbus.meter dead\]' "$W/smcardd.log"
read -r sent2 p1_2 s0_2 < <(window)
echo "# control: $sent1 telegrams sent, $p1_1 P1 readings, $s0_1 S0 readings in ${win} s"
echo "# dead Modbus meters: $sent2 telegrams sent, $p1_2 P1 readings, $s0_2 S0 readings in ${win} s"
ok "dead Modbus meters: P1 keeps its rate ($p1_2 readings vs $p1_1 in the control)" \
	[ "$p1_1" -gt 0 -a $((p1_2 * 10)) -ge $((p1_1 * 8)) ]
ok "dead Modbus meters: S0 keeps its rate ($s0_2 vs $s0_1 in the control)" \
	[ "$s0_1" -gt 0 -a $((s0_2 * 10)) -ge $((s0_1 * 8)) ]
ok "the reload kept P1 and S0 running" grep -q 'reload: 2 source(s) kept running, 2 (re)opened' "$W/smcardd.log"
ok "both dead meters are reported" bash -c "grep -q '\[modbus.meter dead\]' $W/smcardd.log && grep -q '\[modbus.meter unplugged\]' $W/smcardd.log"

daemon_stop
sent=$(wc -l < "$W/p1_sent.log")
got=$(grep -c '/p1"' "$W/readings.jsonl")
mq=$(grep -c '^smcard/e2e/p1 ' "$W/mqtt.log")
# the telegram on the wire at the stop may be cut
ok "every P1 telegram became a reading ($got of $sent sent)" [ "$got" -ge $((sent - 1)) ]
ok "every P1 reading reached the broker ($mq of $got)" [ "$mq" -ge "$got" ]

[ "$KTAP_CNT_FAIL" = 0 ] || e2e_dump
ktap_finished
