#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# count, ceiling, preset, preset_enable and enable as the counter ABI and
# Documentation/drivers/smcard-counter.rst describe them; the overflow
# event through the kernel's counter_watch_events.
. "$(dirname "$0")/counter_lib.sh"

ktap_print_header
ktap_set_plan 16
cnt_setup 1
U64_MAX=18446744073709551615
OUT=/tmp/counter-overflow.txt

# watch_overflow N: counter_watch_events in the background, for N overflow
# events of the Count (it exits after them, so its output is complete)
watch_overflow()
{
	counter_watch_events -n "${CNT_DEV#/dev/counter}" -l "$1" \
		-w "comp_count,scope_count,evt_ovf,chan=$CHAN,parent=$CHAN" \
		> "$OUT" &
	watcher=$!
	# ready once it waits in read() for events
	until_ok 60 waiting $watcher
}

# watch_result: wait up to 10 s for the watcher; set $events to
# "EVENT VALUE ..." of what it saw
watch_result()
{
	local i

	for i in $(seq 200); do
		kill -0 $watcher 2>/dev/null || break
		sleep 0.05
	done
	kill $watcher 2>/dev/null && ktap_print_msg "watcher still waiting"
	wait $watcher
	events=$(awk '{ for (i = 1; i < NF; i++) {
		if ($i == "Data:") v = $(i + 1); if ($i == "event:") e = $(i + 1) }
		printf "%s%s %s", n++ ? " " : "", e, v }' "$OUT")
}

# step_pulse EXPECTED: one pulse, wait for the count; appends it to $steps
step_pulse()
{
	local v

	pulses 1 1 20 5000
	v=$(wait_count "$C/count" "$1")
	steps=${steps:+$steps }$v
	[ "$v" = "$1" ]
}

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

fails "a preset above the ceiling is refused" "Invalid argument" \
	put 10 "$C/preset"

# One pulse at a time, so that every refresh folds in exactly one edge:
# 8, 9, then the wrap to 0; from 9 with preset_enable the wrap to preset 3.
# Each wrap raises one overflow event carrying the count after it.
watch_overflow 2
echo 8 > "$C/count"
step_pulse 9 && step_pulse 0 &&
	echo 3 > "$C/preset" && echo 1 > "$C/preset_enable" &&
	echo 9 > "$C/count" && step_pulse 3
check "single pulses wrap at the ceiling to 0, then to preset" "9 0 3" \
	"$steps"
watch_result
check "each wrap raises one overflow event with the wrapped value" \
	"COUNTER_EVENT_OVERFLOW 0 COUNTER_EVENT_OVERFLOW 3" "$events"

# A fast train: the interrupt thread may fold several edges, and wraps,
# into one refresh; the count still ends where the pulses take it
echo 0 > "$C/preset_enable"
echo 0 > "$C/count"
echo 100000 > "$C/spike_filter_ns"
watch_overflow 1
pulses 1 25 1000 300
check "25 fast pulses through a ceiling of 9 end at 5" 5 \
	"$(wait_count "$C/count" 5)"
watch_result
check "and raise an overflow event" COUNTER_EVENT_OVERFLOW "${events%% *}"
echo 1000000 > "$C/spike_filter_ns"

echo 1 > "$C/preset_enable"
echo 0 > "$C/count"
# 0..9, then reload to 3: 12 pulses end at 5
pulses 1 12 20 5000
check "with preset_enable a train reloads the preset" 5 \
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
