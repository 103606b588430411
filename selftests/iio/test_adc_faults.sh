#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcard-adc under failure: I2C faults during buffered capture are dropped
# scans with an error in the log, not a hang; unbinding the driver during
# capture and with events enabled ends the clients cleanly.
. "$(dirname "$0")/iio_lib.sh"

RATE=100
DRV=/sys/bus/platform/drivers/smcard-adc

ktap_print_header
ktap_set_plan 9

D=$(adc_dev) || ktap_exit_fail_msg "no smcard-adc IIO device"
adc_idle
hrtimer_trigger adc-test $RATE || ktap_exit_fail_msg "no hrtimer trigger"
echo $RATE > "$D/sampling_frequency"
set_ua 12000
set_uv 5000000

# Capture at least 600 scans and inject NACKs, then timeouts, once the
# buffer runs. The bound is generous: a starved VM is slow, not hung.
dmesg -c > /dev/null
timeout 600 iio_generic_buffer -n smcard-adc -t adc-test -a -c 600 -l 256 \
	> /tmp/adc-faults 2>&1 &
CAP=$!
fault_left() { [ "$(cut -d' ' -f1 "$SIM/i2c_fail")" = 0 ]; }
wait_for 60 [ "$(cat "$D/buffer0/enable")" = 1 ]
echo "5 nack" > "$SIM/i2c_fail"
wait_for 30 fault_left
nack_running=$(cat "$D/buffer0/enable")
echo "3 timeout" > "$SIM/i2c_fail"
wait_for 30 fault_left
timeout_running=$(cat "$D/buffer0/enable")
echo 0 > "$SIM/i2c_fail"
wait $CAP
# iio_generic_buffer's status is not meaningful, only whether it was killed
st=$?
check_true "capture with I2C faults completes (status $st)" [ $st -lt 124 ]
[ "$(grep -cE '^[0-9.]+ [0-9.]+ [0-9]+ *$' /tmp/adc-faults)" -ge 600 ] ||
	tail -5 /tmp/adc-faults | sed 's/^/# /'
scans=$(grep -cE '^[0-9.]+ [0-9.]+ [0-9]+ *$' /tmp/adc-faults)
check_true "capture delivered at least 600 scans ($scans)" [ "$scans" -ge 600 ]
log=$(dmesg)
grep -q "scan failed" <<< "$log" ||
	{ ktap_print_msg "i2c_fail: $(cat "$SIM/i2c_fail")"; grep -i smcard <<< "$log" | tail -5 | sed 's/^/# /'; }
# A fault can only be seen in a scan while the capture runs; when it had
# already stopped, the check cannot be made and says so.
if [ "$nack_running" = 1 ]; then
	check_true "NACKs are reported as failed scans (-ENXIO)" \
		grep -q "smcard-adc.*scan failed: -6" <<< "$log"
else
	ktap_test_skip "NACKs are reported as failed scans (capture not running at injection)"
fi
if [ "$timeout_running" = 1 ]; then
	check_true "timeouts are reported as failed scans (-ETIMEDOUT)" \
		grep -q "smcard-adc.*scan failed: -110" <<< "$log"
else
	ktap_test_skip "timeouts are reported as failed scans (capture not running at injection)"
fi
check "no failed scan is pushed as data" 0 \
	"$(grep -E '^[0-9.]+ [0-9.]+ [0-9]+ *$' /tmp/adc-faults | awk '$1 < 11.9 || $2 < 4999 { n++ } END { print n + 0 }')"

# Unbind while iio_generic_buffer captures without end: its reads must see
# the device go away. It reads every 20 ms instead of blocking in poll():
# the 6.12 IIO core does not wake a poll() on a buffer whose device is gone.
pdev=$(basename "$(readlink -f "$D/..")")
timeout 120 iio_generic_buffer -n smcard-adc -t adc-test -a -c -1 -l 256 \
	-e -w 20000 > /tmp/adc-unbind 2>&1 &
CAP=$!
wait_for 30 grep -q '^[0-9.]* [0-9.]* [0-9]* *$' /tmp/adc-unbind
echo "$pdev" > $DRV/unbind
wait_for 20 [ ! -d /proc/$CAP ]
check_true "unbind during capture ends the client" [ ! -d /proc/$CAP ]
kill $CAP 2>/dev/null
wait $CAP 2>/dev/null
echo "$pdev" > $DRV/bind
D=$(adc_dev)
check "rebound device reads" "$(code 12000 $FS_UA)" "$(cat "$D/in_current${CUR}_raw" 2>&1)"

# Unbind with the threshold polling running, then unload and reload.
echo 1 > "$D/events/in_current${CUR}_thresh_falling_en"
set_ua 2000
sleep 0.5
echo "$pdev" > $DRV/unbind
check_true "unbind with events enabled" [ ! -e "$DRV/$pdev" ]
echo "$pdev" > $DRV/bind
rmmod smcard-adc && modprobe smcard-adc
wait_for 10 adc_dev > /dev/null
set_ua 12000
D=$(adc_dev)
check "module reload binds again" "$(code 12000 $FS_UA)" "$(cat "$D/in_current${CUR}_raw" 2>&1)"
ktap_finished
