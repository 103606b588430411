#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# CYCLES (20) unbind/bind cycles of every card driver while readers keep
# the GPIO lines, the serial knobs and the ADC busy (stress_rebind.sh: 100).
# The VM runner fails the run on any kernel report; here each driver must
# come back bound and working.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/card_lib.sh"

CYCLES=${CYCLES:-20}
tmp=$(mktemp -d)

# driver name -> sysfs driver directory; the core first
drivers=(/sys/bus/i2c/drivers/smcard-core)
for d in /sys/bus/platform/drivers/smcard-* /sys/bus/serial/drivers/smcard-*; do
	case $(basename "$d") in smcard-sim*) continue ;; esac
	[ -d "$d" ] && drivers+=("$d")
done

ktap_print_header
ktap_set_plan $((${#drivers[@]} + 1))

reader()
{
	local n=0

	while [ ! -e "$tmp/stop" ]; do
		gpioget --numeric IO4 >/dev/null 2>&1
		cat /sys/bus/platform/devices/smcard-serial.*/serial_mode >/dev/null 2>&1
		cat /sys/bus/iio/devices/iio:device*/in_*_raw >/dev/null 2>&1
		n=$((n + 1))
		echo "$n" > "$tmp/reads"
	done
}
reader &
pid=$!

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
	if [ $fail = 0 ] && [ -e "$drv/${devs[0]}" ]; then
		ktap_test_pass "$name: $CYCLES unbind/bind cycles"
	else
		ktap_test_fail "$name: $CYCLES unbind/bind cycles"
	fi
done

touch "$tmp/stop"
wait "$pid"
reads=$(cat "$tmp/reads")
ktap_print_msg "reader finished $reads rounds"
echo 1 > "$SIM/io4/level"
a=$(gpioget --numeric IO4)
echo 0 > "$SIM/io4/level"
check "GPIO works after the cycles (reader ran $reads rounds)" 1 "$a"
rm -rf "$tmp"
ktap_finished
