#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The core shows the controller's firmware and register interface versions
# in sysfs (firmware_version, abi_version) as the controller reports them.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/card_lib.sh"

ioc=$(card_ioc)
[ -n "$ioc" ] || ktap_exit_fail_msg "no device bound to smcard-core"

ktap_print_header
ktap_set_plan 2
# FW_VERSION is little endian: minor at 0x02, major at 0x03
check "firmware_version is FW_VERSION as MAJOR.MINOR" \
	"$((16#$(sim_reg 0x03))).$((16#$(sim_reg 0x02)))" "$(cat "$ioc/firmware_version")"
check "abi_version is ABI_MAJOR.ABI_MINOR" \
	"$((16#$(sim_reg 0x04))).$((16#$(sim_reg 0x05)))" "$(cat "$ioc/abi_version")"
ktap_finished
