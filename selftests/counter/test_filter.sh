#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# spike_filter_ns: the controller's input filter. Pulses shorter than it
# are ignored, longer ones counted; 100 us steps, rounded up.
. "$(dirname "$0")/counter_lib.sh"

ktap_print_header
ktap_set_plan 10
cnt_setup 1

# A fresh probe applies the 30 ms default of EN 62053-31 pulses
dev=$(cnt_device)
cnt_unbind "$dev"
cnt_bind "$dev"
cnt_setup 1
check "default filter is 30 ms" 30000000 "$(cat "$C/spike_filter_ns")"
check "default edge is rising" "rising edge" "$(cat "$C"/signal*_action)"

start=$(cat "$C/count")
raw=$(cat "$SIM/io1/count")
# 20 bounces of 10 ms at 10 Hz: all shorter than the filter
pulses 1 20 10 10000
sleep 0.2
check "pulses shorter than the filter are ignored" "$start $raw" \
	"$(cat "$C/count") $(cat "$SIM/io1/count")"

# 10 pulses of 40 ms at 10 Hz: pulse and pause longer than 30 ms
pulses 1 10 10 40000
check "pulses longer than the filter are counted" $((start + 10)) \
	"$(wait_count "$C/count" $((start + 10)))"

echo 1000000 > "$C/spike_filter_ns"
start=$(cat "$C/count")
# 1 ms filter: 2 ms pulses pass, 500 us spikes do not
pulses 1 10 100 2000
pulses 1 10 100 500
check "1 ms filter: 2 ms pulses pass, 0.5 ms spikes do not" $((start + 10)) \
	"$(wait_count "$C/count" $((start + 10)))"

echo 150000 > "$C/spike_filter_ns"
check "the filter is rounded up to 100 us steps" 200000 \
	"$(cat "$C/spike_filter_ns")"
fails "a filter above 6.5535 s is refused" "Numerical result out of range" \
	put 6553600000 "$C/spike_filter_ns"
# Rounding up to 100 us steps must not wrap a length near U64_MAX to 0
fails "a filter of U64_MAX ns is refused" "Numerical result out of range" \
	put 18446744073709551615 "$C/spike_filter_ns"
check "after it the filter is unchanged" 200000 "$(cat "$C/spike_filter_ns")"
check "the controller holds the filter in 100 us units" 2 \
	"$(hwreg 0x22 w)"
echo 30000000 > "$C/spike_filter_ns"
ktap_finished
