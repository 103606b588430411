#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcard-adc buffered capture with software triggers: iio_readdev (libiio)
# and iio_generic_buffer (tools/iio) on an hrtimer trigger, a sysfs trigger,
# 1000 scans at the documented rate with strictly increasing timestamps and
# no trigger missed by the driver: the emulator's stalls, recorded in the
# same run, are told apart (lib/stallwatch.h).
. "$(dirname "$0")/iio_lib.sh"

# Documented sustainable rate (Documentation/drivers/smcard-adc.rst)
RATE=100
SCANS=1000

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

# The control: stalls of the VM's CPUs during the capture (iio_lib.sh)
read -r bad miss emu drv max < <(adc_timed_capture $SCANS /tmp/adc-scans /tmp/adc-stalls)
ktap_print_msg "$miss missed triggers in $SCANS scans: $emu while the emulator stalled" \
	"($(stalls /tmp/adc-stalls) stalls seen), $drv by the driver; longest gap $max ns"
check "$SCANS buffered scans at $RATE Hz" $SCANS "$(wc -l < /tmp/adc-scans)"
check "timestamps strictly increase" 0 "$bad"
check "the driver misses no trigger at $RATE Hz (emulator stalls excepted)" 0 "$drv"
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
