#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcardd's Modbus TCP server with the simulated card: Debian's mbpoll and
# libmodbus's client (mb_client) read the analog input as a float32, follow
# its changes, read the status block, and switch the open-drain output
# through its coil (allow_write on a loopback server); several libmodbus
# clients read at once; a source whose device goes away shows as down with
# its values' quality "source down", and comes back.
. "$(dirname "$0")/gateway_lib.sh"

ktap_print_header
ktap_set_plan 8

echo 12000 > $S/io2/current_ua
echo 0 > $S/io4/level
broker_start || ktap_exit_fail_msg "mosquitto did not start"
record
config <<C
[analog pressure]
pin = 2
input = 4 20
output = 0 10
unit = bar
interval = 1s
[digital door]
gpio = IO4
[output valve]
gpio = IO5
open_drain = yes
initial = 0
[modbus.server]
port = $MBPORT
allow_write = yes
map = 1000 analog/pressure value
map_file = $W/map.conf
C
daemon_start
within 60 bash -c "mbpoll -m tcp -p $MBPORT -0 -1 -r 30000 -c 1 127.0.0.1 </dev/null 2>&1 | grep -q '^\[30000\]:[[:space:]]*0$'" ||
	{ e2e_dump; ktap_exit_fail_msg "no good value on the Modbus server"; }

out=$(mb -t 4:float -B -r 1000 -c 1)
ok "mbpoll: analog/pressure at 1000 is $(mb_value "$out" 1000) bar (12 mA: 5)" near "$(mb_value "$out" 1000)" 5 0.01

echo 16000 > $S/io2/current_ua
within 10 bash -c "near \$(mbpoll -m tcp -p $MBPORT -0 -1 -t 3:float -B -r 1000 127.0.0.1 </dev/null 2>&1 | sed -n 's/^\[1000\]:[[:space:]]*//p') 7.5 0.01"
out=$(mb -t 3:float -B -r 1000 -c 1)
ok "mbpoll: 16 mA -> $(mb_value "$out" 1000) bar in the input registers (7.5)" near "$(mb_value "$out" 1000)" 7.5 0.01

sp=$(slot analog/pressure)
out=$(mb -t 4 -r 0 -c 10)
src=$(mb -t 4 -r $((100 + 4 * sp)) -c 4)
ok "status block: magic $(mb_value "$out" 0), layout $(mb_value "$out" 1), pressure (slot $sp) state $(mb_value "$src" $((100 + 4 * sp))), age $(mb_value "$src" $((103 + 4 * sp))) s" \
	bash -c "[ '$(mb_value "$out" 0)' = 21325 ] && [ '$(mb_value "$out" 1)' = 1 ] &&
		 [ '$(mb_value "$src" $((100 + 4 * sp)))' = 1 ] && [ '$(mb_value "$src" $((103 + 4 * sp)))' -le 3 ]"

sv=$(slot output/valve)
out=$(mbw 1 -t 0 -r "$sv")
io5_is() { [ "$(cat $S/io5/output)" = "$1" ]; }
within 10 io5_is 1
wait_mqtt "^$T/output/valve .*\"state\":\"ON\"" 10
ok "mbpoll: coil $sv (output valve) ON -> io5 $(cat $S/io5/output), published $(last $T/output/valve | grep -o '"state":"[A-Z]*"')" \
	bash -c "[ \$(cat $S/io5/output) = 1 ] && grep -q '^$T/output/valve .*\"state\":\"ON\"' $W/mqtt.log"

out=$("$(dirname "$0")/mb_client" $MBPORT coil "$sv" 0)
ok "libmodbus: $out; io5 $(cat $S/io5/output)" bash -c "[ \$(cat $S/io5/output) = 0 ] && echo '$out' | grep -q 'done, reads back 0'"

sd=$(slot digital/door)
out=$("$(dirname "$0")/mb_client" $MBPORT errors "$sd"); rc=$?
ok "libmodbus: $out" [ $rc = 0 ]

out=$("$(dirname "$0")/mb_client" $MBPORT 1000); rc=$?
ok "libmodbus: $out" [ $rc = 0 ]

# the ADC goes away: the source is down, its value keeps its last reading
drv=/sys/bus/platform/drivers/smcard-adc
dev=$(basename "$(ls -d $drv/smcard-adc* 2>/dev/null | head -1)")
echo "$dev" > $drv/unbind
within 30 bash -c "mbpoll -m tcp -p $MBPORT -0 -1 -r 30000 127.0.0.1 </dev/null 2>&1 | grep -q '^\[30000\]:[[:space:]]*2$'"
q=$(mb_value "$(mb -t 4 -r 30000)" 30000)
st=$(mb_value "$(mb -t 4 -r $((100 + 4 * sp)))" $((100 + 4 * sp)))
echo "$dev" > $drv/bind
within 60 bash -c "mbpoll -m tcp -p $MBPORT -0 -1 -r 30000 127.0.0.1 </dev/null 2>&1 | grep -q '^\[30000\]:[[:space:]]*0$'"
q2=$(mb_value "$(mb -t 4 -r 30000)" 30000)
ok "unbound ADC: value quality $q, source state $st (down); rebound: quality $q2" \
	bash -c "[ '$q' = 2 ] && [ '$st' = 2 ] && [ '$q2' = 0 ]"

[ "$KTAP_CNT_FAIL" = 0 ] || e2e_dump
ktap_finished
