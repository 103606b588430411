#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The reference VM boots the test kernel with the clock set from the
# board's RTC, and the card's modules load and unload cleanly.
. /usr/lib/smcard/ktap_helpers.sh

kver=$(uname -r)
load=/lib/modules/$kver/smcard.load
mapfile -t mods < "$load"

ktap_print_header
ktap_set_plan 5

case $kver in
6.12.*) ktap_test_pass "kernel is 6.12 ($kver)" ;;
*) ktap_test_fail "kernel is 6.12 (got $kver)" ;;
esac

# QEMU's RTC starts at the host's time; a clock in 1970 means it was lost.
year=$(date -u +%Y)
if [ "$year" -ge 2024 ]; then
	ktap_test_pass "clock set from the RTC ($(date -u +%FT%TZ))"
else
	ktap_test_fail "clock set from the RTC (got $(date -u +%FT%TZ))"
fi

missing=
for m in "${mods[@]}"; do
	[ -d "/sys/module/${m//-/_}" ] || missing="$missing $m"
done
if [ -z "$missing" ]; then
	ktap_test_pass "all ${#mods[@]} card modules loaded at boot"
else
	ktap_test_fail "modules not loaded:$missing"
fi

# Unload, then load again. Users hold references across drivers (the M-Bus
# driver holds the supply's regulator), so unload in rounds until nothing
# is left or a round makes no progress.
loaded() { [ -d "/sys/module/${1//-/_}" ]; }
for ((round = 0; round < ${#mods[@]}; round++)); do
	left=0
	for ((i = ${#mods[@]} - 1; i >= 0; i--)); do
		loaded "${mods[i]}" || continue
		rmmod "${mods[i]}" 2>/dev/null || left=$((left + 1))
	done
	[ $left = 0 ] && break
done
ok=1
for m in "${mods[@]}"; do
	loaded "$m" && { echo "# $m still loaded"; ok=0; }
done
[ $ok = 1 ] && ktap_test_pass "card modules unload" || ktap_test_fail "card modules unload"

ok=1
for m in "${mods[@]}"; do
	modprobe "$m" || ok=0
done
[ $ok = 1 ] && ktap_test_pass "card modules load again" || ktap_test_fail "card modules load again"

ktap_finished
