#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bounded I2C fault storm of make check: 12 s with 10 % of the
# transfers failing while every driver is in use, then recovery without a
# rebind (storm_lib.sh; stress_i2c_storm.sh is the long run).
. "$(dirname "$0")/storm_lib.sh"

ktap_print_header
ktap_set_plan 17
storm_run "${TEST_I2C_STORM_SECONDS:-12}" "${TEST_I2C_STORM_PERMILLE:-100}"
ktap_finished
