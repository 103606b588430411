#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# CYCLES (10) unload/load cycles of every card module (stress_modload.sh:
# 200). A cycle unloads them all, leaves first, and loads them back; every
# driver must come back bound and working. Modules whose resources are in
# use must refuse to go: the slot UART holds the serial driver's
# transceiver lines, the M-Bus driver the regulator. The VM runner fails
# the run on any kernel report (KASAN, lockdep, kmemleak).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/card_lib.sh"

CYCLES=${CYCLES:-10}
UART=/sys/bus/platform/drivers/smcard-sim-uart

# Leaves first: rmmod takes them in this order, modprobe -a in the reverse
# one.
mods=(smcard_mbus meterbus smcard_counter smcard_adc smcard_serial
      smcard_regulator smcard_gpio smcard_core)
load=()
for ((i = ${#mods[@]} - 1; i >= 0; i--)); do
	load+=("${mods[i]}")
done
drivers=(/sys/bus/i2c/drivers/smcard-core /sys/bus/serial/drivers/smcard-mbus)
for d in smcard-gpio smcard-regulator smcard-serial smcard-adc smcard-counter; do
	drivers+=("/sys/bus/platform/drivers/$d")
done

# bound DRIVER_DIR: a device is bound to the driver
bound()
{
	local d

	for d in "$1"/*; do
		[ -L "$d" ] && [ "${d##*/}" != module ] && return 0
	done
	return 1
}

all_bound()
{
	local d

	for d in "${drivers[@]}"; do
		bound "$d" || return 1
	done
}

loaded() { [ -d "/sys/module/$1" ]; }

# refuses MODULE: rmmod fails and leaves it loaded
refuses() { ! rmmod "$1" 2>/dev/null && loaded "$1"; }

uarts=()
for d in "$UART"/*; do
	[ -L "$d" ] && [ "${d##*/}" != module ] && uarts+=("${d##*/}")
done

ktap_print_header
ktap_set_plan 7

ok "every card driver bound before the cycles" all_bound
ok "smcard_serial refuses to unload while the UART holds its lines" \
	refuses smcard_serial
ok "smcard_regulator refuses to unload while M-Bus holds the supply" \
	refuses smcard_regulator

start=$SECONDS
done=0
for i in $(seq "$CYCLES"); do
	for u in "${uarts[@]}"; do
		echo "$u" > "$UART/unbind" || break 2
	done
	rmmod "${mods[@]}" || break
	for m in "${mods[@]}"; do
		loaded "$m" && break 2
	done
	modprobe -a "${load[@]}" || break
	# A UART may have bound again by itself once its lines came back
	for u in "${uarts[@]}"; do
		[ -e "$UART/$u" ] || echo "$u" > "$UART/bind" || break 2
	done
	wait_for 30 all_bound || break
	done=$i
done
secs=$((SECONDS - start))
check "$CYCLES unload/load cycles of ${#mods[@]} modules" "$CYCLES" "$done"
figure "module cycles" "unload/load cycles of ${#mods[@]} modules" "$done in $secs s" \
	"stress: 200, make check: 10"

# Working after the cycles: a GPIO line, a serial knob, the ADC, M-Bus
echo 1 > "$SIM/io4/level"
check "GPIO reads the input after the cycles" 1 "$(gpioget --numeric IO4)"
echo 0 > "$SIM/io4/level"
knob=$(ls /sys/bus/platform/devices/smcard-serial.*/serial_mode | head -1)
echo rs485-half > "$knob"
check "the serial mode knob works after the cycles" rs485-half "$(cat "$knob")"
echo rs232 > "$knob"
ok "the ADC and the M-Bus master are back" \
	eval 'cat /sys/bus/iio/devices/iio:device*/in_*_raw >/dev/null &&
	      ls /sys/class/meterbus/ | grep . >/dev/null'
ktap_finished
