#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Malformed card overlays: smcard-core refuses to probe and names the
# offending node. Boots one VM per overlay in dts/tests/.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/include/ktap_helpers.sh"

# overlay, expected message (extended regex)
cases=(
	"smcard-bad-function.dtso|channel@3: unknown pin function 9"
	"smcard-dup-pin.dtso|channel@(2|12): pin 2 already described by .*channel@(2|12)"
	"smcard-bad-reg.dtso|channel@6: pin 6 out of range"
)

ktap_print_header
ktap_set_plan $((2 * ${#cases[@]}))

for c in "${cases[@]}"; do
	overlay=${c%%|*}
	msg=${c#*|}
	out=$("$top/tools/vm/run" --no-build --timeout 900 \
		--overlay "$top/dts/tests/$overlay" \
		'dmesg | grep smcard-core
		 echo bound=$(ls /sys/bus/i2c/drivers/smcard-core | grep -c 0028)' 2>&1)
	if grep -Eq "smcard-core .*error (-EINVAL|-22): .*$msg" <<< "$out"; then
		ktap_test_pass "$overlay: probe fails naming the node"
	else
		ktap_print_msg "$out"
		ktap_test_fail "$overlay: probe fails naming the node"
	fi
	if ! grep -qx 'bound=0' <<< "$out"; then
		ktap_test_fail "$overlay: the controller stays unbound"
	else
		ktap_test_pass "$overlay: the controller stays unbound"
	fi
done
ktap_finished
