#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcard-serial: serial_mode and rs485_termination reach the IO controller,
# refuse bad values and non-root writers, take the UART along when the
# driver is rebound, and keep their state across a controller reset.
# TIOCSRS485 against the knobs: test_rs485.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../card/card_lib.sh"

ktap_print_header
ktap_set_plan 15

dev=$(card_cell smcard-serial)
[ -n "$dev" ] && [ -e "$dev/driver" ] || ktap_exit_fail_msg "smcard-serial not bound"
name=$(basename "$dev")
drv=/sys/bus/platform/drivers/smcard-serial

# set MODE TERM and compare sysfs and the simulator
for mode in rs232 rs422 rs485-half rs485-full; do
	echo "$mode" > "$dev/serial_mode"
	check "serial_mode $mode reaches the controller" "$mode $mode" \
		"$(cat "$dev/serial_mode") $(cat "$SIM/serial_mode")"
done
for term in 1 0; do
	echo "$term" > "$dev/rs485_termination"
	check "rs485_termination $term reaches the controller" "$term $term" \
		"$(cat "$dev/rs485_termination") $(cat "$SIM/rs485_termination")"
done

# refused WRITE FILE: the write fails with EINVAL and changes nothing
refused()
{
	local before err

	before=$(cat "$SIM/serial_mode" "$SIM/rs485_termination")
	err=$( (echo "$1" > "$dev/$2") 2>&1)
	[ $? != 0 ] && [[ $err == *"Invalid argument"* ]] &&
		[ "$before" = "$(cat "$SIM/serial_mode" "$SIM/rs485_termination")" ]
}
ok "serial_mode refuses 'rs485' with EINVAL" refused rs485 serial_mode
ok "serial_mode refuses an empty value with EINVAL" refused "" serial_mode
ok "rs485_termination refuses 2 and 'yes' with EINVAL" \
	eval 'refused 2 rs485_termination && refused yes rs485_termination'

echo rs422 > "$dev/serial_mode"
err=$("$here/as_nobody" sh -c "echo rs232 > $dev/serial_mode" 2>&1)
rc=$?
if [ $rc != 0 ] && [[ $err == *"Permission denied"* ]] &&
   [ "$(cat "$SIM/serial_mode")" = rs422 ]; then
	ktap_test_pass "nobody cannot write serial_mode"
else
	ktap_print_msg "status $rc: $err"
	ktap_test_fail "nobody cannot write serial_mode"
fi
check "nobody can read serial_mode" rs422 \
	"$("$here/as_nobody" cat "$dev/serial_mode" 2>&1)"
err=$("$here/as_nobody" sh -c "echo 1 > $dev/rs485_termination" 2>&1)
check "nobody cannot write rs485_termination" "1 0" \
	"$([ $? != 0 ] && echo 1) $(cat "$SIM/rs485_termination")"

# The UART uses the transceiver's lines: unbinding the transceiver unbinds
# it, binding probes it again, and it starts from its device-tree RS485
# settings (RS232, no termination) as at boot, in both views.
uart=$(readlink -f "$dev/uart")
echo rs485-full > "$dev/serial_mode"
echo 1 > "$dev/rs485_termination"
echo "$name" > "$drv/unbind"
check "unbinding the transceiver unbinds its UART" no \
	"$([ -e "$uart/driver" ] && echo yes || echo no)"
echo "$name" > "$drv/bind"
wait_for 30 [ -e "$uart/driver" ]
check "after binding again the UART is back, both views at its defaults" \
	"rs232 0 rs232 0" \
	"$(wait_for 30 eval '[ "$(cat "$SIM/serial_mode")" = rs232 ]'
	   cat "$dev/serial_mode" "$dev/rs485_termination" "$SIM/serial_mode" \
		"$SIM/rs485_termination" | tr '\n' ' ' | sed 's/ $//')"

echo rs485-full > "$dev/serial_mode"
echo 1 > "$dev/rs485_termination"
# the UART's side of the knobs follows through its own work: settled first
wait_for 30 eval '[ "$(cat "$SIM/serial_mode") $(cat "$SIM/rs485_termination")" = "rs485-full 1" ]' ||
	ktap_print_msg "before the reset: $(cat "$SIM/serial_mode" "$SIM/rs485_termination" | xargs)"
echo 1 > "$SIM/reset"
# the core acknowledges the reset before its children restore their state
wait_for card_reset_done
wait_for 30 eval '[ "$(cat "$SIM/serial_mode") $(cat "$SIM/rs485_termination")" = "rs485-full 1" ]'
check "state is restored after a controller reset" "rs485-full 1" \
	"$(cat "$SIM/serial_mode") $(cat "$SIM/rs485_termination")"

echo rs232 > "$dev/serial_mode"
echo 0 > "$dev/rs485_termination"
ktap_finished
