#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The card as an M-Bus slave: smcardd's [mbus.slave] responder answers
# mbus-master, a master on the simulator's M-Bus peer. The telegram holds
# what the simulator injected (S0 pulses -> energy, 12 mA -> 5 bar,
# 7.5 V, the door input); SND_NKE, secondary selection with wildcards,
# FCB repeat, set primary address (kept over a restart), baud change; every
# answer's gap inside the EN 13757-2 window, measured by the master and
# from the monitor's time stamps; 'smcardctl mbus monitor' (root) shows
# every frame of a primary scan in order, and is refused to nobody.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/helpers.sh"

TMP=$(mktemp -d)
DPID=
MPID=
AS_NOBODY=$here/../serial/as_nobody

MAIN=$BASHPID

cleanup()
{
	[ "$BASHPID" = "$MAIN" ] || return 0	# not in a $(...) subshell
	[ -n "$MPID" ] && kill "$MPID" 2>/dev/null
	stall_stop
	stop_daemon
	[ "$KTAP_CNT_FAIL" = 0 ] || tail -25 "$TMP/smcardd.log" | sed 's/^/# smcardd: /'
	smcardctl mbus role master >/dev/null 2>&1
	smcardctl mbus set-baud 2400 >/dev/null 2>&1
	# pulse trains need an idle input: leave the door closed for later tests
	echo 0 > "$SIM/io4/level" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

start_daemon()
{
	local n

	n=$(grep -c 'mbus.slave.*slave at' "$TMP/smcardd.log" 2>/dev/null)
	smcardd -f -c "$TMP/smcardd.conf" 2>>"$TMP/smcardd.log" &
	DPID=$!
	until_ok 60 eval '[ "$(grep -c "mbus.slave.*slave at" "$TMP/smcardd.log")" -gt "${n:-0}" ]'
}

stop_daemon()
{
	if [ -n "$DPID" ]; then
		kill "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
		DPID=
	fi
}

# master ARGS...: mbus-master on the peer; the timing lines are collected.
# The card answers from smcardd, a process in the guest: a command that
# failed while the emulator stalled is run again (stall_retry).
master()
{
	stall_retry master_once "$@"
	local ret=$?
	cat "$TMP/m.out"
	return $ret
}

master_once()
{
	mbus-master --device /dev/smcard-sim-mbus --baud "${BAUD:-2400}" "$@" \
		> "$TMP/m.out" 2>"$TMP/m.err"
	local ret=$?
	grep '^timing' "$TMP/m.out" | sed "s/^/${BAUD:-2400} /" >> "$TMP/timing"
	return $ret
}

# value QUANTITY [SUBUNIT]: the value of a record in the last read
value()
{
	awk -v q="$1" -v s="${2:-0}" '$1 == "record" && $3 == q && $7 == s { print $4; exit }' "$TMP/m.out"
}

ktap_print_header
ktap_set_plan 16

if ! smcardctl mbus list 2>/dev/null | grep -q '^mbus'; then
	ktap_skip_all "no M-Bus interface"
	exit "$KSFT_SKIP"
fi
sim_debugfs
smcardctl mbus power off >/dev/null 2>&1
smcardctl mbus set-baud 2400 >/dev/null 2>&1
echo 0 > "$SIM/io1/level"
echo 0 > "$SIM/io4/level"
echo 12000 > "$SIM/io2/current_ua"
echo 7500000 > "$SIM/io3/voltage_uv"

cat > "$TMP/smcardd.conf" <<CONF
[general]
name = slavetest
log_level = debug
[jsonl]
path = $TMP/readings.jsonl
[spool]
path = $TMP/smcardd.db
[mbus.slave]
id = 12345678
manufacturer = OPT
version = 1
medium = electricity
primary_address = 7
baud = 2400
[counter energy]
device = smcard-counter
count = 0
pulses_per_unit = 1000
unit = kWh
initial = 100
interval = 1s
[analog pressure]
pin = 2
input = 4 20
output = 0 10
unit = bar
interval = 1s
[analog level]
pin = 3
unit = V
interval = 1s
[digital door]
gpio = IO4
CONF

start_daemon
check "smcardd switches the port to the slave role" slave "$(cat "$SIM/mbus_role")"
# the simulator measures every reply gap on the wire from here on; the
# emulator's stalls are recorded over the same time (the control)
stall_start "$TMP/stalls"
echo 0 > "$SIM/mbus/turnaround"

# --- values equal to what the simulator injected ---
for c in /sys/bus/counter/devices/counter*; do
	# count0 is IO1; S0 pins filter 30 ms by default: 1 ms for a 200 Hz train
	case $(cat "$c/name") in smcard-counter*)
		echo 1000000 > "$c/count0/spike_filter_ns"
		echo 1 > "$c/count0/enable" ;;
	esac
done
echo "1234 200 2000" > "$SIM/io1/pulses"
cat "$SIM/io1/pulses_wait" >/dev/null
echo 1 > "$SIM/io4/level"
# the daemon samples its sources every second: read until it has
read_sampled()
{
	master read 7 > /dev/null && [ "$(value energy)" = 101234 ] &&
		[ "$(value digital_input)" = 1 ]
}
until_ok 60 read_sampled
ktap_print_msg "$(grep '^record' "$TMP/m.out" | tr '\n' ';')"
check "energy: 100 kWh + 1234 pulses at 1000 imp/kWh = 101234 Wh" 101234 "$(value energy)"
check "pressure: 12 mA on 4-20 mA -> 0-10 bar = 5 bar" 5.000 "$(value pressure)"
check "level: 7.5 V" 7.500 "$(value voltage 1)"
check "door: digital input 1" 1 "$(value digital_input)"
# OPT = 0x3E14 (sent LSB first), version 01, medium 02 (electricity)
check "header: ID 12345678, OPT, version 1, electricity" 12345678143E0102 \
	"$(grep -o 'secondary [0-9A-F]*' "$TMP/m.out" | head -1 | cut -c11-)"

# --- SND_NKE and secondary selection (EN 13757-3 wildcards) ---
r1=$(master nke 7 >/dev/null && echo ok)
# silences are asked once: a stall cannot make the card answer
r2=$(master_once --wait 300 nke 8 >/dev/null || echo silent)
check "SND_NKE: E5 at address 7, silence at 8" "ok silent" "$r1 $r2"
r1=$(master select 1234FFFF >/dev/null && echo ok)
r2=$(master_once --wait 300 select 12345679 >/dev/null || echo silent)
r3=$(master read 12345678 | grep -c '^telegram address 7 secondary 12345678')
check "selection: wildcard matches, other ID silent, read by secondary address" "ok silent 1" "$r1 $r2 $r3"

# --- FCB: same FCB repeats the telegram, toggled FCB gives the next ---
master nke 7 >/dev/null
raw() { master --json ud2 7 "$1" | grep -o '"raw":"[^"]*"'; }
a=$(raw fcb1); b=$(raw fcb1); c=$(raw fcb0)
check "FCB not toggled: the same telegram again; toggled: a new one" "same new" \
	"$([ "$a" = "$b" ] && echo same) $([ -n "$c" ] && [ "$a" != "$c" ] && echo new)"

# --- the monitor is private: refused to nobody, with the reason ---
out=$(timeout 5 "$AS_NOBODY" smcardctl mbus monitor --count 1 2>&1)
rc=$?
check "monitor as nobody: refused (status 1, needs CAP_NET_ADMIN)" "1 yes" \
	"$rc $(echo "$out" | grep -q 'needs CAP_NET_ADMIN' && echo yes)"

# --- monitor (root) shows every frame of a primary scan in order ---
smcardctl mbus monitor --json > "$TMP/mon" 2>"$TMP/mon.err" &
MPID=$!
# ready once it waits on its netlink socket
until_ok 60 waiting "$MPID"
master --wait 300 --json scan-primary 6 8 > "$TMP/scan.json"
tr '{' '\n' < "$TMP/scan.json" | awk '
	match($0, /"request":"[^"]*"/) { print "rx " substr($0, RSTART + 11, RLENGTH - 12)
		if (match($0, /"reply":"[^"]*"/)) print "tx " substr($0, RSTART + 9, RLENGTH - 10) }' > "$TMP/expect"
until_ok 30 eval '[ "$(grep -c "\"direction\"" "$TMP/mon")" -ge "$(wc -l < "$TMP/expect")" ]'
kill "$MPID"; wait_for 5 eval '! kill -0 $MPID 2>/dev/null'
kill -9 "$MPID" 2>/dev/null; wait "$MPID" 2>/dev/null; MPID=
grep -o '"direction":"[rt]x"[^}]*"frame":"[^"]*"' "$TMP/mon" |
	sed 's/"direction":"\(..\)".*"frame":"\([^"]*\)"/\1 \2/' > "$TMP/got"
ktap_print_msg "scan: $(wc -l < "$TMP/expect") frames expected, $(wc -l < "$TMP/got") seen; found $(grep -o '"found":\[[^]]*\]' "$TMP/scan.json")"
if [ -s "$TMP/expect" ] && cmp -s "$TMP/expect" "$TMP/got"; then
	ktap_test_pass "monitor shows every frame of the scan in order"
else
	diff "$TMP/expect" "$TMP/got" | head -10 | sed 's/^/# /'
	ktap_test_fail "monitor shows every frame of the scan in order"
fi

# reply gaps from the kernel's time stamps: request end (rx) to answer end
# (tx), as "GAP_BITS RX_NS TX_NS" (CLOCK_REALTIME)
awk -F'[:,]' -v bit=$((1000000000 / 2400)) '
	/"direction":"rx"/ { for (i = 1; i < NF; i++) if ($i == "\"timestamp_ns\"") rx = $(i + 1) }
	/"direction":"tx"/ { for (i = 1; i < NF; i++) if ($i == "\"timestamp_ns\"") tx = $(i + 1)
		match($0, /"frame":"[^"]*"/); n = (RLENGTH - 9) / 3
		gap = (tx - rx - n * 11 * bit) / bit
		printf "%.1f %s %s\n", gap, rx, tx }' "$TMP/mon" > "$TMP/mon_gaps"
ktap_print_msg "monitor gaps (bit times): $(cut -d' ' -f1 "$TMP/mon_gaps" | sort -n | tr '\n' ' ')"

# --- set primary address, kept over a daemon restart ---
master set-address 7 42 >/dev/null
stop_daemon
start_daemon
r1=$(master read 42 | grep -c '^telegram address 42 ')
r2=$(master_once --wait 300 nke 7 >/dev/null || echo silent)
check "set-address 7 -> 42, still 42 after a restart" "1 silent" "$r1 $r2"

# --- baud change: E5 at 2400, then the bus runs at 9600 ---
read -r turns_2400 turn_min_2400 turn_max_2400 < "$SIM/mbus/turnaround"
master set-baud 42 9600 >/dev/null
# the E5 goes out at 2400 Bd, then the daemon switches the line
until_ok 30 eval '[ "$(cut -d" " -f1 "$SIM/mbus/termios")" = 9600 ]'
echo 0 > "$SIM/mbus/turnaround"
BAUD=9600
r1=$(cut -d' ' -f1 "$SIM/mbus/termios")
r2=$(master read 42 | grep -c '^telegram address 42 ')
check "baud change: the slave answers at 9600 Bd" "9600 1" "$r1 $r2"

# --- timing: every answer inside the window ---
read -r turns_9600 turn_min_9600 turn_max_9600 < "$SIM/mbus/turnaround"
stall_stop
# The lower bound is the core's (it holds an answer back for 11 bit times)
# and no stall can break it. The upper bound is the daemon's and the
# core's, and the emulator's stalls delay them: an answer may be later
# than the window by no more than the VM was seen stalled (the slowest
# answer is not known by time, so all stalls of the run count for it).
stalled=$(stalled_ns "$TMP/stalls" 0 9223372036854775807)
ktap_print_msg "the emulator stalled $(stalls "$TMP/stalls") times, $((stalled / 1000000)) ms in all"
# in_window BAUD N MIN_NS MAX_NS: the simulator's wire gaps against
# EN 13757-2: at least 11 bit times, at most 330 bit times + 50 ms
in_window()
{
	awk -v b="$1" -v n="$2" -v lo="$3" -v hi="$4" -v stalled="$stalled" 'BEGIN {
		bit = 1e9 / b
		printf "%d answers, %.1f .. %.1f bit times (window 11 .. %.0f)\n",
			n, lo / bit, hi / bit, 330 + 0.05e9 / bit
		exit !(n > 0 && lo >= 11 * bit && hi <= 330 * bit + 0.05e9 + stalled) }'
}
for baud in 2400 9600; do
	n=turns_$baud lo=turn_min_$baud hi=turn_max_$baud
	msg=$(in_window $baud "${!n}" "${!lo}" "${!hi}") && r=ok || r=outside
	ktap_print_msg "wire at $baud Bd: $msg"
	check "wire at $baud Bd: every answer inside the window (emulator stalls excepted)" ok $r
done

# The kernel's time stamps: each answer against the stalls during its own
# turnaround (CLOCK_REALTIME stamps, converted to the stall file's clock)
off=$(stall_offset "$TMP/stalls")
late=0
while read -r gap rx tx; do
	if awk -v g="$gap" 'BEGIN { exit !(g < 10.5) }'; then
		late=$((late + 1))
		continue
	fi
	excess=$(awk -v g="$gap" -v bit=$((1000000000 / 2400)) 'BEGIN { printf "%.0f", (g - 330 - 120) * bit }')
	[ "$excess" -le 0 ] && continue
	[ "$excess" -le "$(stalled_ns "$TMP/stalls" $((rx - off)) $((tx - off)))" ] ||
		late=$((late + 1))
done < "$TMP/mon_gaps"

# the master's own view (it times a gap only when it woke up in time)
ktap_print_msg "master: $(cat "$TMP/timing" | tr '\n' ';')"
check "kernel time stamps: every answer starts 11 .. 330 bit times + 50 ms after the request (emulator stalls excepted)" \
	"ok" "$([ -s "$TMP/mon_gaps" ] && [ $late = 0 ] && echo ok || echo "$late/$(wc -l < "$TMP/mon_gaps")")"

ktap_finished
