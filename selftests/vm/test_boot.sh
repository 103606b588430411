#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The reference VM boots the test kernel and the card's modules load and
# unload cleanly.
. /usr/lib/smcard/ktap_helpers.sh

kver=$(uname -r)
load=/lib/modules/$kver/smcard.load
mapfile -t mods < "$load"

ktap_print_header
ktap_set_plan 4

case $kver in
6.12.*) ktap_test_pass "kernel is 6.12 ($kver)" ;;
*) ktap_test_fail "kernel is 6.12 (got $kver)" ;;
esac

missing=
for m in "${mods[@]}"; do
	[ -d "/sys/module/${m//-/_}" ] || missing="$missing $m"
done
if [ -z "$missing" ]; then
	ktap_test_pass "all ${#mods[@]} card modules loaded at boot"
else
	ktap_test_fail "modules not loaded:$missing"
fi

# Unload in reverse build order, then load again.
ok=1
for ((i = ${#mods[@]} - 1; i >= 0; i--)); do
	modprobe -r "${mods[i]}" || ok=0
done
for m in "${mods[@]}"; do
	[ -d "/sys/module/${m//-/_}" ] && { echo "# $m still loaded"; ok=0; }
done
[ $ok = 1 ] && ktap_test_pass "card modules unload" || ktap_test_fail "card modules unload"

ok=1
for m in "${mods[@]}"; do
	modprobe "$m" || ok=0
done
[ $ok = 1 ] && ktap_test_pass "card modules load again" || ktap_test_fail "card modules load again"

ktap_finished
