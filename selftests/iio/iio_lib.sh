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

# Stop any capture a previous test left behind, and undo the watermark
# libiio leaves (iio_readdev -b N sets it to N): iio_generic_buffer -c
# counts reads, each of which would then wait for N scans.
adc_idle()
{
	local d

	d=$(adc_dev) || return 1
	echo 0 > "$d/buffer0/enable"
	for c in "$d"/scan_elements/*_en; do
		echo 0 > "$c"
	done
	echo 1 > "$d/buffer0/watermark"
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

# adc_seen PIN: wait until the driver has seen the pin's present input in
# a read of its ADC result: two more reads (the first may have begun before
# the input changed, the second began after the first one ended)
adc_seen()
{
	local n

	n=$(cat "$SIM/io$1/adc_reads")
	until_ok 30 at_least "$SIM/io$1/adc_reads" $((n + 2))
}

# adc_irqs NAME: how often the interrupt named NAME (smcard-adc-low2, ...)
# has fired, summed over the CPUs
adc_irqs()
{
	awk -v name="$1" '$NF == name {
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i
	} END { print n + 0 }' /proc/interrupts
}

# adc_quiet: the controller's INT is released, so the driver has taken
# every comparator event the inputs have set, and a moment passed for the
# event to reach userspace. For negative checks ("no new event"): an event
# that comes later can only make them pass.
adc_quiet()
{
	until_ok 10 eval '[ "$(cat "$SIM/int")" = 0 ]'
	sleep 0.5
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

# The scan lines of iio_generic_buffer's output (current, voltage, time)
SCAN_LINE='^[0-9.]+ [0-9.]+ [0-9]+ *$'
# scan_count FILE: how many of them FILE has
scan_count() { grep -cE "$SCAN_LINE" "$1" 2>/dev/null || true; }

# adc_capture N FILE: N scans of current, voltage and timestamp from
# iio_generic_buffer on the trigger adc-test at $RATE into FILE, as
# "mA mV ns" lines.
adc_capture()
{
	adc_idle
	timeout $((10 * $1 / RATE + 120)) iio_generic_buffer -n smcard-adc \
		-t adc-test -a -c "$1" -l 256 > "$2.out" 2>&1
	grep -E "$SCAN_LINE" "$2.out" | head -n "$1" > "$2"
}

# adc_missed STALLS SCANS: the hrtimer fires on a fixed grid (it skips the
# periods it was too late for); each scan carries the time its trigger
# fired. A period without a scan is a missed trigger. It is the
# emulator's when a CPU of the VM stalled during that period or the one
# before (the timer could not fire, or the scan before could not finish);
# otherwise the driver's. Prints "bad missed emulator driver max_gap_ns".
adc_missed()
{
	awk -v p=$((1000000000 / RATE)) '
	FNR == NR { if ($1 == "stall") { ns++; sa[ns] = $5; sb[ns] = $7 }; next }
	{ n++; ts[n] = $3 }
	END {
		# the grid: from the first scan, shifted by the lateness of the
		# earliest tenth of the scans (a histogram of 10 us steps) less a
		# tenth of a period, so that on-time scans fall at its start
		for (i = 1; i <= n; i++) {
			l = (ts[i] - ts[1]) % p
			if (l > p / 2) l -= p
			h[int((l + p / 2) / 10000)]++
		}
		for (k = 0; c < n / 10; k++) c += h[k]
		base = ts[1] + (k - 1) * 10000 - p / 2 - p / 10
		# periods k whose window [k - 1, k + 1) meets a stall
		for (i = 1; i <= ns; i++)
			for (k = int((sa[i] - base) / p); k <= int((sb[i] - base) / p) + 1; k++)
				st[k] = 1
		for (i = 2; i <= n; i++) {
			d = ts[i] - ts[i - 1]
			if (d <= 0) bad++
			if (d > max) max = d
			a = int((ts[i - 1] - base) / p); b = int((ts[i] - base) / p)
			for (k = a + 1; k < b; k++)
				if (k in st) emu++
				else drv++
		}
		printf "%d %d %d %d %.0f\n", bad, emu + drv, emu, drv, max
	}' "$1" "$2"
}

# adc_timed_capture N SCANS STALLS: adc_capture with the control: the
# stalls of the VM's CPUs recorded meanwhile in STALLS, on the clock of the
# scans' time stamps; prints what adc_missed does
adc_timed_capture()
{
	local d

	d=$(adc_dev) || return 1
	echo monotonic > "$d/current_timestamp_clock"
	stall_start "$3"
	adc_capture "$1" "$2"
	stall_stop
	echo realtime > "$d/current_timestamp_clock"
	adc_missed "$3" "$2"
}
