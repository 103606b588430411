# SPDX-License-Identifier: GPL-2.0
# Helpers for the smcard-counter selftests (sourced, not run).
#
# The card overlay has IO1 as S0 input ("S0 energy") and IO4 as digital
# input ("door"); the simulator's debugfs plays the meters.

here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/../lib/helpers.sh"

DRV=/sys/bus/platform/drivers/smcard-counter
PATH=$PATH:/usr/lib/smcard/ktools

sim_debugfs

# cnt_find PIN: set CNT (counterX directory), CNT_DEV (/dev/counterX) and
# C (countY directory of pin IO<PIN>); Y is also the event channel.
cnt_find()
{
	local dev count sig

	CNT= C=
	for _ in $(seq 50); do
		for dev in /sys/bus/counter/devices/counter*; do
			case $(cat "$dev/name" 2>/dev/null) in
			smcard-counter*) CNT=$dev ;;
			esac
		done
		[ -n "$CNT" ] && break
		sleep 0.1
	done
	[ -n "$CNT" ] || return 1
	CNT_DEV=/dev/$(basename "$CNT")
	for count in "$CNT"/count*; do
		for sig in "$count"/signal*_action; do
			sig=${sig##*/}
			sig=${sig%_action}
			if [ "$(cat "$CNT/$sig/name")" = "IO$1" ]; then
				C=$count
				CHAN=${count##*count}
				return 0
			fi
		done
	done
	return 1
}

# The platform device the driver is bound to.
cnt_device()
{
	basename "$(readlink -f "$CNT/..")"
}

cnt_unbind() { echo "$1" > "$DRV/unbind"; }
cnt_bind() { echo "$1" > "$DRV/bind"; }

# pulses PIN COUNT RATE_HZ WIDTH_US: a pulse train, waiting for its end.
pulses()
{
	echo "$2 $3 $4" > "$SIM/io$1/pulses" && cat "$SIM/io$1/pulses_wait" >/dev/null
}

# wait_count FILE EXPECTED: the cached count follows the count interrupt;
# give it up to 30 s to settle (the host may be loaded), then print it.
wait_count()
{
	local v end=$((SECONDS + 30))

	while :; do
		v=$(cat "$1")
		[ "$v" = "$2" ] || [ $SECONDS -ge $end ] && break
		sleep 0.05
	done
	echo "$v"
}

# hwreg REG [w]: a register of the IO controller as the controller has it
# (not regmap's cache), in decimal; w reads 16 bits.
hwreg()
{
	printf '%d\n' "$(i2cget -y -f "$(sim_bus)" 0x28 "$1" ${2:-})"
}

# cnt_setup [PIN]: load the driver if needed and find the Count of IO<PIN>
cnt_setup()
{
	lsmod | grep -q '^smcard_counter' || modprobe smcard-counter 2>/dev/null
	cnt_find "${1:-1}" || ktap_exit_fail_msg "no smcard counter for IO${1:-1}"
}
