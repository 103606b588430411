#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# I2C faults on the controller's bus reach the caller as errors; the next
# access works, and no pulse is lost across a failed counter read.
. "$(dirname "$0")/counter_lib.sh"

ktap_print_header
ktap_set_plan 9
cnt_setup 1

echo 1 > "$C/enable"
echo 1000000 > "$C/spike_filter_ns"
echo 0 > "$C/count"

echo "1 nack" > "$SIM/i2c_fail"
fails "enable write during a NACK fails with ENXIO" "No such device or address" \
	put 0 "$C/enable"
check "the failed write left counting on" 1 "$(cat "$C/enable")"
echo 0 > "$C/enable"
echo 1 > "$C/enable"
check "the next writes work" 1 "$(cat "$C/enable")"

echo "1 timeout" > "$SIM/i2c_fail"
fails "filter write during a timeout fails with ETIMEDOUT" "timed out" \
	put 2000000 "$C/spike_filter_ns"
check "the next read sees the old filter" 1000000 "$(cat "$C/spike_filter_ns")"

sig=$CNT/$(basename "$(ls "$C"/signal*_action)" _action)
echo "1 nack" > "$SIM/i2c_fail"
fails "signal read during a NACK fails with ENXIO" "No such device or address" \
	cat "$sig/signal"
check "the next read works" low "$(cat "$sig/signal")"

echo "1 nack" > "$SIM/i2c_fail"
fails "count write during a NACK fails" "No such device or address" \
	put 77 "$C/count"

# Faults while pulses arrive: interrupt handling and the counter read may
# fail; the driver retries until the bus answers
pulses 1 20 20 5000 &
sleep 0.2
echo "3 nack" > "$SIM/i2c_fail"
wait
check "no pulse lost across failed reads" 20 "$(wait_count "$C/count" 20)"
# A fault on the core's interrupt status read leaves the simulator's INT
# asserted without a new edge; a rebind rewrites the enables and unsticks
# it for the tests that follow
dev=$(cnt_device)
cnt_unbind "$dev"
cnt_bind "$dev"
echo 30000000 > "$C/spike_filter_ns"
ktap_finished
