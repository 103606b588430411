#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A controller reset restarts its counters from 0; the core restores the
# configuration and the driver keeps the totals monotonic.
. "$(dirname "$0")/counter_lib.sh"

ktap_print_header
ktap_set_plan 6
cnt_setup 1

echo 1 > "$C/enable"
echo 2000000 > "$C/spike_filter_ns"
echo 5000 > "$C/count"
pulses 1 10 20 5000
check "counted before the reset" 5010 "$(wait_count "$C/count" 5010)"

echo 1 > "$SIM/reset"
sleep 0.5
check "the controller restarted its counter" 0 "$(cat "$SIM/io1/count")"
check "the count is kept" 5010 "$(cat "$C/count")"
check "enable and filter are restored" "1 2000000" \
	"$(cat "$C/enable") $(cat "$C/spike_filter_ns")"

pulses 1 10 20 5000
check "counting goes on from the total" 5020 "$(wait_count "$C/count" 5020)"

# A reset in the middle of a train: the count never goes back and never
# exceeds what was sent (pulses during the reset itself may be lost)
echo "100 50 5000" > "$SIM/io1/pulses"
prev=$(cat "$C/count")
bad=0
for i in $(seq 40); do
	[ "$i" = 15 ] && echo 1 > "$SIM/reset"
	v=$(cat "$C/count")
	[ "$v" -lt "$prev" ] && bad=1 && ktap_print_msg "count went back: $prev -> $v"
	prev=$v
	sleep 0.05
done
cat "$SIM/io1/pulses_wait" >/dev/null
sleep 0.3
v=$(cat "$C/count")
ktap_print_msg "count after a reset during 100 pulses: $((v - 5020))"
if [ $bad = 0 ] && [ "$v" -le 5120 ] && [ "$v" -ge 5110 ]; then
	ktap_test_pass "a reset during a pulse train keeps the count monotonic"
else
	ktap_test_fail "a reset during a pulse train keeps the count monotonic"
fi
echo 30000000 > "$C/spike_filter_ns"
ktap_finished
