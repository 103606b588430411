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

# mu_judge DESC WANT GOT WINDOW_MS ASK: one KTAP result for a scan. GOT
# must hold the lines of WANT (meter first) and nothing else, except
# meters that the scan missed only because the emulator stalled
# (misses.awk, on the recording of mu_watch_start; WINDOW_MS is the reply
# window the master allowed): each of those must answer when asked again
# ('ASK METER' succeeds).
mu_judge()
{
	local desc=$1 window=$4 ask=$5 meter verdict emu=0 bad=0

	sort "$2" > "$TMP/judge.want"
	sort "$3" > "$TMP/judge.got"
	comm -23 "$TMP/judge.want" "$TMP/judge.got" | cut -d' ' -f1 > "$TMP/judge.missing"
	comm -13 "$TMP/judge.want" "$TMP/judge.got" > "$TMP/judge.extra"
	awk -f "$here/misses.awk" -v off="$(stall_offset "$TMP/stalls")" \
		-v window=$((window * 1000000)) "$TMP/stalls" "$TMP/monitor" \
		"$TMP/judge.missing" > "$TMP/judge.verdicts"
	while read -r meter verdict; do
		if [ "$verdict" = emulator ] && "$ask" "$meter" >/dev/null 2>&1; then
			emu=$((emu + 1))
		else
			bad=$((bad + 1))
			ktap_print_msg "$desc: $meter missed ($verdict)"
		fi
	done < "$TMP/judge.verdicts"
	if [ -s "$TMP/judge.extra" ]; then
		bad=$((bad + $(wc -l < "$TMP/judge.extra")))
		ktap_print_msg "$desc: found but not there:"
		head -10 "$TMP/judge.extra" | sed 's/^/# /'
	fi
	[ $emu = 0 ] || ktap_print_msg "$desc: $emu missed while the emulator stalled, each found when asked again"
	ok "$desc (emulator stalls excepted)" [ $bad = 0 ]
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
