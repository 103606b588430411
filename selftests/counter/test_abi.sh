#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# count, ceiling, preset, preset_enable and enable as the counter ABI and
# Documentation/drivers/smcard-counter.rst describe them; the overflow
# event through the kernel's counter_watch_events.
. "$(dirname "$0")/counter_lib.sh"

ktap_print_header
ktap_set_plan 15
cnt_setup 1
U64_MAX=18446744073709551615
OUT=/tmp/counter-overflow.txt

echo 1 > "$C/enable"
echo 1000000 > "$C/spike_filter_ns"
check "default ceiling is the full 64-bit range" $U64_MAX "$(cat "$C/ceiling")"

echo 1000 > "$C/count"
check "writing count sets it" 1000 "$(cat "$C/count")"
check "and presets the controller's register" 1000 "$(cat "$SIM/io1/count")"
fails "a ceiling below the count is refused" "Invalid argument" \
	put 999 "$C/ceiling"

echo 0 > "$C/count"
echo 9 > "$C/ceiling"
fails "a count above the ceiling is refused" "Invalid argument" \
	put 10 "$C/count"

# 25 pulses through a ceiling of 9: 0..9, 0..9, 0..4, two overflows
counter_watch_events -n "${CNT_DEV#/dev/counter}" -l 2 \
	-w "comp_count,scope_count,evt_ovf,chan=$CHAN,parent=$CHAN" > "$OUT" &
watcher=$!
sleep 0.5
pulses 1 25 20 5000
check "the count wraps past the ceiling to 0" 5 "$(wait_count "$C/count" 5)"
for _ in $(seq 50); do
	kill -0 $watcher 2>/dev/null || break
	sleep 0.1
done
kill $watcher 2>/dev/null && ktap_print_msg "watcher still waiting"
wait $watcher
check "two overflow events" 2 "$(grep -c 'event: COUNTER_EVENT_OVERFLOW' "$OUT")"
# The value is the count after the wrap: 0, or more if the interrupt
# thread folded in several pulses at once
ktap_print_msg "overflow event values: $(awk '{ printf "%s ", $4 }' "$OUT")"
check "overflow events carry the wrapped value" "" \
	"$(awk '$4 > 4 { print }' "$OUT")"

fails "a preset above the ceiling is refused" "Invalid argument" \
	put 10 "$C/preset"
echo 3 > "$C/preset"
echo 1 > "$C/preset_enable"
echo 0 > "$C/count"
# 0..9, then reload to 3: 12 pulses end at 5
pulses 1 12 20 5000
check "with preset_enable the count reloads the preset" 5 \
	"$(wait_count "$C/count" 5)"
echo 0 > "$C/preset_enable"
echo 0 > "$C/preset"
echo $U64_MAX > "$C/ceiling"

echo 0 > "$C/enable"
raw=$(cat "$SIM/io1/count")
pulses 1 5 20 5000
sleep 0.2
check "a disabled count does not count" "5 $raw" \
	"$(cat "$C/count") $(cat "$SIM/io1/count")"
echo 1 > "$C/enable"
pulses 1 5 20 5000
check "enabled again it counts on from where it was" 10 \
	"$(wait_count "$C/count" 10)"

# 64-bit count over the 32-bit register
echo 4294967290 > "$C/count"
pulses 1 10 20 5000
check "the count goes on past 2^32" 4294967300 \
	"$(wait_count "$C/count" 4294967300)"
check "while the register wrapped" 4 "$(cat "$SIM/io1/count")"
echo "both edges" > "$(ls "$C"/signal*_action)"
echo 0 > "$C/count"
pulses 1 3 20 5000
check "counting both edges doubles the count" 6 "$(wait_count "$C/count" 6)"
echo "rising edge" > "$(ls "$C"/signal*_action)"
echo 30000000 > "$C/spike_filter_ns"
ktap_finished
