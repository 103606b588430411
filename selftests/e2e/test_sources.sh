#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End to end: every source of smcardd against the simulated card, the
# emulated meters and a real mosquitto broker. Values, units and Home
# Assistant discovery arrive as they should; a digital output set over
# MQTT reaches the simulator; the transceiver knobs are set for Modbus RTU.
. "$(dirname "$0")/e2e_lib.sh"

ktap_print_header
ktap_set_plan 14

broker_start || ktap_exit_fail_msg "mosquitto did not start"
record
meters p1 mbus modbus
echo 0 > $S/io2/current_ua
config <<'C'
[p1]
device = /dev/ttySIM2
request_line = P1_REQ
interval = 0
[mbus]
interval = 10s
retries = 2
timeout_extra_ms = 100
[mbus.meter water]
address = 5
[mbus.meter heat]
address = 7
[modbus.meter grid]
transport = rtu
device = /dev/ttySIM0
baud = 9600
parity = even
serial_mode = rs485-half
termination = yes
interval = 2s
timeout_ms = 1000
register = voltage input 0 float32 unit=V
register = energy_import input 8 float32 unit=kWh
[counter s0]
device = smcard-counter
count = 0
pulses_per_unit = 1000
unit = kWh
initial = 100
interval = 1s
[analog pressure]
pin = 2
input = 4 20
output = 0 10
unit = bar
interval = 1s
[output valve]
gpio = IO5
open_drain = yes
initial = 0
[status]
interval = 5s
C
echo 12000 > $S/io2/current_ua
daemon_start
T=smcard/e2e

# P1: telegrams of the XS211-like meter, totals consistent, in kWh
if wait_for "^$T/p1 .*import_kwh" 60; then
	p=$(last $T/p1)
	imp=$(num "$p" import_kwh) t1=$(num "$p" import_t1_kwh) t2=$(num "$p" import_t2_kwh)
	ok "p1: import_kwh $imp = tariff 1 + tariff 2 ($t1 + $t2)" near "$imp" "$(awk "BEGIN{printf \"%.3f\", $t1+$t2}")" 0.002
else
	ktap_test_fail "p1: no telegram reading within 60 s"
fi

# M-Bus: the water meter's volume and the heat meter's energy, normalised
if wait_for "^$T/mbus/water " 60 && wait_for "^$T/mbus/heat " 60; then
	w=$(last $T/mbus/water) h=$(last $T/mbus/heat)
	ok "mbus: water volume 12.565 m³ ($(num "$w" volume))" \
		bash -c "[ '$(num "$w" volume)' = 12.565 ] && echo '$w' | grep -q '\"volume\":\"m³\"'"
	ok "mbus: heat energy 12345 kWh, volume 678.901 m³, flow 65.23 °C" \
		bash -c "[ '$(num "$h" energy)' = 12345 ] && [ '$(num "$h" volume)' = 678.901 ] && [ '$(num "$h" flow_temperature)' = 65.23 ] && echo '$h' | grep -q '\"energy\":\"kWh\"'"
else
	ktap_test_fail "mbus: no water reading"
	ktap_test_fail "mbus: no heat reading"
fi

# Modbus RTU through the card's transceiver in RS485 half duplex + termination
if wait_for "^$T/modbus/grid .*voltage" 60; then
	m=$(last $T/modbus/grid)
	ok "modbus: voltage $(num "$m" voltage) V near 230, import $(num "$m" energy_import) kWh" \
		bash -c "near '$(num "$m" voltage)' 230 3 && near '$(num "$m" energy_import)' 12345.6 1"
else
	ktap_test_fail "modbus: no reading within 60 s"
fi
ok "modbus: simulator transceiver is $(cat $S/serial_mode), termination $(cat $S/rs485_termination)" \
	bash -c "[ \"\$(cat $S/serial_mode) \$(cat $S/rs485_termination)\" = 'rs485-half 1' ]"

# 4-20 mA: 12 mA on IO2 is 5 bar
wait_for "^$T/analog/pressure .*\"input\":1[12]\\.9|^$T/analog/pressure .*\"input\":12" 30
a=$(last $T/analog/pressure)
ok "analog: 12 mA -> $(num "$a" value) bar (5 expected)" near "$(num "$a" value)" 5 0.01

# S0: 25 pulses at 1000 imp/kWh on top of 100 kWh
wait_for "^$T/counter/s0 " 30
# 40 ms pulses, 60 ms pauses: longer than the counter's 30 ms input filter
echo "25 10 40000" > $S/io1/pulses
cat $S/io1/pulses_wait >/dev/null
wait_for "^$T/counter/s0 .*\"pulses\":25" 20
c=$(last $T/counter/s0)
ok "counter: 25 pulses -> $(num "$c" value) kWh (100.025 expected)" near "$(num "$c" value)" 100.025 0.0001

# Digital output over MQTT reaches the simulator (open drain: 0 = sinking)
wait_for "^$T/output/valve " 30
mosquitto_pub -h localhost -t $T/output/valve/set -m ON
until_ok 30 eval '[ "$(cat $S/io5/output)" = 1 ]'
on=$(cat $S/io5/output)
mosquitto_pub -h localhost -t $T/output/valve/set -m OFF
until_ok 30 eval '[ "$(cat $S/io5/output)" = 0 ]'
ok "output: ON -> io5 $on, OFF -> io5 $(cat $S/io5/output)" bash -c "[ '$on' = 1 ] && [ \"\$(cat $S/io5/output)\" = 0 ]"

# Status: power source and M-Bus state
wait_for "^$T/status .*power_source" 20
st=$(last $T/status)
ok "status: power source $(echo "$st" | grep -o '"power_source":"[a-z]*"'), M-Bus supply on" \
	bash -c "echo '$st' | grep -q '\"power_source\":\"mains\".*\"mbus_power\":\"on\"'"

# Home Assistant discovery
disc()
{
	grep "^homeassistant/sensor/e2e/$1/config " "$W/mqtt.log" | tail -1 | cut -d' ' -f2-
}
ok "discovery: water volume is water, m³, total_increasing" \
	bash -c "echo '$(disc mbus_water_volume)' | grep -q '\"unit_of_measurement\":\"m³\".*\"device_class\":\"water\".*\"state_class\":\"total_increasing\"'"
ok "discovery: heat energy is energy, kWh, total_increasing" \
	bash -c "echo '$(disc mbus_heat_energy)' | grep -q '\"unit_of_measurement\":\"kWh\".*\"device_class\":\"energy\".*\"state_class\":\"total_increasing\"'"
ok "discovery: P1 import, S0 counter and pressure complete (topic, template, device, availability)" \
	bash -c "for o in p1_import_kwh counter_s0 analog_pressure; do echo \"\$(grep \"^homeassistant/sensor/e2e/\$o/config \" $W/mqtt.log | tail -1)\" | grep -q '\"state_topic\":\"smcard/e2e/.*\"value_template\".*\"availability_topic\":\"smcard/e2e/availability\".*\"device\":{\"identifiers\"' || exit 1; done"

daemon_stop
# Bad configuration: clear message with FILE:LINE, non-zero exit
printf '[mbus.meter x]\naddress = 300\n[analog a]\npin = 9\n' > "$W/bad.conf"
out=$(smcardd --check-config -c "$W/bad.conf" 2>&1); rc=$?
ok "bad config: exit $rc, '$(echo "$out" | head -1)'" \
	bash -c "[ $rc != 0 ] && echo '$out' | grep -q 'bad.conf:2: bad address' && echo '$out' | grep -q 'bad.conf:4: bad pin'"
out=$(smcardd --foreground -c "$W/bad.conf" 2>&1); rc=$?
ok "bad config: the daemon refuses to start (exit $rc)" bash -c "[ $rc != 0 ] && echo '$out' | grep -q 'error(s)'"

[ "${KTAP_CNT_FAIL:-0}" = 0 ] || e2e_dump
ktap_finished
