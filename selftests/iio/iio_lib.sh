# SPDX-License-Identifier: GPL-2.0
# Helpers for the smcard-adc selftests (sourced, not run).

here=$(cd "$(dirname "$0")" && pwd)
for d in "$here/../include" /usr/lib/smcard; do
	if [ -f "$d/ktap_helpers.sh" ]; then
		. "$d/ktap_helpers.sh"
		break
	fi
done

SIM=/sys/kernel/debug/smcard-sim
CFG=/sys/kernel/config
# Reference overlay: IO2 is 4-20 mA "pressure", IO3 is 0-10 V "level".
CUR=2
VOLT=3
# Full scale in micro units per 65536 codes (Documentation/hw/smcard-ioc.rst)
FS_UV=12500000
FS_UA=25000

[ -d "$SIM" ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -d "$CFG/iio" ] || mount -t configfs none "$CFG" 2>/dev/null

# sysfs directory of the smcard-adc IIO device
adc_dev()
{
	local d

	for d in /sys/bus/iio/devices/iio:device*; do
		[ "$(cat "$d/name" 2>/dev/null)" = smcard-adc ] && { echo "$d"; return 0; }
	done
	return 1
}

# Stop any capture a previous test left behind.
adc_idle()
{
	local d

	d=$(adc_dev) || return 1
	echo 0 > "$d/buffer0/enable"
	for c in "$d"/scan_elements/*_en; do
		echo 0 > "$c"
	done
	echo > "$d/trigger/current_trigger" 2>/dev/null
	return 0
}

# sysfs directory of the IIO trigger named $1
trig_dev()
{
	local d

	for d in /sys/bus/iio/devices/trigger*; do
		[ "$(cat "$d/name" 2>/dev/null)" = "$1" ] && { echo "$d"; return 0; }
	done
	return 1
}

# hrtimer_trigger NAME HZ: create (once) an hrtimer trigger running at HZ
hrtimer_trigger()
{
	[ -d "$CFG/iio/triggers/hrtimer/$1" ] ||
		mkdir "$CFG/iio/triggers/hrtimer/$1" || return 1
	echo "$2" > "$(trig_dev "$1")/sampling_frequency"
}

# Expected ADC code of a terminal value in micro units: code(VALUE, FS)
code()
{
	awk -v v="$1" -v fs="$2" 'BEGIN {
		c = int(v * 65536 / fs + 0.5)
		if (c < 0) c = 0
		if (c > 65535) c = 65535
		print c
	}'
}

# Register REG of the IO controller as the controller has it, in decimal
hw_reg()
{
	local reg=$(($1))

	printf '%d\n' "0x$(awk -v row="$(printf '%08x:' $((reg & ~15)))" \
		-v col=$(((reg & 15) + 2)) '$1 == row { print $col }' "$SIM/regs")"
}

set_uv() { echo "$1" > "$SIM/io$VOLT/voltage_uv"; }
set_ua() { echo "$1" > "$SIM/io$CUR/current_ua"; }

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

# fails DESCRIPTION ERRNO_TEXT CMD...: CMD must fail with that error text
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

# check_true DESCRIPTION COMMAND...: pass if the command succeeds
check_true()
{
	local what=$1

	shift
	if "$@"; then
		ktap_test_pass "$what"
	else
		ktap_test_fail "$what"
	fi
}

# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds
wait_for()
{
	local n=$(($1 * 10))

	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
