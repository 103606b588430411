#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcard-adc direct reads through libiio's iio_info and iio_attr: channels
# and labels of the reference overlay, (raw + offset) * scale within 1 LSB
# of the simulated input, saturation out of range, the conversion rate.
. "$(dirname "$0")/iio_lib.sh"

VOLTS_UV="0 2500000 5000000 10000000"
AMPS_UA="0 2000 4000 12000 20000 24000"
# value:expected code beyond the range (saturation, never wrap-around)
OOR_UV="12500000:65535 13000000:65535 30000000:65535 -1000000:0"
OOR_UA="25000:65535 30000:65535 -2000:0"

ktap_print_header
ktap_set_plan $((8 + $(wc -w <<< "$VOLTS_UV $AMPS_UA $OOR_UV $OOR_UA")))

D=$(adc_dev) || ktap_exit_fail_msg "no smcard-adc IIO device"

info=$(iio_info 2>/dev/null)
adc_info=$(awk '/iio:device[0-9]+: /{on = /smcard-adc/} on' <<< "$info")
check "iio_info lists smcard-adc with current2 and voltage3" "current2 voltage3" \
	"$(grep -oE '^\s+(current|voltage)[0-9]+:' <<< "$adc_info" | tr -d ' \t:' | xargs)"
check "iio_info shows the DT labels" "pressure level" \
	"$(grep -o 'label value: .*' <<< "$adc_info" | cut -d' ' -f3- | xargs)"
check "no channel for non-analog pins" "" \
	"$(ls "$D" | grep -E '^in_(voltage|current)[145]_')"

attr() { iio_attr -c smcard-adc "$1" "$2" 2>/dev/null; }

# within_lsb CHANNEL MICRO FS: (raw + offset) * scale vs. the input (milli)
within_lsb()
{
	local raw offset scale

	raw=$(attr "$1" raw) || return 1
	offset=$(attr "$1" offset) || offset=0
	scale=$(attr "$1" scale) || return 1
	awk -v r="$raw" -v o="$offset" -v s="$scale" -v want="$2" -v fs="$3" '
	BEGIN {
		got = (r + o) * s
		w = want / 1000
		if (w < 0) w = 0
		lsb = fs / 1000 / 65536
		if (w > fs / 1000 - lsb) w = fs / 1000 - lsb
		d = got - w
		if (d < 0) d = -d
		if (d <= lsb) exit 0
		printf "# raw %d offset %s scale %s: %.6f, want %.6f\n", r, o, s, got, w
		exit 1
	}'
}

for uv in $VOLTS_UV; do
	set_uv "$uv"
	ok "voltage3 at $uv uV within 1 LSB" within_lsb voltage$VOLT "$uv" $FS_UV
done
for ua in $AMPS_UA; do
	set_ua "$ua"
	ok "current2 at $ua uA within 1 LSB" within_lsb current$CUR "$ua" $FS_UA
done
for p in $OOR_UV; do
	set_uv "${p%%:*}"
	check "voltage3 at ${p%%:*} uV saturates" "${p##*:}" "$(attr voltage$VOLT raw)"
done
for p in $OOR_UA; do
	set_ua "${p%%:*}"
	check "current2 at ${p%%:*} uA saturates" "${p##*:}" "$(attr current$CUR raw)"
done

check "sampling_frequency_available lists the ADC_RATE codes" \
	"10 50 100 250 500 1000" "$(cat "$D/sampling_frequency_available")"
echo 250 > "$D/sampling_frequency"
rate=$(awk '$1 == "00000010:" { print $9 }' "$SIM/regs")
check "sampling_frequency 250 programs ADC_RATE 3" "250 03" \
	"$(cat "$D/sampling_frequency") $rate"
if echo 123 > "$D/sampling_frequency" 2>/dev/null; then
	ktap_test_fail "an unsupported rate is refused"
else
	check "an unsupported rate is refused" 250 "$(cat "$D/sampling_frequency")"
fi
echo 100 > "$D/sampling_frequency"

set_ua 12000
# Other drivers share the bus: fail plenty of transfers, then stop.
echo "1000 nack" > "$SIM/i2c_fail"
err=$(cat "$D/in_current${CUR}_raw" 2>&1)
echo "0 nack" > "$SIM/i2c_fail"
case $err in
*"No such device"*) ktap_test_pass "a raw read during an I2C fault fails with ENXIO" ;;
*) ktap_print_msg "got: $err"; ktap_test_fail "a raw read during an I2C fault fails with ENXIO" ;;
esac
check "the next raw read works" "$(code 12000 $FS_UA)" "$(cat "$D/in_current${CUR}_raw")"
ktap_finished
