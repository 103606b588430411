#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every enabled device node of the slot and the card overlay (everything
# under the simulator's node with a compatible) is bound to a driver, like
# the kernel's selftests/dt/test_unprobed_devices.sh. A node whose
# compatible no built driver knows is reported as a skip.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/card_lib.sh"

base=/sys/firmware/devicetree/base
root=$(dirname "$(grep -l -x 'option,smcard-sim' $base/*/compatible 2>/dev/null |
	head -1)")
[ -d "$root" ] || ktap_exit_fail_msg "no option,smcard-sim node"

# Nodes with a compatible and no status other than okay.
nodes=()
for c in $(find "$root" -name compatible | sort); do
	n=$(dirname "$c")
	if [ -f "$n/status" ] && ! tr -d '\0' < "$n/status" | grep -qx -e okay -e ok; then
		continue
	fi
	nodes+=("$n")
done

# of_node links of all devices, resolved to node paths.
declare -A bound
for link in $(find /sys/devices -name of_node -type l 2>/dev/null); do
	dev=$(dirname "$link")
	[ -e "$dev/driver" ] && bound[$(readlink -f "$link")]=$(basename "$(readlink -f "$dev/driver")")
done

aliases=$(cat /lib/modules/"$(uname -r)"/modules.alias 2>/dev/null)
builtin=$(tr '\0' '\n' < /lib/modules/"$(uname -r)"/modules.builtin.modinfo 2>/dev/null |
	grep '\.alias=of:')

ktap_print_header
ktap_set_plan ${#nodes[@]}
for n in "${nodes[@]}"; do
	node=${n#"$base"}
	compat=$(tr '\0' '\n' < "$n/compatible" | head -1)
	if [ -n "${bound[$n]}" ]; then
		ktap_test_pass "$node ($compat) bound to ${bound[$n]}"
	elif ! grep -q "C${compat}\(C\*\)\?$" <<< "$aliases$builtin"; then
		ktap_test_skip "$node ($compat): no driver built"
	else
		ktap_test_fail "$node ($compat) not bound"
	fi
done
ktap_finished
