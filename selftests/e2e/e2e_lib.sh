#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared by the end-to-end tests: a mosquitto broker, the emulated meters
# on the simulator's peers, smcardd with a generated configuration, and
# helpers to wait for MQTT messages. Every wait is bounded.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/../lib/helpers.sh"
S=/sys/kernel/debug/smcard-sim
sim_debugfs
W=$(mktemp -d /tmp/e2e.XXXXXX)
E2E_PIDS=()
DAEMON=
BROKER=

e2e_cleanup()
{
	local i

	[ -n "$DAEMON" ] && kill -TERM "$DAEMON" 2>/dev/null
	kill "${E2E_PIDS[@]}" $BROKER 2>/dev/null
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "${E2E_PIDS[@]}" $DAEMON $BROKER 2>/dev/null || break
		sleep 0.3
	done
	kill -KILL "${E2E_PIDS[@]}" $DAEMON $BROKER 2>/dev/null
	rm -rf "$W"
}
trap e2e_cleanup EXIT

# The broker keeps its sessions in $W across a restart (as root: the
# directory is private), so a subscriber with a persistent session misses
# nothing while the broker or the subscriber is away.
broker_start()
{
	printf 'listener 1883 127.0.0.1\nallow_anonymous true\nuser root\npersistence true\npersistence_location %s/\n' \
		"$W" > "$W/mosquitto.conf"
	mosquitto -c "$W/mosquitto.conf" >> "$W/mosquitto.log" 2>&1 &
	BROKER=$!
	until_ok 60 broker_answers
}

# the broker answers, and it is this one (no other one left running)
broker_answers()
{
	mosquitto_sub -h localhost -t '$SYS/broker/version' -C 1 -W 1 >/dev/null 2>&1 &&
		kill -0 "$BROKER" 2>/dev/null
}

broker_stop()
{
	kill "$BROKER" 2>/dev/null
	wait "$BROKER" 2>/dev/null
	BROKER=
}

# stamped FILE: every reading as "RECEIPT_UNIX_TIME TOPIC PAYLOAD"
stamped()
{
	mosquitto_sub -h localhost -R -F '%U %t %p' -t 'smcard/#' > "$1" 2>&1 &
	E2E_PIDS+=($!)
}

# Record every message under smcard/# and homeassistant/# in $W/mqtt.log.
record()
{
	mosquitto_sub -h localhost -v -t 'smcard/#' -t 'homeassistant/#' > "$W/mqtt.log" 2>&1 &
	E2E_PIDS+=($!)
}

# session_sub FILE: subscribe to smcard/# with a persistent QoS 1 session,
# "MID TOPIC PAYLOAD" per line; mosquitto_sub reconnects by itself. The
# retained copy the broker sends on each (re)subscription is an old
# reading, not a delivery: -R leaves it out.
session_sub()
{
	mosquitto_sub -h localhost -c -i e2e-session -q 1 -R -F '%m %t %p' -t 'smcard/#' > "$1" 2>&1 &
	E2E_PIDS+=($!)
}

# session_keys FILE: its readings as "TOPIC TIME"; a redelivery by the
# broker (same message id and content) is not a second reading
session_keys()
{
	awk '!seen[$0]++' "$1" | cut -d' ' -f2- | mqtt_keys
}

# Meters: p1 mbus modbus (any subset)
meters()
{
	local m

	for m in "$@"; do
		case $m in
		p1) p1-meter --device /dev/smcard-sim-p1 --req-file $S/p1_req --flavour dsmr5 \
			--sent-log "$W/p1_sent.log" > "$W/p1.log" 2>&1 & ;;
		mbus) mbus-meters --device /dev/smcard-sim-mbus --meter "5=$here/water_pad_doc_example.hex" \
			--meter "7=$here/heat_kam_multical.hex" > "$W/mbus.log" 2>&1 & ;;
		modbus) modbus-meter --rtu /dev/smcard-sim-serial --baud 9600 --parity E --slave 1 \
			--seq-file "$W/seq" > "$W/modbus.log" 2>&1 & ;;
		esac
		E2E_PIDS+=($!)
	done
}

# Config sections on stdin are appended to the common head ($SPOOL: the
# spool's path, default $W/spool.db).
config()
{
	{
		printf '[general]\nname = e2e\n[mqtt]\nhost = localhost\n'
		printf '[jsonl]\npath = %s/readings.jsonl\n[spool]\npath = %s\n' "$W" "${SPOOL:-$W/spool.db}"
		cat
	} > "$W/smcardd.conf"
}

daemon_start()
{
	smcardd --foreground -c "$W/smcardd.conf" >> "$W/smcardd.log" 2>&1 &
	DAEMON=$!
}

daemon_stop()
{
	kill -"${1:-TERM}" "$DAEMON" 2>/dev/null
	wait "$DAEMON" 2>/dev/null
	DAEMON=
}

# wait_for REGEX [SECONDS]: a line of the MQTT log matches. In this area
# wait_for waits for MQTT messages, not for a command (until_ok does that).
wait_for() { until_ok "${2:-30}" grep -qsE "$1" "$W/mqtt.log"; }

# last TOPIC: the payload of the last message on TOPIC
last()
{
	grep "^$1 " "$W/mqtt.log" | tail -1 | cut -d' ' -f2-
}

# num PAYLOAD KEY: a number member of a JSON object
num()
{
	echo "$1" | grep -oE "\"$2\":-?[0-9.eE+-]+" | head -1 | cut -d: -f2
}

export -f near num

# Readings as "TOPIC TIME" lines: from the JSON lines file, and from the
# MQTT log (state topics only)
jsonl_keys()
{
	sed -n 's/^{"topic":"\([^"]*\)","time":"\([^"]*\)".*/\1 \2/p' "$W/readings.jsonl"
}

mqtt_keys()
{
	sed -n 's/^\(smcard\/[^ ]*\) {"time":"\([^"]*\)".*/\1 \2/p' "$@"
}

e2e_dump()
{
	echo "# --- smcardd log"
	sed 's/^/# /' "$W/smcardd.log" | tail -30
	echo "# --- mosquitto log"
	sed 's/^/# /' "$W/mosquitto.log" | tail -15
}
