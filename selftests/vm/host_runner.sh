#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The VM runner itself: exit status passing, output streaming, the timeout,
# and the kernel-log detector (a module that warns makes the run fail).
# Every boot costs a quarter of a minute or more: four boots for five
# checks.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/helpers.sh"
run() { "$top/tools/vm/run" --no-build "$@"; }

ktap_print_header
ktap_set_plan 5

out=$(run 'uname -r; echo hi; exit 3' 2>/dev/null)
rc=$?
if grep -q '^6\.12\.' <<< "$out"; then
	ktap_test_pass "run uname -r prints 6.12.x"
else
	ktap_test_fail "run uname -r prints 6.12.x (status $rc, output: $out)"
fi
if [ $rc = 3 ] && grep -qx hi <<< "$out"; then
	ktap_test_pass "run 'echo hi; exit 3' prints hi and exits 3"
else
	ktap_test_fail "run 'echo hi; exit 3' (status $rc, output: $out)"
fi

run false >/dev/null 2>&1
rc=$?
[ $rc = 1 ] && ktap_test_pass "run false exits 1" ||
	ktap_test_fail "run false exits 1 (got $rc)"

out=$(run 'modprobe smcard-test-warn warn=1' 2>&1)
rc=$?
if [ $rc != 0 ] && grep -q 'kernel report' <<< "$out" &&
   grep -q 'smcard-test-warn.c' <<< "$out"; then
	ktap_test_pass "a kernel WARNING in the guest fails the run (status $rc)"
else
	ktap_test_fail "a kernel WARNING in the guest fails the run (status $rc)"
fi

# killed at 15 s, whether the guest has booted by then or not: long
# before the command's own 600 s, however slow the host
start=$SECONDS
run --timeout 15 'sleep 600' >/dev/null 2>&1
rc=$?
took=$((SECONDS - start))
if [ $rc = 124 ] && [ $took -lt 600 ]; then
	ktap_test_pass "a hung guest is killed after the timeout (${took}s, status 124)"
else
	ktap_test_fail "a hung guest is killed after the timeout (${took}s, status $rc)"
fi

ktap_finished
