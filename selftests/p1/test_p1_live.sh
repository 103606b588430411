#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# P1 live, through the simulated P1 UART: the XS211-like emulator on the
# simulator's P1 peer sends only while P1_REQ is asserted; `smcardctl p1
# read` asserts it through libgpiod and reads telegrams from the card's
# P1 tty at 115200 8N1. Each flavour of the emulator (DSMR 5, Swedish,
# XS211 single phase, XS211 three phase) comes through with good CRCs,
# the right variant and every object named; an Irish meter's clock reads
# right in Europe/Dublin and an hour off in the default zone.
. "$(dirname "$0")/../lib/helpers.sh"

TTY=/dev/ttySIM2
tmp=$(mktemp -d)
EMU=
cleanup() { [ -n "$EMU" ] && kill "$EMU" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# emulate ARGS...: a meter on the P1 peer until the next one
emulate()
{
	[ -n "$EMU" ] && { kill "$EMU" 2>/dev/null; wait "$EMU" 2>/dev/null; }
	p1-meter --device /dev/smcard-sim-p1 --req-file "$SIM/p1_req" "$@" \
		> "$tmp/emu.log" 2>&1 &
	EMU=$!
}

# count TEXT STRING: REPLY = how often TEXT occurs in STRING (bash only:
# under TCG every process started costs)
count()
{
	local rest=${2//"$1"/}

	REPLY=$(((${#2} - ${#rest}) / ${#1}))
}

ktap_print_header
ktap_set_plan 8

emulate --flavour swedish
if [ "$(cat "$SIM/p1_req")" = 0 ]; then
	ktap_test_pass "P1_REQ is released while nobody reads"
else
	ktap_test_fail "P1_REQ is released while nobody reads"
fi

# Released: the meter stays silent.
if smcardctl p1 read --device "$TTY" --no-req --timeout 3 > "$tmp/none" 2>&1; then
	ktap_test_fail "no telegram while P1_REQ is released"
else
	ktap_test_pass "no telegram while P1_REQ is released"
fi

# read_flavour NAME [EMULATOR ARGS]: one telegram of that flavour in $tmp/NAME
# (READ_ARGS: more for smcardctl)
read_flavour()
{
	local f=$1
	shift

	emulate --flavour "$f" "$@"
	smcardctl p1 read --device "$TTY" --timeout 20 --json $READ_ARGS > "$tmp/$f" 2>"$tmp/err"
}

# check_flavour NAME VARIANT STATUS OBJECT...: a good CRC, the variant,
# these object names present (!NAME: absent), every object named, no
# warning
check_flavour()
{
	local f=$1 variant=$2 rc=$3 missing= o named j=

	shift 3
	read -r -d '' j < "$tmp/$f"
	for o in "$@"; do
		case $o in
		!*) [[ $j == *"\"name\":\"${o#!}\""* ]] && missing="$missing $o" ;;
		*) [[ $j == *"\"name\":\"$o\""* ]] || missing="$missing $o" ;;
		esac
	done
	count '"obis":' "$j"
	named=$REPLY
	count '"name":' "$j"
	named=$((named - REPLY))
	count '"crc_ok":true' "$j"
	if [ "$rc" = 0 ] && [ "$REPLY" = 1 ] &&
	   [ -z "$missing" ] && [ "$named" = 0 ] &&
	   [[ $j == *"\"variant\":\"$variant\""* ]] &&
	   [[ $j != *'"level":"warning"'* ]]; then
		ktap_test_pass "$f: good CRC, variant $variant, every object named"
	else
		sed 's/^/# /' "$tmp/err" | tail -5
		ktap_test_fail "$f: status $rc, variant $variant?, unnamed $named, missing:$missing"
	fi
}

read_flavour dsmr5
check_flavour dsmr5 dsmr5 $? energy_import_tariff2 mbus_reading power_failure_log \
	voltage_sags_l3 text_message
read_flavour swedish
check_flavour swedish swedish $? energy_import_total reactive_energy_export_total \
	reactive_power_import_l3 reactive_power_export_l1 current_l2
read_flavour xs211-3ph
check_flavour xs211-3ph swedish $? energy_import_tariff8 reactive_energy_q2_total \
	apparent_power_export voltage_l3 current_l3 reactive_power_export_l3 voltage_swells_l3

# An Irish XS211: 2024-07-01 12:00 UTC is 13:00 on its clock (IST)
READ_ARGS="--tz Europe/Dublin" read_flavour xs211 --tz Europe/Dublin --start 1719835200
check_flavour xs211 swedish $? energy_import_tariff8 energy_export_tariff8 \
	reactive_energy_q1_total reactive_energy_q4_total apparent_energy_import_total \
	apparent_energy_export_total average_demand peak_demand_month breaker_state \
	power_failure_log voltage_sags_l1 voltage_l1 '!voltage_l2' '!current_l3'
read -r -d '' j < "$tmp/xs211"
if [[ $j =~ \"value\":\"2407011300[0-9][0-9]S\",\"timestamp\":\"2024-07-01T12:00:[0-9][0-9]Z\",\"utc_offset\":\"\+01:00\" ]]; then
	ktap_test_pass "Irish meter time read in Europe/Dublin: 13:00 IST is 12:00 UTC"
else
	grep -o '"obis": *"0-0:1.0.0"[^}]*' "$tmp/xs211" | sed 's/^/# /'
	ktap_test_fail "Irish meter time read in Europe/Dublin"
fi

if [ "$(cat "$SIM/p1_req")" = 0 ]; then
	ktap_test_pass "P1_REQ is released again after the reads"
else
	ktap_test_fail "P1_REQ is released again after the reads"
fi

ktap_finished
