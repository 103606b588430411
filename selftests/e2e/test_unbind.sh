#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End to end: a source's device disappears (its driver unbound) -> smcardd
# logs it, keeps retrying, the other sources keep flowing, and the source
# comes back when the device does.
. "$(dirname "$0")/e2e_lib.sh"

ktap_print_header
ktap_set_plan 3

echo 12000 > $S/io2/current_ua
broker_start || ktap_exit_fail_msg "mosquitto did not start"
record
config <<'C'
[analog pressure]
pin = 2
input = 4 20
output = 0 10
unit = bar
interval = 1s
[counter s0]
device = smcard-counter
count = 0
weight = 0.001
unit = kWh
interval = 1s
C
daemon_start
T=smcard/e2e
wait_for "^$T/analog/pressure " 30
drv=/sys/bus/platform/drivers/smcard-adc
dev=$(basename "$(ls -d $drv/smcard-adc* 2>/dev/null | head -1)")
[ -n "$dev" ] || ktap_exit_fail_msg "smcard-adc is not bound"
echo "$dev" > $drv/unbind
logged='\[analog pressure\].*(failed|cannot open)'
until_ok 60 grep -qE "$logged" "$W/smcardd.log"
# the counter (1 s interval) goes on while the analog source fails: three
# more readings, however slow the guest (bounded)
before=$(grep -c "^$T/counter/s0 " "$W/mqtt.log")
until_ok 60 eval '[ "$(grep -c "^$T/counter/s0 " "$W/mqtt.log")" -ge $((before + 3)) ]'
after=$(grep -c "^$T/counter/s0 " "$W/mqtt.log")
ok "unbind: the failure is logged ($(grep -m1 -E "$logged" "$W/smcardd.log" | cut -d' ' -f3- | cut -c1-90))" \
	grep -qE "$logged" "$W/smcardd.log"
ok "unbind: the counter keeps flowing ($before -> $after readings)" [ "$after" -ge $((before + 3)) ]
echo "$dev" > $drv/bind
n=$(grep -c "^$T/analog/pressure " "$W/mqtt.log")
until_ok 70 eval '[ "$(grep -c "^$T/analog/pressure " "$W/mqtt.log")" -gt "$n" ]'
ok "rebind: the analog source is back" bash -c "[ \$(grep -c '^$T/analog/pressure ' $W/mqtt.log) -gt $n ] && grep -q 'analog pressure\] is back' $W/smcardd.log"

[ "$KTAP_CNT_FAIL" = 0 ] || e2e_dump
ktap_finished
