# SPDX-License-Identifier: GPL-2.0
# Helpers for the smcard-counter selftests (sourced, not run).
#
# The card overlay has IO1 as S0 input ("S0 energy") and IO4 as digital
# input ("door"); the simulator's debugfs plays the meters.

here=$(cd "$(dirname "$0")" && pwd)
for d in "$here/../include" /usr/lib/smcard; do
	if [ -f "$d/ktap_helpers.sh" ]; then
		. "$d/ktap_helpers.sh"
		break
	fi
done

SIM=/sys/kernel/debug/smcard-sim
DRV=/sys/bus/platform/drivers/smcard-counter
PATH=$PATH:/usr/lib/smcard/ktools

mount -t debugfs none /sys/kernel/debug 2>/dev/null

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
# give it up to 5 s to settle, then print what it is.
wait_count()
{
	local v

	for _ in $(seq 100); do
		v=$(cat "$1")
		[ "$v" = "$2" ] && break
		sleep 0.05
	done
	echo "$v"
}

# check DESCRIPTION EXPECTED ACTUAL
check()
{
	if [ "$2" = "$3" ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: expected '$2', got '$3'"
		ktap_test_fail "$1"
	fi
}

# fails DESCRIPTION ERRNO_TEXT CMD...: CMD must fail with that error text.
fails()
{
	local desc=$1 want=$2 err

	shift 2
	if err=$("$@" 2>&1); then
		ktap_print_msg "$desc: succeeded"
		ktap_test_fail "$desc"
	elif [ "${err#*"$want"}" != "$err" ]; then
		ktap_test_pass "$desc"
	else
		ktap_print_msg "$desc: $err"
		ktap_test_fail "$desc"
	fi
}

# put VALUE FILE: a sysfs write as a command (for fails)
put() { echo "$1" > "$2"; }

# cnt_setup [PIN]: load the driver if needed and find the Count of IO<PIN>
cnt_setup()
{
	lsmod | grep -q '^smcard_counter' || modprobe smcard-counter 2>/dev/null
	cnt_find "${1:-1}" || ktap_exit_fail_msg "no smcard counter for IO${1:-1}"
}
