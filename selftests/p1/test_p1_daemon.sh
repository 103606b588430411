#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcardd publishes everything a P1 meter says, through the simulated P1
# UART and a real mosquitto broker: the three-phase XS211's every register
# in normalised units, Home Assistant discovery with the right classes and
# diagnostics, the power failure log on its own topic, the [p1] exclude
# list; then a DSMR 5 meter on the same port, whose gas meter comes on
# p1/mbus1 with its own reading time. The checks are bash builtins on the
# recorded MQTT log: under TCG every process started costs.
. /usr/lib/smcard/ktap_helpers.sh

SIM=/sys/kernel/debug/smcard-sim
PORT=18883
T=smcard/p1t
H=homeassistant/sensor/p1t
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

# load: the last payload of each topic in the MQTT log, and how often it came
declare -A LAST COUNT
load()
{
	local topic payload

	LAST=()
	COUNT=()
	while IFS=' ' read -r topic payload; do
		LAST[$topic]=$payload
		COUNT[$topic]=$((${COUNT[$topic]:-0} + 1))
	done < "$W/mqtt.log"
}

# until_seen SECONDS TOPIC TEXT: until TOPIC's last payload holds TEXT
until_seen()
{
	local i

	for ((i = 0; i < $1 * 2; i++)); do
		load
		[ -n "${LAST[$2]+set}" ] && [[ ${LAST[$2]} == *"$3"* ]] && return 0
		sleep 0.5
	done
	return 1
}

# holds TOPIC TEXT...: the last payload of TOPIC holds every TEXT
holds()
{
	local topic=$1 text

	shift
	for text in "$@"; do
		[[ ${LAST[$topic]} == *"$text"* ]] || { echo "# $topic lacks $text"; return 1; }
	done
}

# lacks TOPIC TEXT...: and none of these
lacks()
{
	local topic=$1 text

	shift
	for text in "$@"; do
		[[ ${LAST[$topic]} != *"$text"* ]] || { echo "# $topic has $text"; return 1; }
	done
}

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

ktap_print_header
ktap_set_plan 9

printf 'listener %s 127.0.0.1\nallow_anonymous true\nuser root\n' $PORT > "$W/mosquitto.conf"
mosquitto -c "$W/mosquitto.conf" > "$W/mosquitto.log" 2>&1 &
PIDS+=($!)
for ((i = 0; i < 40; i++)); do
	mosquitto_sub -p $PORT -h localhost -t '$SYS/broker/version' -C 1 -W 1 >/dev/null 2>&1 && break
	sleep 0.5
done
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
interval = 3s
timezone = Europe/Stockholm
exclude = *_l2_* voltage_swells_*
C
smcardd --foreground -c "$W/smcardd.conf" > "$W/smcardd.log" 2>&1 &
DAEMON=$!

keys=()
for k in import_kwh import_t8_kwh export_t8_kwh reactive_q1_kvarh reactive_q4_kvarh \
	apparent_import_kvah apparent_export_kvah power_import_w reactive_power_import_var \
	apparent_power_import_va average_demand_w peak_demand_w peak_demand_month_time \
	voltage_l1_v voltage_l3_v current_l3_a reactive_power_l3_export_var tariff \
	breaker_state power_failures long_power_failures voltage_sags_l1 meter_time \
	equipment_id variant; do
	keys+=("\"$k\":")
done
if until_seen 90 $T/p1 '"reactive_q4_kvarh":' &&
   until_seen 30 $H/p1_voltage_sags_l1/config '"state_topic"'; then
	check "p1: every register of the three-phase XS211 published" holds $T/p1 "${keys[@]}"
	check "p1: [p1] exclude drops L2 values and swell counters" \
		lacks $T/p1 '"voltage_l2_v":' '"current_l2_a":' '"power_l2_import_w":' '"voltage_swells_l1":'
	check "p1: breaker by name, meter time in UTC" \
		holds $T/p1 '"breaker_state":"connected"' '"meter_time":"20' 'Z","equipment_id":"XS211000123456"'
	check "discovery: energy total_increasing kWh, reactive power var, apparent energy kVAh" \
		eval 'holds $H/p1_import_t8_kwh/config \
			"\"unit_of_measurement\":\"kWh\",\"device_class\":\"energy\",\"state_class\":\"total_increasing\"" &&
		      holds $H/p1_reactive_power_l1_import_var/config \
			"\"unit_of_measurement\":\"var\",\"device_class\":\"reactive_power\",\"state_class\":\"measurement\"" &&
		      holds $H/p1_apparent_import_kvah/config \
			"\"unit_of_measurement\":\"kVAh\",\"state_class\":\"total_increasing\""'
	check "discovery: counters and meter identity are diagnostics" \
		eval 'holds $H/p1_voltage_sags_l1/config "\"entity_category\":\"diagnostic\"" &&
		      holds $H/p1_equipment_id/config "\"entity_category\":\"diagnostic\"" &&
		      holds $H/p1_meter_time/config "\"device_class\":\"timestamp\"" &&
		      lacks $H/p1_power_import_w/config entity_category'
	check "discovery: no entity for what is excluded" \
		test -z "${LAST[$H/p1_voltage_l2_v/config]+set}"
	# the log goes out once, not with every telegram
	check "power failure log on its own topic, once (${COUNT[$T/p1/power_failure_log]}), with its 4 entries" \
		eval '[ "${COUNT[$T/p1/power_failure_log]}" = 1 ] &&
		      holds $T/p1/power_failure_log "\"count\":4,\"unit\":\"s\",\"entries\":[{\"time\":"'
else
	sed 's/^/# /' "$W/smcardd.log" | tail -20
	for t in "every register" "exclude" "breaker" "discovery classes" "diagnostics" \
		"excluded entity" "power failure log"; do
		ktap_test_fail "p1: no complete reading and discovery ($t)"
	done
fi

# A Dutch meter on the same port: the gas meter's reading has its own time
kill "$EMU"
wait "$EMU" 2>/dev/null
p1-meter --device /dev/smcard-sim-p1 --req-file "$SIM/p1_req" --flavour dsmr5 \
	--start 1718274100 > "$W/emu.log" 2>&1 &
PIDS+=($!)
if until_seen 60 $T/p1/mbus1 '"value":' &&
   until_seen 30 $H/p1_mbus1_value/config '"state_topic"'; then
	check "M-Bus gas meter on p1/mbus1 at its reading time: ${LAST[$T/p1/mbus1]}" \
		holds $T/p1/mbus1 '{"time":"2024-06-13T10:20:00Z","id":' \
			'"utc_offset":"+02:00","channel":1,"device_type":3,"medium":"gas"'
	check "discovery: the gas meter is gas, m³, total_increasing" \
		holds $H/p1_mbus1_value/config "\"state_topic\":\"$T/p1/mbus1\"" \
			'"unit_of_measurement":"m³","device_class":"gas","state_class":"total_increasing"'
else
	sed 's/^/# /' "$W/smcardd.log" | tail -20
	ktap_test_fail "M-Bus gas meter on p1/mbus1"
	ktap_test_fail "discovery: the gas meter is gas, m³, total_increasing"
fi

ktap_finished
