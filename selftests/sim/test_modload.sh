#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unload and reload smcard-sim CYCLES (20) times (stress_modload.sh: 200).
# The simulator is unbound first so that card drivers holding its ports or
# its I2C devices let go; every cycle must bring the bus, the ports and the
# control interface back, and the kernel log must stay free of reports.
. "$(dirname "$0")/sim_lib.sh"

CYCLES=${CYCLES:-20}
DRV=/sys/bus/platform/drivers/smcard-sim

ktap_print_header
ktap_set_plan 3

sim_load || ktap_exit_fail_msg "smcard-sim not loaded"
before=$(dmesg | wc -l)

start=$SECONDS
ok=0
for i in $(seq "$CYCLES"); do
	for dev in "$DRV"/*; do
		[ -L "$dev" ] && [ -e "$dev/of_node" ] && basename "$dev" > "$DRV/unbind"
	done
	rmmod smcard_sim || break
	[ -d "$SIM" ] && break
	sim_load || break
	[ -c /dev/smcard-sim-serial ] && [ -c /dev/smcard-sim-p1 ] || break
	ok=$i
done
check "$CYCLES unload/reload cycles" "$CYCLES" "$ok"
figure "module cycles" "unload/reload cycles of smcard-sim" \
	"$ok in $((SECONDS - start)) s" "stress: 200, make check: 20"

BUS=$(sim_bus)
check "the IO controller answers after the cycles" 0x5c "$(rd 0x00)"

reports=$(dmesg | tail -n +"$((before + 1))" |
	grep -E 'WARNING:|BUG:|Oops|KASAN|UBSAN|lockdep|circular locking|kmemleak' || true)
if [ -z "$reports" ]; then
	ktap_test_pass "no kernel report during the cycles"
else
	ktap_print_msg "$reports"
	ktap_test_fail "no kernel report during the cycles"
fi
ktap_finished
