#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The simulator's I2C bus and the IO controller's register access rules
# (Documentation/hw/smcard-ioc.rst), through i2c-tools.
. "$(dirname "$0")/sim_lib.sh"

ktap_print_header
ktap_set_plan 16

sim_load || ktap_exit_fail_msg "smcard-sim not loaded"
BUS=$(sim_bus)
[ -n "$BUS" ] || ktap_exit_fail_msg "no smcard-sim adapter in i2cdetect -l"
ktap_test_pass "adapter listed by i2cdetect -l (i2c-$BUS)"
sim_claim_ioc

scan=$(i2cdetect -y -r "$BUS" 2>&1)
if grep -qE '^20:.* (28|UU) ' <<< "$scan" && grep -qE '^40: (40|UU) ' <<< "$scan"; then
	ktap_test_pass "i2cdetect finds the IO controller (0x28) and the sensor (0x40)"
else
	ktap_print_msg "$scan"
	ktap_test_fail "i2cdetect finds the IO controller (0x28) and the sensor (0x40)"
fi

check "ID register reads 0x5c" 0x5c "$(rd 0x00)"
check "ABI version 1.2" "0x01 0x02" "$(rd 0x04) $(rd 0x05)"

sim_fresh
echo 1 > "$SIM/reset"
check "after a reset STATUS.RESET and IRQ_SYS_STATUS.RESET are set" \
	"0x02 0x01 0x01" "$(rd 0x06) $(rd 0x0a) $(rd 0x0e)"
wr 0x06 0x02
wr 0x0a 0x01
check "RESET flags clear by writing 1 (W1C)" "0x00 0x00" "$(rd 0x06) $(rd 0x0a)"

wr 0x0f 0xa5
check "SCRATCH is read/write" 0xa5 "$(rd 0x0f)"
wr 0x00 0x11
wr 0x10 0x1f
check "writes to read-only registers are ignored" "0x5c 0x00" "$(rd 0x00) $(rd 0x10)"

echo 1 > "$SIM/reset"
check "a controller reset restores reset values" "0x00 0x02" "$(rd 0x0f) $(rd 0x17)"
sim_fresh

# Multi-byte: one write transaction commits all bytes, little-endian.
i2ctransfer -y -f "$BUS" w5@$IOC 0x60 0x78 0x56 0x34 0x12
check "32-bit counter preset in one transaction (LE)" 305419896 "$(cat "$SIM/io1/count")"
check "auto-increment read of a 32-bit register" "0x78 0x56 0x34 0x12" \
	"$(i2ctransfer -y -f "$BUS" w1@$IOC 0x60 r4)"
check "16-bit read via SMBus word" 0x5678 "$(rd 0x60 w)"
i2ctransfer -y -f "$BUS" w2@$IOC 0x62 0xcd
check "a partial write changes only the bytes written" 0x12cd5678 \
	"$(printf '0x%08x' "$(cat "$SIM/io1/count")")"

check "the register pointer wraps from 0xff to 0x00" "0x00 0x5c" \
	"$(i2ctransfer -y -f "$BUS" w1@$IOC 0xff r2)"

# A read without a register byte continues at the pointer.
i2ctransfer -y -f "$BUS" w1@$IOC 0x04 >/dev/null
check "a plain read continues at the pointer" "0x01 0x02" "$(i2ctransfer -y -f "$BUS" r2@$IOC)"

wr 0x20 0x07
wr 0x21 0x0c
wr 0x17 0x09
check "unsupported values are ignored (FUNC 7, COUNT_EDGE 3, ADC_RATE 9)" \
	"0x00 0x00 0x02" "$(rd 0x20) $(rd 0x21) $(rd 0x17)"

sim_fresh
ktap_finished
