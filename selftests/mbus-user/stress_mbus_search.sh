#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make stress: test_mbus_user.sh with the full secondary search of
# STRESS_MBUS_SEARCH_METERS (250) emulated meters at 38400 Bd; make check
# searches 60.
MBUS_USER_SEARCH_METERS=${STRESS_MBUS_SEARCH_METERS:-250} \
	exec "$(dirname "$0")/test_mbus_user.sh"
