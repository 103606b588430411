#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcard-adc buffered capture with software triggers: iio_readdev (libiio)
# and iio_generic_buffer (tools/iio) on an hrtimer trigger, a sysfs trigger,
# 1000 scans at the documented rate with strictly increasing timestamps and
# no missed trigger.
. "$(dirname "$0")/iio_lib.sh"

# Documented sustainable rate (Documentation/drivers/smcard-adc.rst)
RATE=100
SCANS=1000
ATTEMPTS=3

ktap_print_header
ktap_set_plan 7

D=$(adc_dev) || ktap_exit_fail_msg "no smcard-adc IIO device"
adc_idle
hrtimer_trigger adc-test $RATE || ktap_exit_fail_msg "no hrtimer trigger"
echo $RATE > "$D/sampling_frequency"
set_ua 12000
set_uv 5000000
want="$(code 12000 $FS_UA) $(code 5000000 $FS_UV)"

# iio_readdev writes the samples of the listed channels, packed, LE.
got=$(iio_readdev -t adc-test -s 64 -b 16 smcard-adc current$CUR voltage$VOLT 2>/dev/null |
	od -An -v -tu2 -w4 | awk '{ print $1, $2 }' | sort | uniq -c)
check "iio_readdev: 64 scans carry the inputs" "64 $want" "$(xargs <<< "$got")"

# capture N FILE: N scans of current, voltage and timestamp from
# iio_generic_buffer into FILE as "mA mV ns" lines.
capture()
{
	adc_idle
	timeout $((3 * $1 / RATE + 60)) iio_generic_buffer -n smcard-adc \
		-t adc-test -a -c "$1" -l 256 > "$2.out" 2>&1
	grep -E '^[0-9.]+ [0-9.]+ [0-9]+ *$' "$2.out" | head -n "$1" > "$2"
}

# gaps FILE: timestamps not strictly increasing, or further apart than
# 1.5 trigger periods (a missed trigger); prints "bad gaps max_delta_ns"
gaps()
{
	awk -v p=$((1000000000 / RATE)) '
	NR > 1 { d = $3 - last; if (d <= 0) bad++; if (d > 1.5 * p) gap++
		 if (d > max) max = d }
	{ last = $3 }
	END { print bad + 0, gap + 0, max + 0 }' "$1"
}

# A host that deschedules the whole VM also delays the hrtimer: retry a
# capture with gaps; a driver that cannot keep up fails every attempt.
for i in $(seq $ATTEMPTS); do
	capture $SCANS /tmp/adc-scans
	read -r bad gap max < <(gaps /tmp/adc-scans)
	[ "$gap" = 0 ] && break
	ktap_print_msg "attempt $i: $gap gaps, longest $max ns"
done
check "$SCANS buffered scans at $RATE Hz" $SCANS "$(wc -l < /tmp/adc-scans)"
check "timestamps strictly increase" 0 "$bad"
check "no missed trigger at $RATE Hz (longest gap $max ns)" 0 "$gap"
vals=$(awk -v fsa=$FS_UA -v fsv=$FS_UV '
	{ dc = $1 - 12; dv = $2 - 5000
	  if (dc < 0) dc = -dc; if (dv < 0) dv = -dv
	  if (dc > fsa / 1000 / 65536 || dv > fsv / 1000 / 65536) bad++ }
	END { print bad + 0 }' /tmp/adc-scans)
check "scaled scans within 1 LSB of 12 mA and 5 V" 0 "$vals"

# Sysfs trigger: one scan per trigger_now write.
[ -e /sys/bus/iio/devices/iio_sysfs_trigger/trigger0 ] ||
	echo 0 > /sys/bus/iio/devices/iio_sysfs_trigger/add_trigger
T=$(trig_dev sysfstrig0)
echo sysfstrig0 > "$D/trigger/current_trigger"
echo 1 > "$D/scan_elements/in_current${CUR}_en"
echo 1 > "$D/buffer0/enable"
for i in 1 2 3 4 5; do
	echo 1 > "$T/trigger_now"
	wait_for 5 eval '[ "$(cat "$D/buffer0/data_available")" = "$i" ]'
done
check "sysfs trigger: 5 triggers give 5 scans" 5 "$(cat "$D/buffer0/data_available")"
echo 0 > "$D/buffer0/enable"
echo 0 > "$D/scan_elements/in_current${CUR}_en"
echo "" > "$D/trigger/current_trigger" 2>/dev/null

check "direct reads work again after capture" "$(code 12000 $FS_UA)" \
	"$(cat "$D/in_current${CUR}_raw")"
ktap_finished
