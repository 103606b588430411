#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The threshold comparators of the emulated IO controller (ABI 1.2) against
# Documentation/hw/smcard-ioc.rst: reset values, a crossing sets its status
# bit once and asserts INT, re-arming only beyond the hysteresis, enabling
# and writing a threshold arm, disabling clears the status, a reset
# restores the defaults; a 1.1 controller has none of it.
. "$(dirname "$0")/sim_lib.sh"

ktap_print_header
ktap_set_plan 15

sim_load || ktap_exit_fail_msg "smcard-sim not loaded"
BUS=$(sim_bus)
sim_claim_ioc
sim_fresh

# w16 REG VALUE: a 16-bit register in one transaction
w16() { i2ctransfer -y -f "$BUS" w3@$IOC "$1" $(($2 & 0xff)) $(($2 >> 8)); }
# state: high status, low status, INT
state() { echo "$(rd 0x84) $(rd 0x85) $(cat "$SIM/int")"; }
uv() { echo "$1" > "$SIM/io1/voltage_uv"; }
ua() { echo "$1" > "$SIM/io2/current_ua"; }

# IO1 0-10 V, IO2 4-20 mA
wr 0x20 0x02
wr 0x28 0x03
uv 5000000
ua 12000
check "reset values: THR_HIGH 0xffff, HYST_HIGH, THR_LOW, HYST_LOW 0, off" \
	"0xffff 0x0000 0x0000 0x0000 0x00 0x00" \
	"$(rd 0x90 w) $(rd 0x92 w) $(rd 0x94 w) $(rd 0x96 w) $(rd 0x88) $(rd 0x89)"

# IO1 high: 6 V (31457), hysteresis 1 V (5243)
w16 0x90 31457
w16 0x92 5243
wr 0x88 0x01
check "5 V is below 6 V: nothing" "0x00 0x00 0" "$(state)"
uv 6500000
check "6.5 V crosses: IRQ_ADC_HIGH_STATUS bit 0, INT asserted" "0x01 0x00 1" "$(state)"
wr 0x84 0x01
check "W1C clears it and releases INT" "0x00 0x00 0" "$(state)"
uv 7000000
uv 5500000
uv 6500000
check "5.5 V is within the hysteresis: no new event" "0x00 0x00 0" "$(state)"
uv 4500000
uv 6500000
check "4.5 V re-arms (code + HYST <= THR): the next crossing fires" "0x01 0x00 1" "$(state)"
wr 0x88 0x00
check "clearing the enable clears the status bit and releases INT" "0x00 0x00 0" "$(state)"
wr 0x88 0x01
check "setting the enable arms: an input above fires at once" "0x01 0x00 1" "$(state)"
wr 0x88 0x00
uv 5000000

# IO2 low: NAMUR 3.6 mA (9437), hysteresis 0.2 mA (524)
w16 0x9c 9437
w16 0x9e 524
wr 0x89 0x02
ua 2000
check "2 mA falls below 3.6 mA: IRQ_ADC_LOW_STATUS bit 1" "0x00 0x02 1" "$(state)"
wr 0x85 0x02
ua 3700
ua 2000
check "3.7 mA is within the hysteresis: no new event" "0x00 0x00 0" "$(state)"
w16 0x9c 9437
check "writing the threshold re-arms: still below, fires again" "0x00 0x02 1" "$(state)"
wr 0x85 0x02
ua 12000
wr 0x28 0x01
ua 2000
check "a pin that is not analog does not compare" "0x00 0x00 0" "$(state)"

wr 0x07 0xa5
wr 0x06 0x02
wr 0x0a 0x01
check "COMMAND reset restores the comparator defaults" \
	"0xffff 0x0000 0x0000 0x0000 0x00 0x00" \
	"$(rd 0x98 w) $(rd 0x9a w) $(rd 0x9c w) $(rd 0x9e w) $(rd 0x88) $(rd 0x89)"
check "a 1.2 controller reports ABI_MINOR 2" 0x02 "$(rd 0x05)"

# Firmware of ABI 1.1: no comparators
echo 1 > "$SIM/abi_minor"
sim_fresh
wr 0x88 0x01
w16 0x90 100
check "ABI 1.1: ABI_MINOR 1, the 1.2 registers read 0 and ignore writes" \
	"0x01 0x0000 0x00" "$(rd 0x05) $(rd 0x90 w) $(rd 0x88)"
echo 2 > "$SIM/abi_minor"

sim_fresh
ktap_finished
