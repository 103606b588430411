# SPDX-License-Identifier: GPL-2.0
# Helpers for the M-Bus userspace selftests (sourced, not run): the
# mbus-meters emulator on the simulator's M-Bus peer, smcardctl as master.

here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/../lib/helpers.sh"

PEER=/dev/smcard-sim-mbus
EMU_PID=
TMP=$(mktemp -d)

mu_cleanup()
{
	mu_emu_stop
	mu_watch_stop
	rm -rf "$TMP"
}
trap mu_cleanup EXIT

# The bus, powered, at the rate $1; skip everything if there is none.
mu_bus_ready()
{
	if ! smcardctl mbus list 2>"$TMP/err" | grep -q '^mbus'; then
		ktap_skip_all "no M-Bus interface: $(cat "$TMP/err")"
		exit "$KSFT_SKIP"
	fi
	smcardctl mbus power on && smcardctl mbus set-baud "$1" >/dev/null
}

# mu_emu_start ARGS...: the emulator on the peer, in the background.
mu_emu_start()
{
	mu_emu_stop
	mbus-meters --device "$PEER" "$@" 2>"$TMP/emu.err" &
	EMU_PID=$!
	# ready once it waits for requests on the peer
	until_ok 60 eval 'waiting "$EMU_PID" || ! kill -0 "$EMU_PID" 2>/dev/null'
	kill -0 "$EMU_PID" 2>/dev/null
}

mu_emu_stop()
{
	if [ -n "$EMU_PID" ]; then
		kill "$EMU_PID" 2>/dev/null
		wait "$EMU_PID" 2>/dev/null
		EMU_PID=
	fi
}

# mu_watch_start: record the emulator's stalls (stallwatch) and every frame
# on the bus (the kernel's monitor), to judge what a scan missed (mu_judge)
mu_watch_start()
{
	stall_start "$TMP/stalls"
	smcardctl mbus monitor --json > "$TMP/monitor" 2>/dev/null &
	MON_PID=$!
	until_ok 60 waiting "$MON_PID"
}

mu_watch_stop()
{
	if [ -n "${MON_PID:-}" ]; then
		kill "$MON_PID" 2>/dev/null
		wait "$MON_PID" 2>/dev/null
		MON_PID=
	fi
	stall_stop
}

# mu_judge WANT GOT WINDOW_MS: what a scan missed (GOT against WANT, one
# meter per line, meter first), judged by misses.awk on the recording of
# mu_watch_start (WINDOW_MS: the reply window the master allowed). Prints
# "exact", "emulator N" (N meters missed, each only while the emulator
# stalled; listed in $TMP/judge.emulator) or "master" (anything else:
# shown as diagnostics).
mu_judge()
{
	local want=$1 got=$2 window=$3

	grep -vxF -f "$want" "$got" > "$TMP/judge.extra"
	grep -vxF -f "$got" "$want" | cut -d' ' -f1 > "$TMP/judge.missing"
	if [ ! -s "$TMP/judge.extra" ] && [ ! -s "$TMP/judge.missing" ]; then
		echo exact
		return
	fi
	awk -f "$here/misses.awk" -v off="$(stall_offset "$TMP/stalls")" \
		-v window=$((window * 1000000)) "$TMP/stalls" "$TMP/monitor" \
		"$TMP/judge.missing" > "$TMP/judge.verdicts"
	grep ' emulator$' "$TMP/judge.verdicts" | cut -d' ' -f1 > "$TMP/judge.emulator"
	if [ -s "$TMP/judge.extra" ] || grep -q ' master$' "$TMP/judge.verdicts"; then
		{
			echo "missed, not while the emulator stalled:"
			grep ' master$' "$TMP/judge.verdicts" | head -10
			echo "found but not there:"
			head -10 "$TMP/judge.extra"
		} | sed 's/^/# /' >&2
		echo master
		return
	fi
	echo "emulator $(wc -l < "$TMP/judge.emulator")"
}

# mu_scan DESC WANT WINDOW_MS PARSE SCAN_ARGS...: one KTAP result for a
# scan (scan --json SCAN_ARGS, its output turned into "METER ..." lines by
# PARSE) that must find exactly the meters of WANT. A scan that missed
# meters only while the emulator stalled is run again, up to three times;
# after that each of those meters must answer when asked again (mread).
mu_scan()
{
	local desc=$1 want=$2 window=$3 parse=$4 verdict attempt meter bad=0

	shift 4
	for attempt in 1 2 3; do
		mu_watch_start
		scan --json "$@" 2>/dev/null > "$TMP/scan.json"
		mu_watch_stop
		"$parse" < "$TMP/scan.json" > "$TMP/got"
		verdict=$(mu_judge "$want" "$TMP/got" "$window")
		ktap_print_msg "$desc: attempt $attempt: $verdict;" \
			"$(tr -d ' \n' < "$TMP/scan.json" | grep -o '"traffic":{[^}]*}')"
		case $verdict in
		emulator*) ;;
		*) break ;;
		esac
	done
	case $verdict in
	exact) ktap_test_pass "$desc" ;;
	master) ktap_test_fail "$desc" ;;
	*)
		while read -r meter; do
			mread "$meter" >/dev/null 2>&1 || bad=$((bad + 1))
		done < "$TMP/judge.emulator"
		ktap_print_msg "$desc: ${verdict#emulator } missed while the emulator stalled," \
			"$bad of them silent when asked again"
		ok "$desc (emulator stalls excepted)" [ $bad = 0 ]
		;;
	esac
}

# Bytes of a hex file or string, one per line, upper case.
hex_lines()
{
	sed 's/#.*//' | tr -s ' \t\n' '\n\n\n' | grep . | tr a-f A-F
}

# The bytes of a telegram that the emulator keeps as in the file: all but
# the A field (6th), the access number (16th) and the checksum.
telegram_core()
{
	hex_lines | awk '{ b[NR] = $0 } END {
		for (i = 1; i <= NR; i++)
			if (i != 6 && i != 16 && i != NR - 1) print b[i] }'
}
