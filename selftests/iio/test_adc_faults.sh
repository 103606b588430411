#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcard-adc under failure: a failed or half-failed rate write leaves
# sampling_frequency showing what the controller has; I2C faults during
# buffered capture are dropped scans with an error in the log, not a hang;
# unbinding the driver during capture and with events enabled ends the
# clients cleanly.
. "$(dirname "$0")/iio_lib.sh"

RATE=100
DRV=/sys/bus/platform/drivers/smcard-adc

ktap_print_header
ktap_set_plan 16

D=$(adc_dev) || ktap_exit_fail_msg "no smcard-adc IIO device"
adc_idle
hrtimer_trigger adc-test $RATE || ktap_exit_fail_msg "no hrtimer trigger"

# Rate writes under faults. ADC_RATE codes: 100 Hz = 2, 250 Hz = 3, 500 Hz = 4.
# A NACK changes nothing; a late timeout (the controller took the write,
# the host saw it fail) changes the controller; with two, the read-back
# fails as well. sysfs must show the controller's rate in every case.
rate_now() { echo "$(cat "$D/sampling_frequency") $(hw_reg 0x17)"; }
echo 100 > "$D/sampling_frequency"
echo "1 nack" > "$SIM/i2c_fail"
fails "rate write during a NACK fails with ENXIO" "No such device or address" \
	put 250 "$D/sampling_frequency"
check "after the NACK sysfs and the controller still have 100 Hz" "100 2" "$(rate_now)"
echo "1 late" > "$SIM/i2c_fail"
fails "rate write with a late timeout fails with ETIMEDOUT" "timed out" \
	put 250 "$D/sampling_frequency"
check "after the late timeout sysfs shows the controller's 250 Hz" "250 3" "$(rate_now)"
echo "2 late" > "$SIM/i2c_fail"
fails "rate write and its read-back both time out" "timed out" \
	put 500 "$D/sampling_frequency"
check "then sysfs reads the controller's 500 Hz" "500 4" "$(rate_now)"
echo 0 > "$SIM/i2c_fail"

echo $RATE > "$D/sampling_frequency"
set_ua 12000
set_uv 5000000

# Capture without end, inject NACKs and then timeouts while it runs, and
# stop it once scans have come in after each fault. The bounds are
# generous: a starved VM is slow, not hung.
dmesg -c > /dev/null
timeout 600 iio_generic_buffer -n smcard-adc -t adc-test -a -c -1 -l 256 \
	> /tmp/adc-faults 2>&1 &
CAP=$!
scans() { scan_count /tmp/adc-faults; }
capturing() { [ "$(cat "$D/buffer0/enable")" = 1 ]; }
fault_left() { [ "$(cut -d' ' -f1 "$SIM/i2c_fail")" = 0 ]; }
# scans_after N: wait until 100 more scans than N have arrived
scans_after() { wait_for 60 eval '[ $(scans) -ge $(($1 + 100)) ]'; }

# inject "N kind": the faults are used up while the capture runs, and the
# capture goes on delivering scans afterwards
inject()
{
	local before

	wait_for 60 capturing && scans_after 0 || return 1
	echo "$1" > "$SIM/i2c_fail"
	wait_for 30 fault_left || return 1
	capturing || return 1
	before=$(scans)
	scans_after "$before"
}
ok "capture goes on after 5 NACKs" inject "5 nack"
ok "capture goes on after 3 timeouts" inject "3 timeout"
echo 0 > "$SIM/i2c_fail"
kill -INT $CAP
wait $CAP
ktap_print_msg "$(scans) scans captured"
log=$(dmesg)
grep -q "scan failed" <<< "$log" ||
	grep -i smcard <<< "$log" | tail -5 | sed 's/^/# /'
ok "NACKs are reported as failed scans (-ENXIO)" \
	grep -q "smcard-adc.*scan failed: -6" <<< "$log"
ok "timeouts are reported as failed scans (-ETIMEDOUT)" \
	grep -q "smcard-adc.*scan failed: -110" <<< "$log"
check "no failed scan is pushed as data" 0 \
	"$(grep -E "$SCAN_LINE" /tmp/adc-faults | awk '$1 < 11.9 || $2 < 4999 { n++ } END { print n + 0 }')"
check "the capture left the buffer disabled" 0 "$(cat "$D/buffer0/enable")"

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
ok "unbind during capture ends the client" [ ! -d /proc/$CAP ]
kill $CAP 2>/dev/null
wait $CAP 2>/dev/null
echo "$pdev" > $DRV/bind
D=$(adc_dev)
check "rebound device reads" "$(code 12000 $FS_UA)" "$(cat "$D/in_current${CUR}_raw" 2>&1)"

# Unbind with a comparator's interrupt enabled and taken, then unload and
# reload.
echo 1 > "$D/events/in_current${CUR}_thresh_falling_en"
set_ua 2000
adc_quiet
echo "$pdev" > $DRV/unbind
ok "unbind with events enabled" [ ! -e "$DRV/$pdev" ]
echo "$pdev" > $DRV/bind
rmmod smcard-adc && modprobe smcard-adc
wait_for 10 adc_dev > /dev/null
set_ua 12000
D=$(adc_dev)
check "module reload binds again" "$(code 12000 $FS_UA)" "$(cat "$D/in_current${CUR}_raw" 2>&1)"
ktap_finished
