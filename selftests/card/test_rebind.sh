#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# CYCLES (10) unbind/bind cycles of every card driver while users keep
# each of them busy (stress_rebind.sh: 100):
#   IIO      buffered capture sessions on an hrtimer trigger, raw reads
#   counter  change-of-state event readers on the chardev, S0 pulses
#   GPIO     edge monitor sessions on IO4 while IO4 toggles, line reads
#   M-Bus    transfers (SND_NKE to all: no answer is due) and bus-get
#            dumps
#   serial   the knob read back
# A user starts a new session when the device comes back. The VM runner
# fails the run on any kernel report; here each driver must come back
# bound, every user must have had sessions that worked, and every path
# must work after the cycles.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/card_lib.sh"
# adc_dev, adc_idle, hrtimer_trigger, set_ua; cnt_find, pulses
. "$here/../iio/iio_lib.sh"
. "$here/../counter/counter_lib.sh"

CYCLES=${CYCLES:-10}
PTYRUN=$here/../iio/ptyrun
T=$(mktemp -d)

# driver name -> sysfs driver directory; the core first
drivers=(/sys/bus/i2c/drivers/smcard-core)
for d in /sys/bus/platform/drivers/smcard-* /sys/bus/serial/drivers/smcard-*; do
	case $(basename "$d") in smcard-sim*) continue ;; esac
	[ -d "$d" ] && drivers+=("$d")
done

users=(iio counter gpio mbus serial)
ktap_print_header
ktap_set_plan $((${#drivers[@]} + ${#users[@]} + 2))

running() { [ ! -e "$T/stop" ]; }
# worked USER: one more session of USER that did its job
worked() { echo -n . >> "$T/ok.$1"; }
sessions() { local n; n=$(wc -c < "$T/ok.$1" 2>/dev/null); echo "${n:-0}"; }

# Sessions of 20 scans; the capture ends with an error when the device
# goes away, and the next one starts once it is back.
user_iio()
{
	local d

	while running; do
		if d=$(adc_dev) && cat "$d"/in_*_raw > /dev/null 2>&1; then
			timeout 20 iio_generic_buffer -n smcard-adc -t rebind -a \
				-c 20 -l 64 > "$T/iio.out" 2>&1
			[ "$(scan_count "$T/iio.out")" -ge 20 ] &&
				worked iio
		fi
		adc_idle 2> /dev/null
		sleep 0.1
	done
}

# Event reader sessions of one event (at most 5 s) while IO1 sees pulses
# of 5 ms (a spike filter of 1 ms lets them through)
user_counter()
{
	while running; do
		if cnt_find 1 2> /dev/null && echo 1 > "$C/enable" 2> /dev/null &&
		   echo 1000000 > "$C/spike_filter_ns" 2> /dev/null; then
			timeout 5 "$PTYRUN" counter_watch_events -l 1 \
				-n "${CNT_DEV#/dev/counter}" \
				-w "comp_count,scope_count,evt_change_of_state,chan=$CHAN,parent=$CHAN" \
				> "$T/cnt.events" 2> /dev/null
			grep "Data:" "$T/cnt.events" > /dev/null && worked counter
		else
			sleep 0.1
		fi
	done
}

user_pulses()
{
	while running; do
		pulses 1 10 50 5000
	done
}

# Edge monitor sessions of 2 edges (at most 3 s) while IO4 toggles. They
# pause while the core itself cycles: 6.12's gpiolib-cdev keeps a line
# request's edge interrupt until its file is closed, and removing the
# core removes the interrupt domain under it (smcard-gpio.rst).
user_gpio()
{
	local chip

	while running; do
		if [ -e "$T/core" ]; then
			touch "$T/gpio.paused"
			sleep 0.1
			continue
		fi
		rm -f "$T/gpio.paused"
		chip=$(gpiodetect 2> /dev/null | awk '$2 == "[smcard]" { print $1 }')
		if [ -n "$chip" ] &&
		   timeout 3 "$PTYRUN" gpiomon -c "$chip" -e both -n 2 -F %E IO4 \
			> /dev/null 2>&1; then
			gpioget --numeric IO4 > /dev/null 2>&1 && worked gpio
		else
			sleep 0.1
		fi
	done
}

user_toggle()
{
	local level=0

	while running; do
		level=$((1 - level))
		echo $level > "$SIM/io4/level"
		sleep 0.05
	done
	echo 0 > "$SIM/io4/level"
}

# A broadcast SND_NKE (a transfer without an answer) and a bus-get dump
user_mbus()
{
	while running; do
		smcardctl mbus power on > /dev/null 2>&1
		if smcardctl mbus reset all > /dev/null 2>&1 &&
		   smcardctl mbus list 2> /dev/null | grep '^mbus' > /dev/null; then
			worked mbus
		else
			sleep 0.1
		fi
	done
}

user_serial()
{
	while running; do
		if cat /sys/bus/platform/devices/smcard-serial.*/serial_mode \
			> /dev/null 2>&1; then
			worked serial
		fi
		sleep 0.05
	done
}

adc_idle
hrtimer_trigger rebind 50 || ktap_exit_fail_msg "no hrtimer trigger"
set_ua 12000
pids=()
for u in "${users[@]}" pulses toggle; do
	"user_$u" &
	pids+=($!)
done

for drv in "${drivers[@]}"; do
	name=$(basename "$drv")
	devs=()
	for d in "$drv"/*; do
		[ -L "$d" ] && [ "$(basename "$d")" != module ] && devs+=("$(basename "$d")")
	done
	if [ ${#devs[@]} = 0 ]; then
		ktap_test_fail "$name: no device bound before the cycles"
		continue
	fi
	if [ "$name" = smcard-core ]; then
		touch "$T/core"
		until_ok 30 test -e "$T/gpio.paused"
	fi
	fail=0
	for _ in $(seq "$CYCLES"); do
		for d in "${devs[@]}"; do
			echo "$d" > "$drv/unbind" || fail=1
		done
		for d in "${devs[@]}"; do
			echo "$d" > "$drv/bind" || fail=1
		done
	done
	# a core rebind recreates the children with new names: wait for them
	wait_for 30 eval '[ -n "$(card_cell smcard-gpio)" ] && [ -e "$(card_cell smcard-gpio)/driver" ]'
	rm -f "$T/core"
	if [ $fail = 0 ] && [ -e "$drv/${devs[0]}" ]; then
		ktap_test_pass "$name: $CYCLES unbind/bind cycles"
	else
		ktap_test_fail "$name: $CYCLES unbind/bind cycles"
	fi
done

# Every path works after the cycles: each user has one more good session
for u in "${users[@]}"; do
	before=$(sessions "$u")
	wait_for 60 eval '[ "$(sessions "$u")" -gt "$before" ]'
	ok "$u: worked during the cycles ($before sessions) and after them" \
		eval '[ "$before" -gt 0 ] && [ "$(sessions "$u")" -gt "$before" ]'
done

touch "$T/stop"
ok "every user stopped within 60 s" until_ok 60 gone "${pids[@]}"
kill "${pids[@]}" 2> /dev/null
wait
echo 1 > "$SIM/io4/level"
check "GPIO reads IO4 after the cycles" 1 "$(gpioget --numeric IO4)"
echo 0 > "$SIM/io4/level"
figure "card rebind" "unbind/bind cycles per driver" "$CYCLES" \
	"stress: 100, make check: 10"
rm -rf "$T"
ktap_finished
