#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The controller counts while no driver is bound; probe starts from its
# register, so unbind/bind and a module reload keep the count.
. "$(dirname "$0")/counter_lib.sh"

ktap_print_header
ktap_set_plan 6
cnt_setup 1

echo 1000000 > "$C/spike_filter_ns"
echo 1 > "$C/enable"
echo 100 > "$C/count"
pulses 1 10 20 5000
check "counted before unbind" 110 "$(wait_count "$C/count" 110)"

dev=$(cnt_device)
cnt_unbind "$dev"
pulses 1 7 20 5000
cnt_bind "$dev"
cnt_setup 1
check "pulses while unbound are counted after bind" 117 "$(cat "$C/count")"

if rmmod smcard_counter && modprobe smcard-counter; then
	cnt_setup 1
	check "a module reload keeps the count" 117 "$(cat "$C/count")"
else
	ktap_test_fail "a module reload keeps the count"
fi

# The register's wrap across a rebind: probe extends from the register
dev=$(cnt_device)
cnt_unbind "$dev"
echo 4294967290 > "$SIM/io1/count"
cnt_bind "$dev"
cnt_setup 1
check "probe starts from the 32-bit register" 4294967290 "$(cat "$C/count")"
echo 1000000 > "$C/spike_filter_ns"
pulses 1 10 20 5000
check "and extends it past 2^32" 4294967300 \
	"$(wait_count "$C/count" 4294967300)"

# Documented: only the register's 32 bits survive a rebind
dev=$(cnt_device)
cnt_unbind "$dev"
cnt_bind "$dev"
cnt_setup 1
check "a rebind keeps the low 32 bits of a count beyond 2^32" 4 \
	"$(cat "$C/count")"
echo 0 > "$C/count"
ktap_finished
