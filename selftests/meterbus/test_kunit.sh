#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KUnit suite of the M-Bus frame assembler: load the test module and report
# every case from debugfs.
. /usr/lib/smcard/ktap_helpers.sh

SUITE=meterbus-frame
RESULTS=/sys/kernel/debug/kunit/$SUITE/results

ktap_print_header
if ! modprobe meterbus-kunit 2>/dev/null || [ ! -r "$RESULTS" ]; then
	ktap_skip_all "no KUnit results (boot with kunit.enable=1, or meterbus-kunit missing)"
	exit "$KSFT_SKIP"
fi

mapfile -t cases < <(grep -E '^[[:space:]]+(not )?ok [0-9]+ ' "$RESULTS")
ktap_set_plan "${#cases[@]}"
for line in "${cases[@]}"; do
	name=$(sed -E 's/^[[:space:]]+(not )?ok [0-9]+ //' <<< "$line")
	case $line in
	*"not ok"*)
		grep -E '^[[:space:]]+#' "$RESULTS" | head -20
		ktap_test_fail "$SUITE: $name"
		;;
	*"# SKIP"*) ktap_test_skip "$SUITE: $name" ;;
	*) ktap_test_pass "$SUITE: $name" ;;
	esac
done
rmmod meterbus-kunit
ktap_finished
