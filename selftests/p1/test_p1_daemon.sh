#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcardd publishes everything a P1 meter says, through the simulated P1
# UART and a real mosquitto broker: the three-phase XS211's every register
# in normalised units, Home Assistant discovery with the right classes and
# diagnostics, the power failure log on its own topic, the [p1] exclude
# list; then a DSMR 5 meter on the same port, whose gas meter comes on
# p1/mbus1 with its own reading time.
. /usr/lib/smcard/ktap_helpers.sh

SIM=/sys/kernel/debug/smcard-sim
PORT=18883
T=smcard/p1t
W=$(mktemp -d)
PIDS=()
DAEMON=
cleanup()
{
	[ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null
	kill "${PIDS[@]}" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

until_ok()
{
	local i

	for i in $(seq $(($1 * 2))); do
		"${@:2}" && return 0
		sleep 0.5
	done
	return 1
}

# last TOPIC: the payload of the last message on TOPIC
last() { grep "^$1 " "$W/mqtt.log" | tail -1 | cut -d' ' -f2-; }
# disc OBJECT: the discovery config of sensor OBJECT
disc() { last "homeassistant/sensor/p1t/$1/config"; }

# check NAME CMD...: one KTAP result
check()
{
	local name=$1

	shift
	if "$@"; then
		ktap_test_pass "$name"
	else
		ktap_test_fail "$name"
	fi
}

has() { echo "$1" | grep -q "$2"; }

ktap_print_header
ktap_set_plan 9

printf 'listener %s 127.0.0.1\nallow_anonymous true\nuser root\n' $PORT > "$W/mosquitto.conf"
mosquitto -c "$W/mosquitto.conf" > "$W/mosquitto.log" 2>&1 &
PIDS+=($!)
until_ok 20 mosquitto_sub -p $PORT -h localhost -t '$SYS/broker/version' -C 1 -W 1 >/dev/null 2>&1 ||
	ktap_exit_fail_msg "mosquitto did not start"
mosquitto_sub -p $PORT -h localhost -v -t 'smcard/#' -t 'homeassistant/#' > "$W/mqtt.log" 2>&1 &
PIDS+=($!)

p1-meter --device /dev/smcard-sim-p1 --req-file "$SIM/p1_req" --flavour xs211-3ph \
	--tz Europe/Stockholm > "$W/emu.log" 2>&1 &
EMU=$!
PIDS+=($EMU)
cat > "$W/smcardd.conf" <<C
[general]
name = p1t
[mqtt]
host = localhost
port = $PORT
[spool]
path = $W/spool.db
[p1]
device = /dev/ttySIM2
request_line = P1_REQ
interval = 0
timezone = Europe/Stockholm
exclude = *_l2_* voltage_swells_*
C
smcardd --foreground -c "$W/smcardd.conf" > "$W/smcardd.log" 2>&1 &
DAEMON=$!

if until_ok 60 grep -q "^$T/p1 .*reactive_q4_kvarh" "$W/mqtt.log"; then
	p=$(last $T/p1)
	missing=
	for k in import_kwh import_t8_kwh export_t8_kwh reactive_q1_kvarh reactive_q4_kvarh \
		apparent_import_kvah apparent_export_kvah power_import_w reactive_power_import_var \
		apparent_power_import_va average_demand_w peak_demand_w peak_demand_month_time \
		voltage_l1_v voltage_l3_v current_l3_a reactive_power_l3_export_var tariff \
		breaker_state power_failures long_power_failures voltage_sags_l1 meter_time \
		equipment_id variant; do
		has "$p" "\"$k\":" || missing="$missing $k"
	done
	check "p1: every register of the three-phase XS211 published${missing:+, missing$missing}" \
		test -z "$missing"
	check "p1: [p1] exclude drops L2 values and swell counters" \
		bash -c "! echo '$p' | grep -qE '\"(voltage_l2_v|current_l2_a|power_l2_import_w|voltage_swells_l1)\":'"
	check "p1: breaker by name, meter time in UTC" \
		bash -c "echo '$p' | grep -q '\"breaker_state\":\"connected\"' &&
			 echo '$p' | grep -qE '\"meter_time\":\"20[0-9-]{8}T[0-9:]{8}Z\"'"
else
	sed 's/^/# /' "$W/smcardd.log" | tail -20
	ktap_test_fail "p1: every register of the three-phase XS211 published"
	ktap_test_fail "p1: [p1] exclude drops L2 values and swell counters"
	ktap_test_fail "p1: breaker by name, meter time in UTC"
fi

until_ok 20 grep -q "^homeassistant/sensor/p1t/p1_voltage_sags_l1/config " "$W/mqtt.log"
check "discovery: energy total_increasing kWh, reactive power var, apparent energy kVAh" \
	bash -c "echo '$(disc p1_import_t8_kwh)' | grep -q '\"unit_of_measurement\":\"kWh\",\"device_class\":\"energy\",\"state_class\":\"total_increasing\"' &&
		 echo '$(disc p1_reactive_power_l1_import_var)' | grep -q '\"unit_of_measurement\":\"var\",\"device_class\":\"reactive_power\",\"state_class\":\"measurement\"' &&
		 echo '$(disc p1_apparent_import_kvah)' | grep -q '\"unit_of_measurement\":\"kVAh\",\"state_class\":\"total_increasing\"'"
check "discovery: counters and meter identity are diagnostics" \
	bash -c "echo '$(disc p1_voltage_sags_l1)' | grep -q '\"entity_category\":\"diagnostic\"' &&
		 echo '$(disc p1_equipment_id)' | grep -q '\"entity_category\":\"diagnostic\"' &&
		 echo '$(disc p1_meter_time)' | grep -q '\"device_class\":\"timestamp\"' &&
		 ! echo '$(disc p1_power_import_w)' | grep -q entity_category"
check "discovery: no entity for what is excluded" \
	bash -c "! grep -q '^homeassistant/sensor/p1t/p1_voltage_l2_v/config ' '$W/mqtt.log'"

# the log goes out once, not with every telegram
sleep 2
n=$(grep -c "^$T/p1/power_failure_log " "$W/mqtt.log")
check "power failure log on its own topic, once ($n), with its 4 entries" \
	bash -c "[ '$n' = 1 ] && echo '$(last $T/p1/power_failure_log)' | grep -q '\"count\":4,\"unit\":\"s\",\"entries\":\\[{\"time\":'"

# A Dutch meter on the same port: the gas meter's reading has its own time
kill "$EMU"
wait "$EMU" 2>/dev/null
p1-meter --device /dev/smcard-sim-p1 --req-file "$SIM/p1_req" --flavour dsmr5 \
	--start 1718274100 > "$W/emu.log" 2>&1 &
PIDS+=($!)
if until_ok 60 grep -q "^$T/p1/mbus1 " "$W/mqtt.log"; then
	m=$(last $T/p1/mbus1)
	check "M-Bus gas meter on p1/mbus1 at its reading time: $m" \
		bash -c "echo '$m' | grep -q '^{\"time\":\"2024-06-13T10:20:00Z\",\"utc_offset\":\"+02:00\",\"channel\":1,\"device_type\":3,\"medium\":\"gas\"'"
	until_ok 20 grep -q "^homeassistant/sensor/p1t/p1_mbus1_value/config " "$W/mqtt.log"
	check "discovery: the gas meter is gas, m³, total_increasing" \
		bash -c "echo '$(disc p1_mbus1_value)' | grep -q '\"state_topic\":\"$T/p1/mbus1\".*\"unit_of_measurement\":\"m³\",\"device_class\":\"gas\",\"state_class\":\"total_increasing\"'"
else
	sed 's/^/# /' "$W/smcardd.log" | tail -20
	ktap_test_fail "M-Bus gas meter on p1/mbus1"
	ktap_test_fail "discovery: the gas meter is gas, m³, total_increasing"
fi

kill "$DAEMON"
wait "$DAEMON" 2>/dev/null
DAEMON=
ktap_finished
