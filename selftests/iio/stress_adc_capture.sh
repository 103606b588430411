#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make stress: long buffered capture of smcard-adc at its documented rate
# (100 Hz) on an hrtimer trigger, STRESS_ADC_SCANS scans (30000, five
# minutes): no trigger missed by the driver, strictly increasing time
# stamps, every value right. The emulator's stalls, recorded in the same
# run, are told apart (lib/stallwatch.h) and reported as figures: on a
# busy host they are what limits the guest, not the driver.
. "$(dirname "$0")/iio_lib.sh"

RATE=100
SCANS=${STRESS_ADC_SCANS:-30000}
G="adc capture $RATE Hz"

ktap_print_header
ktap_set_plan 4

D=$(adc_dev) || ktap_exit_fail_msg "no smcard-adc IIO device"
adc_idle
hrtimer_trigger adc-test $RATE || ktap_exit_fail_msg "no hrtimer trigger"
echo $RATE > "$D/sampling_frequency"
set_ua 12000
set_uv 5000000

start=$SECONDS
read -r bad miss emu drv max < <(adc_timed_capture "$SCANS" /tmp/adc-stress /tmp/adc-stress-stalls)
took=$((SECONDS - start))
got=$(wc -l < /tmp/adc-stress)
stalled=$(stalled_ns /tmp/adc-stress-stalls 0 9223372036854775807)
wrong=$(awk -v fsa=$FS_UA -v fsv=$FS_UV '
	{ dc = $1 - 12; dv = $2 - 5000
	  if (dc < 0) dc = -dc; if (dv < 0) dv = -dv
	  if (dc > fsa / 1000 / 65536 || dv > fsv / 1000 / 65536) n++ }
	END { print n + 0 }' /tmp/adc-stress)

figure "$G" "scans" "$got" "$SCANS asked"
figure "$G" "triggers missed by the driver" "$drv" "0"
figure "$G" "triggers missed while the emulator stalled" "$emu" "-"
figure "$G" "emulator stalls (count, time)" "$(stalls /tmp/adc-stress-stalls), $((stalled / 1000000)) ms" "in ${took} s"
figure "$G" "longest gap" "$(awk -v m="$max" 'BEGIN { printf "%.1f ms", m / 1e6 }')" "period $((1000 / RATE)) ms"
figure "$G" "values off by more than 1 LSB" "$wrong" "0"

check "$SCANS scans" "$SCANS" "$got"
check "time stamps strictly increase" 0 "$bad"
check "the driver misses no trigger (emulator stalls excepted)" 0 "$drv"
check "every scan within 1 LSB of 12 mA and 5 V" 0 "$wrong"
adc_idle
ktap_finished
