#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcardctl mbus against the mbus-meters emulator on the simulator's
# M-Bus peer: the primary scan and the secondary search each find exactly
# the emulated meters (including IDs that differ only in manufacturer,
# version or medium), read returns the emulator's telegrams (also when
# answers are lost: the repeat keeps the FCB), set-address, reset,
# monitor. MBUS_USER_METERS sets the number of meters of the primary scan
# (250), MBUS_USER_SEARCH_METERS that of the secondary search (60; 250 in
# make stress, stress_mbus_search.sh) and MBUS_USER_EXTRA the extra reply
# time in ms that the commands allow the emulator, a process in a TCG guest
# (50; the 250-meter search at 38400 Bd takes about 4 min without it and
# 6.5 min with it, nearly all of it in the reply windows of ~3000
# absent-address probes; 60 meters take about 1.5 min). MBUS_USER_REAL_METERS
# (10, one ID twin among them) meters answer with realistic reply delays
# for a second secondary search: collisions are garbage there.
. "$(dirname "$0")/mbus_user_lib.sh"


ktap_print_header
ktap_set_plan 15
mu_bus_ready 9600
# only the commands that talk to meters take --timeout-extra
extra=${MBUS_USER_EXTRA:-50}
scan() { smcardctl mbus scan --timeout-extra "$extra" "$@"; }
mread() { smcardctl mbus read --timeout-extra "$extra" "$@"; }

n=${MBUS_USER_METERS:-250}
ns=${MBUS_USER_SEARCH_METERS:-60}

# --- primary scan of 0..250 ---
mbus-meters --generate "$n" --seed 5 --list |
	awk '{ print $3, $1 }' | sort -n > "$TMP/expect"
mu_emu_start --generate "$n" --seed 5 --baud 9600
# the emulator answers from a process in the guest: a stall of the VM can
# make it miss the reply window (330 bit times + 50 ms + the extra time)
primaries()
{
	tr -d ' \n' | grep -o '"secondary":"[0-9A-F]*"[^}]*"primary":[0-9]*' |
		sed 's/"secondary":"\([0-9A-F]*\)".*"primary":\([0-9]*\)/\2 \1/'
}
# The primary scan asks an unanswered or damaged address once more, as a
# master on a real bus does: without, one damaged answer of the emulator
# (once in three runs) hid a meter.
mu_scan "primary scan finds the $n meters at their addresses" "$TMP/expect" \
	$((330 * 1000 / 9600 + 50 + extra)) primaries --retries 1

# From here on a command that fails while the emulator stalled is asked
# again (stall_retry): the answers come from a process in the guest.
stall_start "$TMP/stalls"

# --- read a multi-telegram meter, with and without lost answers ---
# read_both: both telegrams, in order, in $TMP/got (the expected: $TMP/want)
read_both()
{
	mread 7 --json > "$TMP/read.json" 2>"$TMP/read.err"
	grep '"raw"' "$TMP/read.json" | sed 's/.*"raw":"\([^"]*\)".*/\1/' > "$TMP/raw"
	for i in 1 2; do
		sed -n "${i}p" "$TMP/raw" | telegram_core > "$TMP/got$i"
	done
	cat "$TMP/got1" "$TMP/got2" > "$TMP/got"
	cmp -s "$TMP/want" "$TMP/got"
}
for i in 1 2; do
	telegram_core < "$here/heat_lug_multi_$i.hex" > "$TMP/want$i"
done
cat "$TMP/want1" "$TMP/want2" > "$TMP/want"
for drop in 0 2; do
	mu_emu_start --baud 9600 --drop-every "$drop" --generate 3 --seed 9 \
		--meter "7=$here/heat_lug_multi_1.hex,$here/heat_lug_multi_2.hex"
	stall_retry read_both
	lost="no answer lost"
	[ "$drop" = 0 ] || lost="1 answer in $drop lost"
	check_files "read returns both telegrams in order ($lost)" \
		"$TMP/want" "$TMP/got"
done

# --- read by secondary address, set-address, reset ---
sec=$(mbus-meters --generate 3 --seed 9 --list | awk 'NR == 2 { print $1 }')
id=$(mbus-meters --generate 3 --seed 9 --list | awk 'NR == 2 { print $5 }')
# answers ADDRESS PATTERN: a read of ADDRESS prints a line with PATTERN
answers() { mread "$1" 2>&1 | grep -q "$2"; }
set_address() { smcardctl mbus set-address --timeout-extra "$extra" "$@" >/dev/null 2>&1; }
reset() { smcardctl mbus reset --timeout-extra "$extra" "$1" >/dev/null 2>&1; }
ok "read by secondary address" stall_retry answers "$sec" "id $id"
stall_retry set_address "$sec" 99
ok "set-address: the meter answers at the new address" \
	stall_retry answers 99 "address 99 .*id $id"
ok "reset 99 (SND_NKE)" stall_retry reset 99

# --- monitor sees a transaction: request and answer ---
smcardctl mbus monitor --json > "$TMP/mon" 2>&1 &
mon=$!
until_ok 60 waiting "$mon"
stall_retry reset 7
# the frames: the request first, its answer after it (a stall of the
# emulator may have made the master ask more than once)
until_ok 30 grep -q '"frame":"E5"' "$TMP/mon"
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
frames=$(grep -o '"frame":"[^"]*"' "$TMP/mon" | cut -d'"' -f4 | paste -sd'|')
# (a late answer to an earlier request may come first)
ok "monitor shows SND_NKE and E5 ($frames)" \
	eval '[[ $frames == *"10 40 07 47 16|"*E5* ]]'
stall_stop

# --- read an OMS mode 5 meter with and without its key ---
mu_emu_start --baud 9600 --meter "9=$here/water_oms_mode5.hex"
key=51728910E66D83F851728910E66D83F8
check "read --key decrypts the meter's telegram" 1 \
	"$(mread 9 --key "$key" --json 2>&1 | tr -d ' \n' | grep -c '"decrypted":true.*"value":12.345')"
out=$(mread 9 2>&1; echo "status $?")
check "read without the key names the meter and the mode, status 1" 2 \
	"$(echo "$out" | grep -c 'meter 12345678 (KAM, water): security mode 5\|^status 1$')"

# --- secondary search at 38400 Bd ---
smcardctl mbus set-baud 38400 >/dev/null
mbus-meters --generate "$ns" --seed 11 --no-primary --list | awk '{ print $1 }' |
	sort > "$TMP/expect"
mu_emu_start --generate "$ns" --seed 11 --no-primary --baud 38400
secondaries() { tr -d ' \n' | grep -o '"secondary":"[0-9A-F]*"' | cut -d'"' -f4; }
start=$(date +%s)
mu_scan "secondary search finds exactly the $ns meters" "$TMP/expect" \
	$((330 * 1000 / 38400 + 50 + extra)) secondaries --secondary
end=$(date +%s)
check "twins that differ only in manufacturer, version or medium are among them" \
	yes "$(awk '{ print substr($1, 1, 8) }' "$TMP/expect" | sort | uniq -d | grep -q . && echo yes)"
ktap_print_msg "secondary search of $ns meters: $((end - start)) s, $(tr -d ' \n' < "$TMP/scan.json" | grep -o '"traffic":{[^}]*}')"
figure "M-Bus search (VM)" "secondary search of $ns meters, 38400 Bd" \
	"$((end - start)) s" "all $ns found"

# --- secondary search with realistic reply delays (garbage collisions) ---
nr=${MBUS_USER_REAL_METERS:-10}
mbus-meters --generate "$nr" --seed 13 --no-primary --list | awk '{ print $1 }' |
	sort > "$TMP/expect"
mu_emu_start --generate "$nr" --seed 13 --no-primary --baud 38400 --realistic
start=$(date +%s)
scan --secondary --json 2>"$TMP/scan.err" > "$TMP/scan.json"
end=$(date +%s)
tr -d ' \n' < "$TMP/scan.json" | grep -o '"secondary":"[0-9A-F]*"' | cut -d'"' -f4 |
	sort > "$TMP/got"
check_files "realistic delays: the secondary search finds exactly the $nr meters" \
	"$TMP/expect" "$TMP/got"
check "realistic delays: the ID twin is among them" \
	yes "$(awk '{ print substr($1, 1, 8) }' "$TMP/expect" | sort | uniq -d | grep -q . && echo yes)"
ktap_print_msg "realistic secondary search of $nr meters: $((end - start)) s, $(tr -d ' \n' < "$TMP/scan.json" | grep -o '"traffic":{[^}]*}')"

mu_emu_stop
smcardctl mbus set-baud 2400 >/dev/null

# --- decode: OMS keys, and what the process loads ---
mode5=$here/water_oms_mode5.hex
out=$(smcardctl mbus decode --compact --key 51728910E66D83F851728910E66D83F8 "$mode5" 2>&1)
check "decode --key decrypts an OMS mode 5 telegram" 1 \
	"$(echo "$out" | grep -c '"decrypted":true.*"value":12.345')"
libs=$(LD_DEBUG=libs smcardctl mbus decode --compact "$here/read100.hex" 2>&1 >/dev/null |
	grep -o 'calling init: [^ ]*' | grep -c 'libiio\|libgpiod\|libmosquitto')
check "decode loads neither libiio, libgpiod nor libmosquitto" 0 "$libs"
ktap_finished
