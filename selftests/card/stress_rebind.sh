#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_rebind with STRESS_REBIND_CYCLES (default 100) unbind/bind cycles of
# every card driver instead of 20.
here=$(cd "$(dirname "$0")" && pwd)
CYCLES=${STRESS_REBIND_CYCLES:-100} exec "$here/test_rebind.sh"
