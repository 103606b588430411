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
