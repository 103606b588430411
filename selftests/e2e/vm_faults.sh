#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End to end, faults around the daemon, in the VM (run by stress_daemon.sh
# through tools/vm/run; the broker and daemon kills run on the host:
# userspace/tests/test_smcardd_faults.c):
#   - the disk under the spool fills up (a 384 KiB tmpfs): readings wait in
#     memory, are delivered, and the spool takes readings again once there
#     is room; nothing produced is lost;
#   - the wall clock jumps back an hour and forward a day: sources keep
#     their rate (schedules run on the monotonic clock), nothing is lost.
# Produced: the JSON lines file; delivered: a persistent QoS 1 subscriber.
. "$(dirname "$0")/e2e_lib.sh"

ktap_print_header
ktap_set_plan 5

echo 8000 > $S/io2/current_ua
broker_start || ktap_exit_fail_msg "mosquitto did not start"
session_sub "$W/sub.log"
until_ok 30 grep -qs "as e2e-session" "$W/mosquitto.log" ||
	ktap_exit_fail_msg "the subscriber did not connect"
mkdir -p "$W/small"
mount -t tmpfs -o size=384k tmpfs "$W/small" || ktap_exit_fail_msg "cannot mount a tmpfs"
SPOOL=$W/small/spool.db config <<'C'
[analog pressure]
pin = 2
input = 4 20
output = 0 10
unit = bar
interval = 200ms
C
daemon_start
until_ok 120 eval '[ "$(session_keys "$W/sub.log" | grep -c analog)" -ge 3 ]'

# every reading produced so far has arrived (bounded)
all_delivered()
{
	jsonl_keys | grep analog | sort > "$W/want"
	session_keys "$W/sub.log" | grep analog | sort -u > "$W/got"
	[ -s "$W/want" ] && [ -z "$(grep -Fvx -f "$W/got" "$W/want")" ]
}

# 1. full disk
dd if=/dev/zero of="$W/small/filler" bs=4k 2>/dev/null
k=$(grep -c analog "$W/readings.jsonl")
until_ok 60 grep -qs 'disk full' "$W/smcardd.log"
until_ok 60 eval '[ "$(grep -c analog "$W/readings.jsonl")" -ge $((k + 20)) ]'
ok "full disk: logged ($(grep -m1 'disk full' "$W/smcardd.log" | cut -c1-100))" \
	grep -q 'keeping readings in memory' "$W/smcardd.log"
until_ok 60 all_delivered
ok "full disk: the $(wc -l < "$W/want") readings produced are delivered" all_delivered
echo "# figure: daemon faults | full disk under the spool | $(wc -l < "$W/want") / $(grep -Fxc -f "$W/want" "$W/got") | produced = delivered"
rm -f "$W/small/filler"
until_ok 60 grep -qs 'takes readings again' "$W/smcardd.log"
ok "full disk: the spool takes readings again once there is room" grep -q 'takes readings again' "$W/smcardd.log"

# 2. the wall clock jumps
n0=$(grep -c analog "$W/readings.jsonl")
date -s "@$(( $(date +%s) - 3600 ))" >/dev/null
sleep 4
n1=$(grep -c analog "$W/readings.jsonl")
date -s "@$(( $(date +%s) + 86400 + 3600 ))" >/dev/null
sleep 4
n2=$(grep -c analog "$W/readings.jsonl")
date -s "@$(( $(date +%s) - 86400 ))" >/dev/null
echo "# readings in 4 s: $((n1 - n0)) after the jump back, $((n2 - n1)) after the jump forward (interval 200 ms)"
ok "clock jumps: the source keeps its rate ($((n1 - n0)), $((n2 - n1)) readings in 4 s)" \
	[ $((n1 - n0)) -ge 10 -a $((n2 - n1)) -ge 10 ]
until_ok 60 all_delivered
ok "clock jumps: the $(wc -l < "$W/want") readings produced are delivered" all_delivered
echo "# figure: daemon faults | clock jumps (-1 h, +1 d) | $((n1 - n0)), $((n2 - n1)) readings in 4 s | 20 at 200 ms"
daemon_stop
umount "$W/small"

[ "$KTAP_CNT_FAIL" = 0 ] || e2e_dump
ktap_finished
