#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The M-Bus UART's bus model: in master role nothing passes the wire while
# the bus supply is off (or tripped); with the supply on, or in slave role,
# bytes pass in both directions.
. "$(dirname "$0")/sim_lib.sh"

TTY=/dev/ttySIM1
PEER=/dev/smcard-sim-mbus

ktap_print_header
sim_load || ktap_exit_fail_msg "smcard-sim not loaded"
if [ ! -c "$TTY" ]; then
	ktap_skip_all "$TTY is not a tty (a serdev driver owns the M-Bus UART)"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 5
BUS=$(sim_bus)
sim_claim_ioc
sim_fresh

out=$(mktemp)
exec 3<> "$TTY"
stty -F "$TTY" 2400 cs8 parenb -parodd -cstopb raw -echo -crtscts clocal
cat "$PEER" >> "$out" &
reader=$!
until_ok 30 waiting $reader

# dropped: the bytes the dead wire has swallowed so far
dropped() { awk '$1 == "wire_dropped" { print $2 }' "$SIM/mbus/stats"; }

# send TEXT: the host transmits TEXT; prints what reached the peer once
# every byte has reached it or been dropped by the wire (no fixed wait:
# the wire time at 2400 Bd is paced by the guest's timers)
send()
{
	local before n=${#1}

	: > "$out"
	before=$(dropped)
	printf '%s' "$1" >&3
	until_ok 30 eval '[ $(($(dropped) - before + $(wc -c < "$out"))) -ge $n ]'
	cat "$out"
}

check "master, supply off: transmitted bytes are lost" "" "$(send off)"
wr 0x15 0x01
check "master, supply on: bytes reach the bus" "on" "$(send on)"
echo 1 > "$SIM/mbus_overcurrent"
check "over-current: the supply trips and the wire is dead" "0 " \
	"$(cat "$SIM/mbus_power") $(send tripped)"
wr 0x16 0x01
wr 0x15 0x02
check "slave role: bytes pass without the master supply" "slave" "$(send slave)"
check "the simulator shows the role" slave "$(cat "$SIM/mbus_role")"

kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null
exec 3>&-
rm -f "$out"
sim_fresh
ktap_finished
