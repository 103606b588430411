#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every function on every pin boots: overlays written by smcardctl overlay
# rotate the seven pin functions over IO1..IO5, so that with the packaged
# overlay (rotation 0, booted by the main selftest run, which runs
# overlay/test_pins.sh too) each pin has had each function once. Each other
# rotation boots the VM once and runs overlay/test_pins.sh (the devices the
# function calls for, and no others) with a clean kernel log. The nodes that
# do not change between rotations (regulator, transceiver, M-Bus, sensor)
# are checked by card/test_bound.sh in the main run.
#
# In make check these guests boot with kmemleak=off (KASAN, lockdep and
# UBSAN stay on): kmemleak's tracking and scans more than double the cost
# of a boot. make stress runs the same boots with kmemleak
# (host_stress_overlay_boot.sh sets OVERLAY_BOOT_KMEMLEAK=1).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/include/ktap_helpers.sh"

ctl=$top/build/userspace/host/bin/smcardctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# In this order rotation 0 is the packaged overlay's pins.
order=(s0 current voltage digital-in open-drain disabled digital-out)
nf=${#order[@]}
guest='cd /usr/lib/smcard/selftests && /usr/lib/smcard/run overlay/test_pins.sh'
vm_opts=(--append kmemleak=off)
[ "${OVERLAY_BOOT_KMEMLEAK:-0}" = 1 ] && vm_opts=()

# rotation K: the settings of boot K.
rotation()
{
	local k=$1 n f
	for n in 1 2 3 4 5; do
		f=${order[$(((n - 1 + k) % nf))]}
		if [ "$f" = disabled ]; then
			echo "io$n=$f"
		else
			echo "io$n=$f,label=boot$k io$n"
		fi
	done
	echo "i2c=hdc1080@0x40"
}

ktap_print_header
if [ ! -x "$ctl" ]; then
	ktap_skip_all "no host smcardctl (make userspace)"
	exit 4
fi
ktap_set_plan $nf

# 1. Coverage: the packaged overlay's pins are rotation 0, and the
# rotations give every pin every function.
declare -A seen
for k in $(seq 0 $((nf - 1))); do
	while IFS== read -r pin val; do
		[[ $pin == io* ]] && seen[$pin:${val%%,*}]=1
	done < <(rotation "$k")
done
packaged=$(sed -n 's/^ \*   \(io[0-9]=[a-z0-9-]*\).*/\1/p' "$top/dts/smcard.dtso" | paste -sd' ')
rot0=$(rotation 0 | sed -n 's/^\(io[0-9]=[a-z0-9-]*\).*/\1/p' | paste -sd' ')
if [ "${#seen[@]}" = $((5 * nf)) ] && [ "$packaged" = "$rot0" ]; then
	ktap_test_pass "rotations cover all $nf functions on all 5 pins; rotation 0 is dts/smcard.dtso ($rot0)"
else
	ktap_print_msg "pairs covered: ${#seen[@]} of $((5 * nf)); packaged '$packaged', rotation 0 '$rot0'"
	ktap_test_fail "rotations cover every function on every pin"
fi

# 2. One boot per other rotation.
for k in $(seq 1 $((nf - 1))); do
	mapfile -t settings < <(rotation "$k")
	pins=$(printf '%s\n' "${settings[@]}" | sed -n 's/^\(io[0-9]=[a-z0-9-]*\).*/\1/p' | paste -sd' ')
	if ! "$ctl" overlay -o "$tmp/boot$k.dtso" --no-dtbo "${settings[@]}" >"$tmp/gen" 2>&1; then
		sed 's/^/# /' "$tmp/gen"
		ktap_test_fail "boot $k ($pins): smcardctl overlay failed"
		continue
	fi
	start=$(date +%s)
	"$top/tools/vm/run" --no-build --timeout 900 ${vm_opts[@]+"${vm_opts[@]}"} \
		--overlay "$tmp/boot$k.dtso" "$guest" >"$tmp/out" 2>&1
	rc=$?
	ok=$(grep -c '^ok ' "$tmp/out")
	bad=$(grep -c '^not ok ' "$tmp/out")
	echo "# boot $k took $(($(date +%s) - start)) s"
	if [ "$rc" = 0 ] && [ "$bad" = 0 ] && [ "$ok" -ge 20 ]; then
		ktap_test_pass "boot $k ($pins): $ok checks, clean kernel log"
	else
		grep -E '^not ok |^# |^run: ' "$tmp/out" | grep -v '^# ===' | head -40 | sed 's/^/# /'
		ktap_test_fail "boot $k ($pins): status $rc, $ok ok, $bad not ok"
	fi
done
ktap_finished
