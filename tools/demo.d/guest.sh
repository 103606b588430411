#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest side of 'make demo': broker, emulated meters, the world around
# the card (S0 pulses, a varying 4-20 mA loop), smcardd, and every MQTT
# message on the console for the host's live view (tools/demo).
#   guest.sh SECONDS [EPOCH]   (the repository is shared at /mnt/share)
secs=${1:-120}
[ -n "${2:-}" ] && date -s "@$2" >/dev/null
top=/mnt/share
data=$top/userspace/tests/data/mbus
S=/sys/kernel/debug/smcard-sim
mount -t debugfs none /sys/kernel/debug 2>/dev/null
cd /tmp || exit 1
pids=()
cleanup()
{
	local i

	kill "${pids[@]}" 2>/dev/null
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "${pids[@]}" 2>/dev/null || break
		sleep 0.3
	done
	kill -KILL "${pids[@]}" 2>/dev/null
}
trap cleanup EXIT

say() { echo "demo: $*"; }

mkdir -p /var/lib/mosquitto && chown mosquitto /var/lib/mosquitto
printf 'listener 1883 127.0.0.1\nallow_anonymous true\n' > /tmp/mosquitto.conf
mosquitto -c /tmp/mosquitto.conf > /tmp/mosquitto.log 2>&1 &
pids+=($!)

# Meters
p1-meter --device /dev/smcard-sim-p1 --req-file $S/p1_req --flavour dsmr5 \
	> /tmp/p1-meter.log 2>&1 &
pids+=($!)
mbus-meters --device /dev/smcard-sim-mbus --meter "5=$data/water_pad_doc_example.hex" \
	--meter "7=$data/heat_kam_multical.hex" --meter "9=$data/gas_els_volume.hex" \
	> /tmp/mbus-meters.log 2>&1 &
pids+=($!)
modbus-meter --rtu /dev/smcard-sim-serial --baud 9600 --parity E --slave 1 \
	> /tmp/modbus-meter.log 2>&1 &
pids+=($!)

# The world: S0 pulses on IO1 (one 50 ms pulse a second: 3.6 kW at
# 1000 imp/kWh; the counter's input filter is 30 ms), pressure on IO2
(
	trap 'exit 0' TERM
	i=0
	while [ "$i" -lt $((secs / 2 + 10)) ]; do
		echo "2 5 50000" > $S/io1/pulses 2>/dev/null
		# 10..14 mA: 3.75..6.25 bar, a slow saw tooth
		echo $((10000 + (i % 20) * 200)) > $S/io2/current_ua
		sleep 2
		i=$((i + 1))
	done
) >/dev/null 2>&1 &
pids+=($!)

for _ in $(seq 50); do
	mosquitto_sub -h localhost -t '$SYS/broker/version' -C 1 -W 1 >/dev/null 2>&1 && break
	sleep 0.2
done
mosquitto_sub -h localhost -v -t 'smcard/#' -t 'homeassistant/#' > /tmp/mqtt.log 2>&1 &
pids+=($!)

smcardd --foreground -c $top/tools/demo.d/smcardd.conf > /tmp/smcardd.log 2>&1 &
dpid=$!
pids+=($dpid)

# New lines of the MQTT and daemon logs on the console, one message per
# line ("MQTT topic payload", "LOG text"), for the host's view.
nm=0 nl=0
forward()
{
	local m l

	m=$(wc -l < /tmp/mqtt.log)
	l=$(wc -l < /tmp/smcardd.log)
	[ "$m" -gt "$nm" ] && awk -v a="$nm" -v b="$m" 'NR > a && NR <= b { print "MQTT " $0 }' /tmp/mqtt.log
	[ "$l" -gt "$nl" ] && awk -v a="$nl" -v b="$l" 'NR > a && NR <= b { print "LOG " $0 }' /tmp/smcardd.log
	nm=$m nl=$l
}

# a door opening and closing, and the valve switched over MQTT, now and then
start=$SECONDS
step=0
while [ $((SECONDS - start)) -lt "$secs" ]; do
	sleep 1
	forward
	# every 10 s: door open, valve on, door closed, valve off
	if [ $(((SECONDS - start) / 10)) -gt "$step" ]; then
		step=$(((SECONDS - start) / 10))
		case $((step % 4)) in
		0) echo 1 > $S/io4/level ;;
		1) mosquitto_pub -h localhost -t smcard/demo/output/valve/set -m ON ;;
		2) echo 0 > $S/io4/level ;;
		3) mosquitto_pub -h localhost -t smcard/demo/output/valve/set -m OFF ;;
		esac
	fi
	kill -0 $dpid 2>/dev/null || { say "smcardd stopped"; break; }
done
kill -TERM $dpid 2>/dev/null
wait $dpid 2>/dev/null
forward
echo "END $(wc -l < /tmp/smcardd.jsonl 2>/dev/null || echo 0) readings"
