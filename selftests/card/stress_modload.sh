#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_modload with STRESS_MODLOAD_CYCLES (default 200) unload/load cycles
# of every card module instead of 10.
here=$(cd "$(dirname "$0")" && pwd)
CYCLES=${STRESS_MODLOAD_CYCLES:-200} exec "$here/test_modload.sh"
