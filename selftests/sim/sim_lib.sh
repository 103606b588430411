# SPDX-License-Identifier: GPL-2.0
# Helpers for the smcard-sim selftests (sourced, not run).

here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/../lib/helpers.sh"

IOC=0x28
SIM_DEV=/sys/bus/platform/devices/smcard-sim

# Make sure the module is loaded and the simulator bound.
sim_load()
{
	[ -d "$SIM" ] && return 0
	modprobe smcard-sim 2>/dev/null || insmod "$here/../../smcard-sim.ko" 2>/dev/null
	for _ in $(seq 50); do
		[ -d "$SIM" ] && [ -n "$(sim_bus)" ] && return 0
		sleep 0.1
	done
	return 1
}

# A card driver bound to the IO controller would race with the raw register
# accesses of these tests: unbind it for the test and rebind it at exit.
sim_claim_ioc()
{
	local dev=/sys/bus/i2c/devices/$BUS-00${IOC#0x}

	IOC_DRIVER=
	if [ -e "$dev/driver" ]; then
		IOC_DRIVER=$(readlink -f "$dev/driver")
		echo "$BUS-00${IOC#0x}" > "$IOC_DRIVER/unbind"
		trap sim_release_ioc EXIT
	fi
}

sim_release_ioc()
{
	[ -n "$IOC_DRIVER" ] && echo "$BUS-00${IOC#0x}" > "$IOC_DRIVER/bind"
	IOC_DRIVER=
}

# Register access through i2c-tools; -f because a driver may own the address.
rd() { i2cget -y -f "$BUS" "$IOC" "$1" "${2:-b}"; }
wr() { i2cset -y -f "$BUS" "$IOC" "$@"; }

# Put the controller into its reset state and clear the reset flags.
sim_fresh()
{
	echo 1 > "$SIM/reset"
	wr 0x06 0x02
	wr 0x0a 0x01
}
