#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# I2C faults on the controller's bus reach the caller as errors and change
# nothing; the next access works; faults on the interrupt path while pulses
# arrive lose no pulse and leave the card's interrupts working.
. "$(dirname "$0")/counter_lib.sh"

ktap_print_header
ktap_set_plan 18
cnt_setup 1

echo 1 > "$C/enable"
echo 1000000 > "$C/spike_filter_ns"
echo 0 > "$C/count"

echo "1 nack" > "$SIM/i2c_fail"
fails "enable write during a NACK fails with ENXIO" "No such device or address" \
	put 0 "$C/enable"
check "the failed write left counting on in the controller and the driver" \
	"1 1" "$(($(hwreg 0x12) & 1)) $(cat "$C/enable")"
echo 0 > "$C/enable"
check "the next write reaches the controller" 0 "$(($(hwreg 0x12) & 1))"
echo 1 > "$C/enable"

echo "1 timeout" > "$SIM/i2c_fail"
fails "filter write during a timeout fails with ETIMEDOUT" "timed out" \
	put 2000000 "$C/spike_filter_ns"
check "the filter stays as it was, in the driver and the controller" \
	"1000000 10" "$(cat "$C/spike_filter_ns") $(hwreg 0x22 w)"

# A late timeout: the controller took the write, the host saw it fail.
# sysfs must show the controller's filter; with two faults the read-back
# after the write fails too, and the next read goes to the controller.
echo "1 late" > "$SIM/i2c_fail"
fails "filter write with a late timeout fails with ETIMEDOUT" "timed out" \
	put 3000000 "$C/spike_filter_ns"
check "sysfs shows the filter the controller took" "3000000 30" \
	"$(cat "$C/spike_filter_ns") $(hwreg 0x22 w)"
echo "2 late" > "$SIM/i2c_fail"
fails "filter write and its read-back both time out" "timed out" \
	put 4000000 "$C/spike_filter_ns"
check "then sysfs reads the controller's filter" "4000000 40" \
	"$(cat "$C/spike_filter_ns") $(hwreg 0x22 w)"
echo 0 > "$SIM/i2c_fail"

# IN_LEVEL is volatile: every signal read is an I2C transfer
sig=$CNT/$(basename "$(ls "$C"/signal*_action)" _action)
echo "1 nack" > "$SIM/i2c_fail"
fails "signal read during a NACK fails with ENXIO" "No such device or address" \
	get "$sig/signal"
check "the fault was used by that read, the next read works" "0 nack low" \
	"$(cat "$SIM/i2c_fail") $(get "$sig/signal")"

echo 42 > "$C/count"
echo "1 nack" > "$SIM/i2c_fail"
fails "count write during a NACK fails with ENXIO" "No such device or address" \
	put 77 "$C/count"
check "the failed count write changed neither count nor register" "42 42" \
	"$(cat "$C/count") $(cat "$SIM/io1/count")"
echo 0 > "$C/count"

# Faults while pulses arrive hit the interrupt path (the core's status
# read; the controller raises INT again after a failed transfer, as its
# level line would); the driver's own counter read retries until the bus
# answers. No pulse may be lost and no recovery step is needed after.
fault_train()
{
	local mode=$1 log='Failed to read IRQ status|Failed to ack|reading counters'
	local before after

	echo 0 > "$C/count"
	before=$(dmesg | grep -cE "$log")
	echo "40 10 20000" > "$SIM/io1/pulses"
	wait_for 10 at_least "$SIM/io1/count" 3
	echo "3 $mode" > "$SIM/i2c_fail"
	cat "$SIM/io1/pulses_wait" >/dev/null
	wait_for 10 grep -q '^0 ' "$SIM/i2c_fail"
	after=$(dmesg | grep -cE "$log")
	ktap_print_msg "$mode: $((after - before)) failed transfers logged"
	check "$mode faults hit transfers during the pulse train" "0 $mode yes" \
		"$(cat "$SIM/i2c_fail") $([ "$after" -gt "$before" ] && echo yes)"
	echo 0 > "$SIM/i2c_fail"
	check "no pulse lost across $mode faults" "40 40" \
		"$(wait_count "$C/count" 40) $(cat "$SIM/io1/count")"
}

fault_train nack
fault_train timeout

pulses 1 5 20 5000
check "count interrupts keep working after the faults" 45 \
	"$(wait_count "$C/count" 45)"

echo 0 > "$C/count"
echo 30000000 > "$C/spike_filter_ns"
ktap_finished
