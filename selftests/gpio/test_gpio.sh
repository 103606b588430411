#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcard-gpio against the simulator, with the reference card overlay
# (IO1 S0, IO2 4-20 mA, IO3 0-10 V, IO4 digital in, IO5 open drain):
# line names and validity, directions, values in both directions, edge
# events, hardware debounce and I2C faults.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../card/card_lib.sh"

ktap_print_header
ktap_set_plan 21

chip=$(gpiodetect | awk '$2 == "[smcard]" { print $1 }')
[ -n "$chip" ] || ktap_exit_fail_msg "no smcard GPIO chip"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

info=$(gpioinfo -c "$chip")
names=$(awk '$1 == "line" { gsub("\"", "", $3); printf "%s ", $3 }' <<< "$info")
check "gpioinfo names the lines" "P1_REQ IO1 IO2 IO3 IO4 IO5 " "$names"
dirs=$(awk '$1 == "line" { printf "%s ", $4 }' <<< "$info")
check "directions follow the pin functions" \
	"output input input input input output " "$dirs"

for line in IO1 IO2 IO3; do
	if gpioget -c "$chip" "$line" >/dev/null 2>&1; then
		ktap_test_fail "$line (analog/S0) cannot be requested"
	else
		ktap_test_pass "$line (analog/S0) cannot be requested"
	fi
done

echo 0 > "$SIM/io4/level"
a=$(gpioget -c "$chip" --numeric IO4)
echo 1 > "$SIM/io4/level"
b=$(gpioget -c "$chip" --numeric IO4)
echo 0 > "$SIM/io4/level"
check "gpioget IO4 follows the input level" "0 1" "$a $b"

gpioset -c "$chip" -t 0 P1_REQ=1
a=$(cat "$SIM/p1_req")
gpioset -c "$chip" -t 0 P1_REQ=0
check "gpioset P1_REQ drives the P1 request line" "1 0" "$a $(cat "$SIM/p1_req")"

gpioset -c "$chip" -t 0 -d open-drain IO5=0
a=$(cat "$SIM/io5/output")
gpioset -c "$chip" -t 0 -d open-drain IO5=1
check "gpioset -d open-drain IO5 sinks and releases" "0 1" \
	"$a $(cat "$SIM/io5/output")"
# A request held open and switched (what a daemon does): gpiolib sets an
# open-drain line to 1 through the chip's direction_input, 0 through
# direction_output. -t 300ms,0: set, hold 300 ms, toggle once, exit.
gpioset -c "$chip" -t 300ms,0 -d open-drain IO5=0
a=$(cat "$SIM/io5/output")
gpioset -c "$chip" -t 300ms,0 -d open-drain IO5=1
check "open-drain IO5 switched while requested: 0 -> 1, 1 -> 0" "1 0" \
	"$a $(cat "$SIM/io5/output")"

ok "IO4 (input) refuses to be an output" \
	eval '! gpioset -c "$chip" -t 0 IO4=1 2>/dev/null'
ok "IO5 (output) refuses to be an input" \
	eval '! gpioget -c "$chip" IO5 >/dev/null 2>&1'

# A previous user selected both edges of IO4; the edges that happen while
# nobody holds the line latch in the controller and must not reach the
# next user.
gpiomon -c "$chip" -e both -n 1 IO4 > /dev/null &
mon=$!
until_ok 60 waiting $mon
echo 1 > "$SIM/io4/level"
wait_for 30 eval '! kill -0 $mon 2>/dev/null'
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
echo 0 > "$SIM/io4/level"

# Edges: gpiomon exits after 6 events. Each level change waits for the
# event of the one before: the controller latches one edge per pin, like
# real hardware, and a guest the host stalls may not have read it yet.
gpiomon -c "$chip" -e both -n 6 -F '%S %E' IO4 > "$tmp/edges" &
mon=$!
until_ok 60 waiting $mon
n=0
for level in 1 0 1 0 1 0; do
	echo "$level" > "$SIM/io4/level"
	n=$((n + 1))
	until_ok 30 eval '[ "$(wc -l < "$tmp/edges")" -ge $n ] || ! kill -0 $mon 2>/dev/null'
done
wait_for 30 eval '! kill -0 $mon 2>/dev/null'
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
check "gpiomon sees 6 alternating edges" \
	"rising falling rising falling rising falling " \
	"$(awk '{ printf "%s ", $2 }' "$tmp/edges")"
ok "edge timestamps increase" \
	awk 'NR > 1 && $1 <= last { exit 1 } { last = $1 } END { exit NR != 6 }' \
	"$tmp/edges"

# Debounce: 20 ms filter in the controller, glitches of 2 ms, then a pulse.
gpiomon -c "$chip" -e rising -n 1 -p 20ms -F '%E' IO4 > "$tmp/debounce" &
mon=$!
until_ok 60 waiting $mon
check "a 20 ms debounce period is programmed into the controller (200 x 100 us)" \
	"c8 00" "$(sim_reg 0x3a) $(sim_reg 0x3b)"
echo "5 50 2000" > "$SIM/io4/pulses"
cat "$SIM/io4/pulses_wait" >/dev/null
sleep 0.3
ok "glitches of 2 ms produce no edge" kill -0 "$mon"
echo "1 2 100000" > "$SIM/io4/pulses"
cat "$SIM/io4/pulses_wait" >/dev/null
wait_for 30 eval '! kill -0 $mon 2>/dev/null'
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
check "a 100 ms pulse passes the filter" rising "$(cat "$tmp/debounce")"
check "releasing the line clears the filter" "00 00" \
	"$(sim_reg 0x3a) $(sim_reg 0x3b)"

# I2C faults: the failed access reports an error, the next one works.
echo 1 > "$SIM/io4/level"
echo "1 nack" > "$SIM/i2c_fail"
ok "gpioget fails while the bus NACKs" \
	eval '! gpioget -c "$chip" IO4 >/dev/null 2>&1'
check "the next gpioget works" 1 "$(gpioget -c "$chip" --numeric IO4)"
echo "1 timeout" > "$SIM/i2c_fail"
ok "gpioset fails on a bus timeout" \
	eval '! gpioset -c "$chip" -t 0 P1_REQ=1 2>/dev/null'
gpioset -c "$chip" -t 0 P1_REQ=1
check "the next gpioset works" 1 "$(cat "$SIM/p1_req")"
gpioset -c "$chip" -t 0 P1_REQ=0
echo 0 > "$SIM/io4/level"

ktap_finished
