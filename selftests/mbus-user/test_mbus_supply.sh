#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The supply-aware M-Bus master: the simulator's VDC input and bus load
# (debugfs vdc_mv, mbus_loads: 1.5 mA per unit load) against what the
# kernel derives and enforces: the load budget (250 unit loads at 30 V,
# 64 at 24 V, linear in between and down to none at the 21 V bus
# minimum), the supply's over-current limit (budget + 20 mA, in the IO
# controller's MBUS_OC_LIMIT), the values in bus-get (smcardctl mbus
# list), a refused switch-on at and below the bus minimum, a trip when the
# load exceeds the limit (and none at the limit), and the scan's warning
# when more meters answer than the budget allows.
. "$(dirname "$0")/mbus_user_lib.sh"

SIM=/sys/kernel/debug/smcard-sim

# field NAME: a value from 'smcardctl mbus list --json'
field()
{
	smcardctl mbus list --json | tr -d ' \n' | grep -o "\"$1\":[a-z0-9]*" |
		head -1 | cut -d: -f2
}

# until_field NAME VALUE: wait (up to 10 s) for the interface to show it;
# a supply fault reaches the kernel through the controller's interrupt
until_field()
{
	local _

	for _ in $(seq 100); do
		[ "$(field "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# oc_limit: the controller's MBUS_OC_LIMIT register (0x80, 16 bit LE), mA
oc_limit()
{
	local lo hi

	read -r lo hi < <(awk '$1 == "00000080:" { print $2, $3 }' "$SIM/regs")
	echo $((0x$hi$lo))
}

# supply MV LOADS: the card's VDC input and the load on the bus, supply off
supply()
{
	smcardctl mbus power off >/dev/null 2>&1
	echo "$1" > "$SIM/vdc_mv"
	echo "$2" > "$SIM/mbus_loads"
}

restore()
{
	supply 30000 0
	smcardctl mbus power on >/dev/null 2>&1
}

ktap_print_header
ktap_set_plan 11
mu_bus_ready 9600
trap 'restore; mu_cleanup' EXIT

# --- 30 V: the full budget ---
supply 30000 250
smcardctl mbus power on >/dev/null 2>"$TMP/err"
check "30 V, 250 loads: on; 250 unit loads, limit 395 mA (register 395), 375 mA drawn" \
	"true 30000 250 395000 395 375000" \
	"$(field power) $(field supply_mv) $(field unit_loads) $(field current_limit_ua) $(oc_limit) $(field current_ua)"
# 263 unit loads draw 394.5 mA, 264 draw 396 mA: the controller decides
# when the load is written, so its latch and supply show it at once
echo 263 > "$SIM/mbus_loads"
check "30 V: 263 loads (394.5 mA) stay within the 395 mA limit" "0 1" \
	"$(cat "$SIM/mbus_overcurrent") $(cat "$SIM/mbus_power")"
echo 264 > "$SIM/mbus_loads"
until_field over_current true
check "30 V: 264 loads (396 mA) trip the limit; the kernel sees the trip" \
	"1 0 false true" \
	"$(cat "$SIM/mbus_overcurrent") $(cat "$SIM/mbus_power") $(field power) $(field over_current)"

# --- 24 V: 64 unit loads ---
supply 24000 64
smcardctl mbus power on >/dev/null 2>"$TMP/err"
check "24 V, 64 loads: on; 64 unit loads, limit 116 mA (register 116), 96 mA drawn" \
	"true 24000 64 116000 116 96000" \
	"$(field power) $(field supply_mv) $(field unit_loads) $(field current_limit_ua) $(oc_limit) $(field current_ua)"
supply 24000 78
out=$(smcardctl mbus power on 2>&1)
rc=$?
ktap_print_msg "power on at 24 V with 78 loads: $out"
until_field over_current true
check "24 V, 78 loads (117 mA): switching on trips the 116 mA limit" \
	"1 false true" "$rc $(field power) $(field over_current)"

# --- in between: linear, rounded down ---
supply 27000 0
smcardctl mbus power on >/dev/null 2>&1
check "27 V: 157 unit loads, limit 255 mA" "true 157 255000 255" \
	"$(field power) $(field unit_loads) $(field current_limit_ua) $(oc_limit)"

# --- under-voltage: refused ---
supply 20000 0
out=$(smcardctl mbus power on 2>&1)
rc=$?
ktap_print_msg "power on at 20 V: $out"
check "20 V: switching on is refused, naming the bus minimum; no budget" \
	"1 yes false 0 0" \
	"$rc $(echo "$out" | grep -q 'below the bus minimum' && echo yes) $(field power) $(field unit_loads) $(cat "$SIM/mbus_power")"
supply 21000 0
out=$(smcardctl mbus power on 2>&1)
rc=$?
ktap_print_msg "power on at 21 V: $out"
check "21 V: no unit load fits, switching on is refused" \
	"1 yes false 0" \
	"$rc $(echo "$out" | grep -q 'feeds no unit load' && echo yes) $(field power) $(field unit_loads)"

# --- scan: more meters than the budget ---
# 21.1 V feeds 2 unit loads (limit 23 mA); three meters at primary
# addresses 1..3 draw 4.5 mA. The emulator answers from a process in the
# guest: a scan that missed a meter is run again.
# scan_meters OUT: scan 1..3 into OUT.json and OUT.err, up to three times
# until it finds all three; prints the number found
scan_meters()
{
	local attempt n=0

	for attempt in 1 2 3; do
		smcardctl mbus scan --first 1 --last 3 --json \
			--timeout-extra "${MBUS_USER_EXTRA:-50}" \
			> "$1.json" 2>"$1.err"
		n=$(tr -d ' \n' < "$1.json" | grep -o '"primary":' | wc -l)
		[ "$n" = 3 ] && break
		ktap_print_msg "scan attempt $attempt found $n of 3 meters"
	done
	echo "$n"
}
supply 21100 3
smcardctl mbus power on >/dev/null 2>&1
mu_emu_start --baud 9600 \
	--meter "1=$here/heat_lug_multi_1.hex,$here/heat_lug_multi_2.hex" \
	--meter "2=$here/read100.hex" --meter "3=$here/water_oms_mode5.hex"
n=$(scan_meters "$TMP/over")
ktap_print_msg "$(grep warning "$TMP/over.err")"
check "21.1 V: 2 unit loads, limit 23 mA, 4.5 mA drawn" "true 2 23000 23 4500" \
	"$(field power) $(field unit_loads) $(field current_limit_ua) $(oc_limit) $(field current_ua)"
check "scan: 3 meters on a 2-load budget give a warning (stderr and JSON)" \
	"3 yes yes" \
	"$n $(grep -q 'warning: 3 meters answered, but the 21.1 V supply feeds 2 unit loads' "$TMP/over.err" && echo yes) $(tr -d '\n' < "$TMP/over.json" | grep -q '"warning": *"3 meters answered' && echo yes)"
supply 24000 3
smcardctl mbus power on >/dev/null 2>&1
n=$(scan_meters "$TMP/within")
check "scan: the same 3 meters within the budget (24 V): no warning" \
	"3 0 0" \
	"$n $(grep -c warning "$TMP/within.err") $(grep -c '"warning"' "$TMP/within.json")"
mu_emu_stop
ktap_finished
