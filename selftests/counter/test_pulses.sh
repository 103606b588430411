#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 10,000 S0 pulses are counted exactly, by the driver and the register.
. "$(dirname "$0")/counter_lib.sh"

ktap_print_header
ktap_set_plan 4
cnt_setup 1

# 1 kHz, 300 us wide: a 100 us filter passes pulses and pauses (10 s)
echo 100000 > "$C/spike_filter_ns"
echo 1 > "$C/enable"
start=$(cat "$C/count")
raw=$(cat "$SIM/io1/count")

pulses 1 10000 1000 300
check "10000 pulses counted" $((start + 10000)) \
	"$(wait_count "$C/count" $((start + 10000)))"
check "the controller counted them too" $(((raw + 10000) & 0xffffffff)) \
	"$(cat "$SIM/io1/count")"

# The dry-contact counter on IO4 only counts once enabled
c4=$(cnt_find 4 && echo "$C")
before=$(cat "$c4/count")
echo 0 > "$c4/enable"
echo 0 > "$c4/spike_filter_ns"
raw=$(cat "$SIM/io4/count")
pulses 4 20 1000 300
sleep 0.2
check "a disabled dry-contact counter ignores pulses" "$before $raw" \
	"$(cat "$c4/count") $(cat "$SIM/io4/count")"
echo 1 > "$c4/enable"
pulses 4 20 1000 300
check "an enabled dry-contact counter counts them" $((before + 20)) \
	"$(wait_count "$c4/count" $((before + 20)))"
echo 0 > "$c4/enable"
ktap_finished
