#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Switching the M-Bus master supply when the I2C write to MBUS_CTRL (0x15)
# fails: before the controller took it (timeout) or after (late timeout).
# Whatever the command reports, the next switch must work: a failed off
# leaves the supply on and counted as on, so the next off switches it off;
# a failed on leaves it off; a late off is an off.
. "$(dirname "$0")/mbus_user_lib.sh"

SIM=/sys/kernel/debug/smcard-sim

# power STATE: smcardctl mbus power STATE; prints "ok" or "failed"
power() { smcardctl mbus power "$1" >/dev/null 2>&1 && echo ok || echo failed; }
hw() { cat "$SIM/mbus_power"; }

ktap_print_header
ktap_set_plan 6
mu_bus_ready 2400 >/dev/null
trap 'echo 0 > "$SIM/i2c_fail"; power on >/dev/null; mu_cleanup' EXIT

power on >/dev/null
echo "1 timeout 0x15" > "$SIM/i2c_fail"
check "an off whose MBUS_CTRL write times out fails, the supply stays on" \
	"failed 1" "$(power off) $(hw)"
check "the next off switches it off" "ok 0" "$(power off) $(hw)"

echo "1 late 0x15" > "$SIM/i2c_fail"
r=$(power on)
check "an on whose MBUS_CTRL write fails late fails and leaves the supply off" \
	"failed 0" "$r $(hw)"
check "then on and off work" "ok 1 ok 0" "$(power on) $(hw) $(power off) $(hw)"

power on >/dev/null
echo "1 late 0x15" > "$SIM/i2c_fail"
check "an off whose MBUS_CTRL write fails late has switched it off" \
	"0" "$(power off >/dev/null; hw)"
check "then on and off work" "ok 1 ok 0" "$(power on) $(hw) $(power off) $(hw)"
ktap_finished
