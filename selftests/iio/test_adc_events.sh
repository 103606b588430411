#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcard-adc threshold events through iio_event_monitor: NAMUR NE43 defaults
# on the 4-20 mA input, a wire break at 2 mA that fires once and re-arms only
# beyond the hysteresis, a short above 21 mA, configurable values and an
# over-range event on the 0-10 V input. The IO controller's comparators do
# the comparing: the driver does not touch the bus while an input is
# steady, its events come through the card's interrupt, and a controller
# reset keeps the thresholds.
. "$(dirname "$0")/iio_lib.sh"

# Time in which a wrong event would come
QUIET=1
# I2C transfers to the controller in STEADY seconds with events on: a
# polling driver made one per conversion period (200 at 100 Hz)
STEADY=2
MAX_TRANSFERS=2

ktap_print_header
ktap_set_plan 16

D=$(adc_dev) || ktap_exit_fail_msg "no smcard-adc IIO device"
E=$D/events
C=in_current${CUR}_thresh
V=in_voltage${VOLT}_thresh

check "NE43 defaults: falling 3.6 mA hyst 0.2 mA, rising 21 mA hyst 0.5 mA" \
	"$(code 3600 $FS_UA) $(code 200 $FS_UA) $(code 21000 $FS_UA) $(code 500 $FS_UA)" \
	"$(cat "$E/${C}_falling_value" "$E/${C}_falling_hysteresis" \
	       "$E/${C}_rising_value" "$E/${C}_rising_hysteresis" | xargs)"
check "events are off by default" "0 0 0 0" \
	"$(cat "$E/${C}_falling_en" "$E/${C}_rising_en" "$E/${V}_falling_en" \
	       "$E/${V}_rising_en" | xargs)"

set_ua 12000
set_uv 5000000
LOG=/tmp/adc-events
# ptyrun: iio_event_monitor line-buffers only on a terminal
"$here/ptyrun" iio_event_monitor smcard-adc > $LOG &
MON=$!
trap 'kill $MON 2>/dev/null' EXIT
# ready once it waits in read() on the event file
until_ok 60 eval 'waiting "$(children $MON)"' ||
	ktap_exit_fail_msg "iio_event_monitor did not start"
LOW=smcard-adc-low$CUR
irqs=$(adc_irqs $LOW)
echo 1 > "$E/${C}_falling_en"
echo 1 > "$E/${C}_rising_en"

# events TYPE CHANNEL DIRECTION: how many such events were reported
events()
{
	grep -c "type: $1, channel: $2, evtype: thresh, direction: $3" $LOG
}

n=$(cat "$SIM/ioc_transfers")
sleep $STEADY
n=$(($(cat "$SIM/ioc_transfers") - n))
ktap_print_msg "events on, steady input: $n I2C transfers in $STEADY s"
figure adc-events i2c_transfers_${STEADY}s $n $MAX_TRANSFERS
ok "events on, steady input: no polling of the controller" [ "$n" -le $MAX_TRANSFERS ]

set_ua 2000
wait_for 30 eval '[ "$(events current $CUR falling)" -ge 1 ]'
adc_quiet
check "wire break at 2 mA: one falling event" 1 "$(events current $CUR falling)"
check "it came through the card's interrupt ($LOW)" 1 $(($(adc_irqs $LOW) - irqs))

set_ua 3700
set_ua 2000
adc_quiet
check "3.7 mA is within the hysteresis: no new event" 1 "$(events current $CUR falling)"

set_ua 4000
set_ua 2000
wait_for 30 eval '[ "$(events current $CUR falling)" -ge 2 ]'
check "4 mA re-arms: the next break fires again" 2 "$(events current $CUR falling)"

set_ua 22000
wait_for 30 eval '[ "$(events current $CUR rising)" -ge 1 ]'
check "short at 22 mA: one rising event" 1 "$(events current $CUR rising)"

echo 0 > "$E/${C}_rising_en"
set_ua 12000
echo "$(code 10000 $FS_UA)" > "$E/${C}_falling_value"
echo 0 > "$E/${C}_falling_hysteresis"
check "falling value and hysteresis are configurable" "$(code 10000 $FS_UA) 0" \
	"$(cat "$E/${C}_falling_value" "$E/${C}_falling_hysteresis" | xargs)"
set_ua 9000
wait_for 30 eval '[ "$(events current $CUR falling)" -ge 3 ]'
check "a 10 mA threshold fires at 9 mA" 3 "$(events current $CUR falling)"
check "the comparator holds what sysfs shows" "$(code 10000 $FS_UA) 0" \
	"$(($(hw_reg 0x9c) + 256 * $(hw_reg 0x9d))) $(($(hw_reg 0x9e) + 256 * $(hw_reg 0x9f)))"

# A controller reset: the core writes the cached comparator settings back
set_ua 12000
echo 1 > "$SIM/reset"
wait_for 10 eval '[ $(($(hw_reg 0x06) & 2)) = 0 ]'
check "after a controller reset: threshold and enable restored" \
	"$(code 10000 $FS_UA) 2" \
	"$(($(hw_reg 0x9c) + 256 * $(hw_reg 0x9d))) $(($(hw_reg 0x89) & 2))"
set_ua 9000
wait_for 30 eval '[ "$(events current $CUR falling)" -ge 4 ]'
check "after a controller reset the threshold still fires" 4 "$(events current $CUR falling)"
if echo 65536 > "$E/${C}_falling_value" 2>/dev/null; then
	ktap_test_fail "a threshold beyond the code range is refused"
else
	ktap_test_pass "a threshold beyond the code range is refused"
fi

echo 1 > "$E/${V}_rising_en"
set_uv 11000000
wait_for 30 eval '[ "$(events voltage $VOLT rising)" -ge 1 ]'
check "0-10 V input: over-range event at 11 V" 1 "$(events voltage $VOLT rising)"

echo 0 > "$E/${C}_falling_en"
echo 0 > "$E/${V}_rising_en"
set_ua 1000
set_uv 12000000
adc_quiet
sleep $QUIET
check "disabled events stay quiet" 6 "$(grep -c '^Event:' $LOG)"
kill $MON
wait $MON 2>/dev/null
trap - EXIT
echo "$(code 3600 $FS_UA)" > "$E/${C}_falling_value"
echo "$(code 200 $FS_UA)" > "$E/${C}_falling_hysteresis"
set_ua 12000
set_uv 5000000
ktap_finished
