#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End to end, store and forward: the broker stopped while the daemon takes
# 60 readings (15 s at 250 ms; longer in a loaded guest, never fewer
# readings) and restarted -> every reading delivered once and in order;
# smcardd killed with SIGKILL while the broker is away -> its spool is
# replayed after the restart, nothing lost.
. "$(dirname "$0")/e2e_lib.sh"

ktap_print_header
ktap_set_plan 4

echo 8000 > $S/io2/current_ua
broker_start || ktap_exit_fail_msg "mosquitto did not start"
# one subscriber with a persistent session for the whole test, like a
# consumer that must not miss a reading; it reconnects after each restart
session_sub "$W/sub.log"
until_ok 30 grep -qs "as e2e-session" "$W/mosquitto.log" ||
	ktap_exit_fail_msg "the subscriber did not connect"
config <<'C'
[analog pressure]
pin = 2
input = 4 20
output = 0 10
unit = bar
interval = 250ms
C
daemon_start
# until a few readings went through the broker: in the loaded TCG guest
# the daemon takes several seconds to start (libraries, store, sources)
until_ok 120 eval '[ "$(session_keys "$W/sub.log" | grep -c analog)" -ge 3 ]'

# 1. the broker away for 60 readings
broker_stop
k=$(jsonl_keys | grep -c analog)
until_ok 600 eval '[ "$(jsonl_keys | grep -c analog)" -ge $((k + 60)) ]'
broker_start || ktap_exit_fail_msg "mosquitto did not restart"
# until everything the daemon wrote is there, at most 120 s
until_ok 120 eval '[ "$(session_keys "$W/sub.log" | grep -c analog)" -ge \
	"$(jsonl_keys | grep -c analog)" ]'
daemon_stop
# the last readings published before the stop reach the subscriber too
jsonl_keys | grep analog > "$W/want"
until_ok 20 eval '[ -z "$(session_keys "$W/sub.log" | grep -Fvx -f - "$W/want")" ]'
session_keys "$W/sub.log" | grep analog > "$W/got"
n=$(wc -l < "$W/want")
ok "broker down for 60 readings: all $n readings delivered (got $(wc -l < "$W/got"))" \
	bash -c "[ $n -gt 60 ] && [ -z \"\$(grep -Fvx -f $W/got $W/want)\" ]"
ok "broker down for 60 readings: each delivered once ($(sort $W/got | uniq -d | wc -l) duplicates) and in order" \
	bash -c "[ $n -gt 60 ] && [ -z \"\$(sort $W/got | uniq -d)\" ] && cmp -s $W/want <(grep -Fx -f $W/want $W/got)"

# 2. SIGKILL while the broker is away; a new daemon replays the spool
: > "$W/readings.jsonl"
before=$(wc -l < "$W/got")
daemon_start
until_ok 120 eval '[ "$(session_keys "$W/sub.log" | grep -c analog)" -ge $((before + 3)) ]'
broker_stop
# at least 8 readings written while the broker is away, at most 60 s
k=$(jsonl_keys | grep -c analog)
until_ok 120 eval '[ "$(jsonl_keys | grep -c analog)" -ge $((k + 8)) ]'
kill -KILL "$DAEMON"; wait "$DAEMON" 2>/dev/null; DAEMON=
broker_start || ktap_exit_fail_msg "mosquitto did not restart"
jsonl_keys | grep analog > "$W/want2"
# the new daemon must start, connect and replay: bounded, not a fixed time
daemon_start
until_ok 120 eval '[ -z "$(session_keys "$W/sub.log" | grep -Fvx -f - "$W/want2")" ]'
daemon_stop
session_keys "$W/sub.log" | grep analog > "$W/got2"
n=$(wc -l < "$W/want2")
ok "SIGKILL: the $n readings written before the kill are delivered after the restart" \
	bash -c "[ $n -gt 8 ] && [ -z \"\$(grep -Fvx -f $W/got2 $W/want2)\" ]"
ok "SIGKILL: replayed in order" bash -c "[ $n -gt 8 ] && cmp -s $W/want2 <(grep -Fx -f $W/want2 $W/got2 | awk '!seen[\$0]++')"

if [ "$KTAP_CNT_FAIL" != 0 ]; then
	e2e_dump
	echo "# want $(wc -l < "$W/want") got $(wc -l < "$W/got"); readings received twice:"
	sort "$W/got" | uniq -d | cut -d' ' -f2 | grep -Fh -f - "$W/sub.log" | sed 's/^/# /'
fi
ktap_finished
