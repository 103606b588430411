#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# P1 live: the XS211-like emulator on the simulator's P1 peer sends only
# while P1_REQ is asserted; `smcardctl p1 read` asserts it through libgpiod
# and reads the telegrams from the card's P1 tty at 115200 8N1.
. "$(dirname "$0")/../lib/helpers.sh"

TTY=/dev/ttySIM2
tmp=$(mktemp -d)
cleanup() { kill "$EMU" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

ktap_print_header
ktap_set_plan 5

p1-meter --device /dev/smcard-sim-p1 --req-file "$SIM/p1_req" --interval 1000 \
	> "$tmp/emu.log" 2>&1 &
EMU=$!

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

# Asserted by the reader: two telegrams with a good CRC.
smcardctl p1 read --device "$TTY" --count 2 --timeout 60 --json > "$tmp/json" 2>"$tmp/err"
rc=$?
n=$(grep -c '"crc_ok": *true' "$tmp/json")
if [ $rc = 0 ] && [ "$n" -ge 2 ]; then
	ktap_test_pass "p1 read returns 2 telegrams with a good CRC"
else
	sed 's/^/# /' "$tmp/err" | tail -5
	ktap_test_fail "p1 read returns 2 telegrams with a good CRC (status $rc, $n)"
fi

if grep -q '"1-0:1.8.0"' "$tmp/json" && grep -q '"voltage' "$tmp/json"; then
	ktap_test_pass "telegrams carry the Swedish totals and phase voltages"
else
	ktap_test_fail "telegrams carry the Swedish totals and phase voltages"
fi

if [ "$(cat "$SIM/p1_req")" = 0 ]; then
	ktap_test_pass "P1_REQ is released again after the read"
else
	ktap_test_fail "P1_REQ is released again after the read"
fi

ktap_finished
