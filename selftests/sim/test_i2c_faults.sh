#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Injected I2C faults: the next N transfers fail with a NACK (-ENXIO), a
# timeout (-ETIMEDOUT) or a late timeout (-ETIMEDOUT after the controller
# acted on the transfer), and transfers work again afterwards.
. "$(dirname "$0")/sim_lib.sh"

ktap_print_header
ktap_set_plan 8

sim_load || ktap_exit_fail_msg "smcard-sim not loaded"
BUS=$(sim_bus)
sim_claim_ioc

# try N: run N reads; FAILS counts the failures, LAST is the last error.
try()
{
	local err

	FAILS=0
	LAST=
	for _ in $(seq "$1"); do
		if ! err=$(i2ctransfer -y -f "$BUS" w1@$IOC 0x00 r1 2>&1); then
			FAILS=$((FAILS + 1))
			LAST=$err
		fi
	done
}

echo "3 nack" > "$SIM/i2c_fail"
check "fault state is readable" "3 nack" "$(cat "$SIM/i2c_fail")"
try 5
check "3 NACK faults fail exactly 3 of 5 transfers" 3 "$FAILS"
case $LAST in
*"No such device"*|*"No such device or address"*) ktap_test_pass "a NACK reports ENXIO" ;;
*) ktap_print_msg "last error: $LAST"; ktap_test_fail "a NACK reports ENXIO" ;;
esac

echo "2 timeout" > "$SIM/i2c_fail"
try 4
check "2 timeout faults fail exactly 2 of 4 transfers" 2 "$FAILS"
case $LAST in
*"timed out"*) ktap_test_pass "a timeout reports ETIMEDOUT" ;;
*) ktap_print_msg "last error: $LAST"; ktap_test_fail "a timeout reports ETIMEDOUT" ;;
esac

# A late timeout: the write fails for the host but reaches the controller
i2cset -y -f "$BUS" $IOC 0x0f 0x11
echo "1 late" > "$SIM/i2c_fail"
err=$(i2ctransfer -y -f "$BUS" w2@$IOC 0x0f 0x22 2>&1)
check "a late timeout reports ETIMEDOUT" yes \
	"$([[ $err == *"timed out"* ]] && echo yes)"
check "and the controller took the write" 0x22 "$(rd 0x0f)"
i2cset -y -f "$BUS" $IOC 0x0f 0x00

check "transfers work after the faults" "0x5c 0" \
	"$(rd 0x00) $(cut -d' ' -f1 "$SIM/i2c_fail")"
ktap_finished
