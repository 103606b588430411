#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An IO controller older than ABI 1.2 has no threshold comparators: bound
# to one, smcard-adc offers channels without events and says why in the
# kernel log; bound to a 1.2 controller again, the events are back.
. "$(dirname "$0")/iio_lib.sh"

CORE=/sys/bus/i2c/drivers/smcard-core

# rebind_with MINOR: the core bound to a controller of ABI 1.MINOR
rebind_with()
{
	local ioc

	ioc=$(basename "$(ls -d "$CORE"/*-0028 | head -1)")
	echo "$ioc" > "$CORE/unbind"
	echo "$1" > "$SIM/abi_minor"
	echo "$ioc" > "$CORE/bind"
	wait_for 30 adc_dev > /dev/null
}

ktap_print_header
ktap_set_plan 4

adc_dev > /dev/null || ktap_exit_fail_msg "no smcard-adc IIO device"
trap 'echo 2 > "$SIM/abi_minor"' EXIT
set_ua 12000
seen=$(dmesg | wc -l)

rebind_with 1
D=$(adc_dev)
check "ABI 1.1: the channels read" "$(code 12000 $FS_UA)" \
	"$(cat "$D/in_current${CUR}_raw" 2>&1)"
check "ABI 1.1: no event attributes" 0 "$(ls "$D/events" 2>/dev/null | wc -l)"
ok "the driver says why" \
	eval 'dmesg | tail -n +$((seen + 1)) |
	      grep -q "smcard-adc.*ABI 1.1 has no threshold comparators"'

rebind_with 2
D=$(adc_dev)
ok "ABI 1.2 again: the events are back" [ -e "$D/events/in_current${CUR}_thresh_falling_en" ]
ktap_finished
