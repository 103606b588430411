#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# [iio NAME]: the HDC1080 on the card's I2C connector (driver hdc100x,
# emulated by smcard-sim) read by name: temperature and humidity in °C
# and %, following the sensor, with a Home Assistant sensor each.
. "$(dirname "$0")/gateway_lib.sh"

ktap_print_header
ktap_set_plan 4

H=$S/hdc1080
echo 21500 > $H/temperature_mc
echo 45000 > $H/humidity_pcm
broker_start || ktap_exit_fail_msg "mosquitto did not start"
record
config <<C
[iio climate]
device = hdc100x
interval = 1s
C
daemon_start
wait_mqtt "^$T/iio/climate " 60 || { e2e_dump; ktap_exit_fail_msg "no reading from [iio climate]"; }
p=$(last $T/iio/climate)
ok "21.5 °C, 45 %: $(num "$p" temperature) °C, $(num "$p" humidity) %" \
	bash -c "near '$(num "$p" temperature)' 21.5 0.1 && near '$(num "$p" humidity)' 45 0.2 &&
		 echo '$p' | grep -q '\"units\":{\"temperature\":\"°C\",\"humidity\":\"%\"}'"

echo -5250 > $H/temperature_mc
echo 80000 > $H/humidity_pcm
wait_mqtt "^$T/iio/climate .*\"temperature\":-5\\.2" 10
p=$(last $T/iio/climate)
ok "follows the sensor: $(num "$p" temperature) °C, $(num "$p" humidity) %" \
	bash -c "near '$(num "$p" temperature)' -5.25 0.1 && near '$(num "$p" humidity)' 80 0.2"

wait_mqtt "^homeassistant/sensor/e2e/iio_climate_temperature/config " 10
c=$(last homeassistant/sensor/e2e/iio_climate_temperature/config)
ok "discovery: temperature sensor in °C" \
	bash -c "echo '$c' | grep -q '\"device_class\":\"temperature\"' && echo '$c' | grep -q '\"unit_of_measurement\":\"°C\"' &&
		 echo '$c' | grep -q '\"value_template\":\"{{ value_json.temperature }}\"'"
c=$(last homeassistant/sensor/e2e/iio_climate_humidity/config)
ok "discovery: humidity sensor in %" \
	bash -c "echo '$c' | grep -q '\"device_class\":\"humidity\"' && echo '$c' | grep -q '\"unit_of_measurement\":\"%\"'"

[ "$KTAP_CNT_FAIL" = 0 ] || e2e_dump
ktap_finished
