# SPDX-License-Identifier: GPL-2.0
# Helpers for the card driver selftests (sourced, not run).

. "$(dirname "${BASH_SOURCE[0]}")/../lib/helpers.sh"

sim_debugfs

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

# The core has restored the controller after a reset (STATUS.RESET clear).
card_reset_done() { [ "$(sim_reg 0x06)" = 00 ]; }
