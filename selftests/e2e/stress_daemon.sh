#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcardd under faults, the long version (host side, real mosquitto): the
# fault tests of userspace/tests/test_smcardd_faults.c at ten times their
# 'make check' size: 50 broker kills with readings in flight, 100 daemon
# SIGKILLs at random moments, two minutes of a flapping broker. Prints the
# figure lines of each test (produced vs delivered, duplicates, recovery).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
t=$top/build/userspace/host/tests/test_smcardd_faults
[ -x "$t" ] || make -s -C "$top/userspace" >/dev/null || exit 1
SMCARDD_FAULT_SCALE=${SMCARDD_FAULT_SCALE:-10} "$t"
rc=$?
"$top/tools/vm/run" --no-build --timeout 1500 \
	'bash /usr/lib/smcard/selftests/e2e/vm_faults.sh' || rc=1
exit $rc
