#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# I2C fault storm (Documentation/robustness.rst): STRESS_I2C_STORM_SECONDS
# (300) of random NACKs, timeouts and late timeouts on STRESS_I2C_STORM_PERMILLE
# (100) in 1000 transfers while every driver is in use, then recovery
# without a rebind; figures of the run (storm_lib.sh).
. "$(dirname "$0")/storm_lib.sh"

ktap_print_header
ktap_set_plan 17
storm_run "${STRESS_I2C_STORM_SECONDS:-300}" "${STRESS_I2C_STORM_PERMILLE:-100}"
ktap_finished
