#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The environmental sensor on the card's I2C connector: the mainline
# hdc100x driver reads the temperature and humidity the simulator sets.
. "$(dirname "$0")/sim_lib.sh"

ktap_print_header
sim_load || ktap_exit_fail_msg "smcard-sim not loaded"
BUS=$(sim_bus)
iio=
for d in /sys/bus/iio/devices/iio:device*; do
	[ "$(readlink -f "$d/..")" = "$(readlink -f /sys/bus/i2c/devices/$BUS-0040)" ] && iio=$d
done
if [ -z "$iio" ]; then
	ktap_skip_all "no hdc100x device on the simulator's bus (overlay without the sensor)"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 2

# value FILE_PREFIX: (raw + offset) * scale, as an integer
value()
{
	awk -v r="$(cat "$1_raw")" -v o="$(cat "$1_offset" 2>/dev/null || echo 0)" \
		-v s="$(cat "$1_scale")" 'BEGIN { printf "%d", (r + o) * s }'
}

# near A B TOL: |A - B| <= TOL
near() { [ $(( $1 > $2 ? $1 - $2 : $2 - $1 )) -le "$3" ]; }

echo 23450 > "$SIM/hdc1080/temperature_mc"
echo 61000 > "$SIM/hdc1080/humidity_pcm"
t=$(value "$iio/in_temp")
h=$(value "$iio/in_humidityrelative")
ktap_print_msg "temperature $t m°C, humidity $h m%"
if near "$t" 23450 50; then ktap_test_pass "temperature 23.45 °C"; else ktap_test_fail "temperature 23.45 °C"; fi
if near "$h" 61000 100; then ktap_test_pass "humidity 61 %"; else ktap_test_fail "humidity 61 %"; fi
ktap_finished
