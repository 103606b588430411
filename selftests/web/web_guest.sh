#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of host_web.sh: a broker, a P1 meter, a known world on the
# pins (12 mA on IO2, 6 V on IO3, S0 pulses on IO1, IO4 high) and two
# smcardd: A serves the page on :8080 with a bearer token and writes
# allowed, B serves HTTPS on :8443 with basic auth, read-only. The host
# talks to both through forwarded ports; the shared directory carries
# the MQTT log and the hand-shake files (ready, done).
#   web_guest.sh SHARE_DIR EPOCH
W=$1
[ -n "${2:-}" ] && date -s "@$2" >/dev/null
S=/sys/kernel/debug/smcard-sim
mount -t debugfs none /sys/kernel/debug 2>/dev/null
cd /tmp || exit 1
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; sleep 1; kill -KILL "${pids[@]}" 2>/dev/null' EXIT

printf 'listener 1883 127.0.0.1\nallow_anonymous true\nuser root\n' > /tmp/mosquitto.conf
mosquitto -c /tmp/mosquitto.conf > /tmp/mosquitto.log 2>&1 &
pids+=($!)
p1-meter --device /dev/smcard-sim-p1 --req-file $S/p1_req --flavour dsmr5 \
	> /tmp/p1-meter.log 2>&1 &
pids+=($!)
echo 12000 > $S/io2/current_ua
echo 6000000 > $S/io3/voltage_uv
echo 1 > $S/io4/level
(
	trap 'exit 0' TERM
	while :; do
		echo "1 5 50000" > $S/io1/pulses 2>/dev/null
		sleep 1
	done
) >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	mosquitto_sub -h localhost -t '$SYS/broker/version' -C 1 -W 1 >/dev/null 2>&1 && break
	sleep 0.2
done
mosquitto_sub -h localhost -v -t 'smcard/#' > "$W/mqtt.log" 2>&1 &
pids+=($!)

cat > /tmp/a.conf <<EOF
[general]
name = web
[mqtt]
host = localhost
[spool]
path = /tmp/a.db
[p1]
device = /dev/ttySIM2
interval = 2s
[status]
interval = 5s
[counter s0]
device = smcard-counter
count = 0
pulses_per_unit = 1000
unit = kWh
interval = 2s
[analog pressure]
pin = 2
input = 4 20
output = 0 10
unit = bar
interval = 2s
[analog level]
pin = 3
unit = V
interval = 2s
[digital door]
gpio = IO4
device_class = door
[output valve]
gpio = IO5
open_drain = yes
initial = 0
[http]
listen = 0.0.0.0
port = 8080
token = $(cat "$W/token")
read_only = no
max_connections = 8
EOF
cat > /tmp/b.conf <<EOF
[general]
name = webtls
[jsonl]
path = /tmp/b.jsonl
[spool]
path = /tmp/b.db
[status]
interval = 5s
[http]
listen = 0.0.0.0
port = 8443
certfile = $W/cert.pem
keyfile = $W/key.pem
username = admin
password = $(cat "$W/password")
EOF
smcardd --foreground -c /tmp/a.conf > "$W/a.log" 2>&1 &
a=$!
pids+=($a)
smcardd --foreground -c /tmp/b.conf > "$W/b.log" 2>&1 &
pids+=($!)

# ready once every kind of reading arrived once
for _ in $(seq 120); do
	n=0
	for t in p1 status counter/s0 analog/pressure analog/level digital/door output/valve; do
		grep -q "^smcard/web/$t " "$W/mqtt.log" && n=$((n + 1))
	done
	[ $n = 7 ] && break
	sleep 0.5
done
echo "$n" > "$W/ready"
for _ in $(seq 600); do
	[ -e "$W/done" ] && break
	sleep 0.5
done
cat $S/io5/output > "$W/io5" 2>/dev/null
kill -TERM "$a"
wait "$a"
echo $? > "$W/a.status"
