# SPDX-License-Identifier: GPL-2.0
# Helpers for the smcard-adc selftests (sourced, not run).

here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/../lib/helpers.sh"

CFG=/sys/kernel/config
# Reference overlay: IO2 is 4-20 mA "pressure", IO3 is 0-10 V "level".
CUR=2
VOLT=3
# Full scale in micro units per 65536 codes (Documentation/hw/smcard-ioc.rst)
FS_UV=12500000
FS_UA=25000

sim_debugfs
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

# adc_seen PIN: wait until a polling driver has seen the pin's present
# input: two more reads of its ADC result (the first may have begun before
# the input changed; the second began after the first one's poll ended)
adc_seen()
{
	local n

	n=$(cat "$SIM/io$1/adc_reads")
	until_ok 30 at_least "$SIM/io$1/adc_reads" $((n + 2))
}

set_uv() { echo "$1" > "$SIM/io$VOLT/voltage_uv"; }
set_ua() { echo "$1" > "$SIM/io$CUR/current_ua"; }
