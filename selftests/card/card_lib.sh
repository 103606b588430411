# SPDX-License-Identifier: GPL-2.0
# Helpers for the card driver selftests (sourced, not run).

card_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for d in "$card_here/../include" /usr/lib/smcard; do
	if [ -f "$d/ktap_helpers.sh" ]; then
		. "$d/ktap_helpers.sh"
		break
	fi
done

SIM=/sys/kernel/debug/smcard-sim
[ -d "$SIM" ] || mount -t debugfs none /sys/kernel/debug

# The IO controller's I2C device and the card's MFD children.
card_ioc() { ls -d /sys/bus/i2c/drivers/smcard-core/*-0028 2>/dev/null | head -1; }
card_cell() { ls -d /sys/bus/platform/devices/"$1".* 2>/dev/null | head -1; }

# Byte at register REG (0..0xff) in the simulator's register dump.
sim_reg()
{
	local reg=$(($1))

	awk -v row="$(printf '%08x:' $((reg & ~15)))" -v col=$(((reg & 15) + 2)) \
		'$1 == row { print $col }' "$SIM/regs"
}

# check DESCRIPTION EXPECTED ACTUAL
check()
{
	if [ "$2" = "$3" ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: expected '$2', got '$3'"
		ktap_test_fail "$1"
	fi
}

# ok DESCRIPTION COMMAND...: passes when COMMAND succeeds
ok()
{
	local desc=$1

	shift
	if "$@"; then
		ktap_test_pass "$desc"
	else
		ktap_test_fail "$desc"
	fi
}

# Wait for a condition given as a command; give up after 30 s (a loaded
# host is slow, not hung).
wait_for()
{
	for _ in $(seq 300); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# The core has restored the controller after a reset (STATUS.RESET clear).
card_reset_done() { [ "$(sim_reg 0x06)" = 00 ]; }
