#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest half of bench_adc.sh: smcard-adc direct read latency and buffered
# scan rates on an hrtimer trigger, each beside the I2C wire time limit.
. "$(dirname "$0")/iio_lib.sh"

BUS_HZ=100000
SECS=3
D=$(adc_dev) || { echo "bench: no smcard-adc device"; exit 1; }
adc_idle
set_ua 12000
set_uv 5000000

# Wire bits of one read of N bytes: START, address+W, register, repeated
# START, address+R, N data bytes (9 bits each with the ACK), STOP.
wire_us() { echo $(((1 + 9 + 9 + 1 + 9 + 9 * $1 + 1) * 1000000 / BUS_HZ)); }

n=200
t0=$EPOCHREALTIME
for _ in $(seq $n); do
	read -r _ < "$D/in_current${CUR}_raw"
done
t1=$EPOCHREALTIME
us=$(awk -v a="$t0" -v b="$t1" -v n=$n 'BEGIN { printf "%d", (b - a) * 1e6 / n }')
printf 'direct read (sysfs, 1 result):  %6d us per read   limit: wire time %d us at %d kHz\n' \
	"$us" "$(wire_us 2)" $((BUS_HZ / 1000))

xfer=$(wire_us 4)
limit=$((1000000 / xfer))
[ $limit -gt 1000 ] && limit=1000
printf 'buffered scan (current2 + voltage3 + timestamp): wire time %d us per scan,\n' "$xfer"
printf '  limit min(1 / wire time, ADC_RATE max 1000 Hz) = %d Hz\n' $limit
printf '  %8s %12s %10s %14s\n' trigger achieved missed longest-gap
hrtimer_trigger adc-bench 100
for rate in 100 250 500 1000 1500; do
	adc=$rate
	[ $adc -gt 1000 ] && adc=1000
	echo $adc > "$D/sampling_frequency"
	echo $rate > "$(trig_dev adc-bench)/sampling_frequency"
	adc_idle
	timeout $((SECS + 60)) iio_generic_buffer -n smcard-adc -t adc-bench -a \
		-c $((rate * SECS)) -l 1024 > /tmp/adc-bench 2>&1
	grep -E "$SCAN_LINE" /tmp/adc-bench |
	awk -v rate=$rate '
		NR == 1 { first = $3 }
		NR > 1 { d = $3 - last; if (d > max) max = d }
		{ last = $3; n++ }
		END {
			span = (last - first) / 1e9
			got = span > 0 ? (n - 1) / span : 0
			want = span * rate
			miss = want > 0 ? 100 * (want - (n - 1)) / want : 100
			if (miss < 0) miss = 0
			printf "  %6d Hz %9.1f Hz %9.1f %% %11.1f ms\n", rate, got, miss, max / 1e6
		}'
done
echo 100 > "$D/sampling_frequency"
adc_idle
