#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared by the gateway tests: the end-to-end helpers (broker, daemon,
# configuration, waits) and what the gateway adds: a subscriber that
# stamps each message with its arrival time, and the Modbus map file.
. "$(dirname "$0")/../e2e/e2e_lib.sh"
T=smcard/e2e
MBPORT=1502

# Every message under smcard/# as "ARRIVAL TOPIC PAYLOAD" (ARRIVAL: Unix
# time with nanoseconds, taken by mosquitto_sub) in $W/stamped.log.
stamped()
{
	mosquitto_sub -h localhost -F '%U %t %p' -t 'smcard/#' > "$W/stamped.log" 2>&1 &
	E2E_PIDS+=($!)
}

# count REGEX: lines of the stamped log that match
count() { grep -cE "$1" "$W/stamped.log"; }

# has_count REGEX N: at least N such lines
has_count() { [ "$(count "$1")" -ge "$2" ]; }

# within SECONDS CMD...: run CMD every 0.2 s until it succeeds, for at most
# SECONDS of wall time (until_ok counts tries, which a slow VM stretches)
within()
{
	local end=$((${EPOCHREALTIME/./} + $1 * 1000000))

	until "${@:2}"; do
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# wait_count REGEX N [SECONDS]: until there are at least N such lines
wait_count() { within "${3:-20}" has_count "$1" "$2"; }

# wait_mqtt REGEX [SECONDS]: a line of the recorded MQTT log matches
wait_mqtt() { within "${2:-30}" grep -qsE "$1" "$W/mqtt.log"; }

# slot KIND/NAME: the source slot the Modbus server gave it (from map_file)
slot()
{
	within 20 grep -q "slot [0-9]*: $1\( \|$\)" "$W/map.conf" || return 1
	sed -n "s/^#   slot \([0-9]*\): $(echo "$1" | sed 's|/|\\/|g')\( .*\)\{0,1\}$/\1/p" "$W/map.conf"
}

# mb ARGS...: one mbpoll exchange with the daemon's server (0-based addresses)
mb() { mbpoll -m tcp -p $MBPORT -a 1 -0 -1 -o 3 "$@" 127.0.0.1 </dev/null 2>&1; }

# mbw VALUE ARGS...: write VALUE with mbpoll
mbw() { local v=$1; shift; mbpoll -m tcp -p $MBPORT -a 1 -0 -1 -o 3 "$@" 127.0.0.1 "$v" </dev/null 2>&1; }

# mb_value OUTPUT ADDRESS: the value mbpoll printed for ADDRESS
mb_value() { echo "$1" | sed -n "s/^\[$2\]:[[:space:]]*\([^[:space:]]*\).*/\1/p"; }
