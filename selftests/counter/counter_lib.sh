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
# give it up to 10 s to settle (the host may be loaded), then print it.
wait_count()
{
	local v end=$((SECONDS + 10))

	while :; do
		v=$(cat "$1")
		[ "$v" = "$2" ] || [ $SECONDS -ge $end ] && break
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

# get FILE: a sysfs read as a command (for fails). One read(2): busybox cat
# tries sendfile() first and silently retries a failed one with read(), so
# it hides the error of the first attempt.
get()
{
	local v

	IFS= read -r v < "$1" || return 1
	printf '%s\n' "$v"
}

# hwreg REG [w]: a register of the IO controller as the controller has it
# (not regmap's cache), in decimal; w reads 16 bits.
hwreg()
{
	local bus

	bus=$(i2cdetect -l | awk '$3 == "smcard-sim" { sub("i2c-", "", $1); print $1; exit }')
	printf '%d\n' "$(i2cget -y -f "$bus" 0x28 "$1" ${2:-})"
}

# at_least FILE N: the number in FILE is N or more (for wait_for)
at_least() { [ "$(cat "$1")" -ge "$2" ]; }

# settled FILE: wait up to 10 s until FILE reads the same for 0.5 s, print it
settled()
{
	local v w end=$((SECONDS + 10))

	v=$(cat "$1")
	while [ $SECONDS -lt $end ]; do
		sleep 0.5
		w=$(cat "$1")
		[ "$w" = "$v" ] && break
		v=$w
	done
	echo "$v"
}

# wait_for SECONDS CMD...: poll until CMD succeeds; fails after SECONDS
wait_for()
{
	local end=$((SECONDS + $1))

	shift
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.05
	done
}

# cnt_setup [PIN]: load the driver if needed and find the Count of IO<PIN>
cnt_setup()
{
	lsmod | grep -q '^smcard_counter' || modprobe smcard-counter 2>/dev/null
	cnt_find "${1:-1}" || ktap_exit_fail_msg "no smcard counter for IO${1:-1}"
}
