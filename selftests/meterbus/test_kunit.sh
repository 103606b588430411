#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KUnit suites of the M-Bus core (frame assembler, bus lifetime): load the
# test module and report every case of every suite from debugfs.
. /usr/lib/smcard/ktap_helpers.sh

SUITES="meterbus-frame meterbus-bus"
KUNIT=/sys/kernel/debug/kunit

ktap_print_header
if ! modprobe meterbus-kunit 2>/dev/null; then
	ktap_skip_all "no KUnit results (boot with kunit.enable=1, or meterbus-kunit missing)"
	exit "$KSFT_SKIP"
fi

cases=()
for suite in $SUITES; do
	if [ ! -r "$KUNIT/$suite/results" ]; then
		cases+=("$suite|not ok 0 results missing")
		continue
	fi
	while read -r line; do
		cases+=("$suite|$line")
	done < <(grep -E '^[[:space:]]+(not )?ok [0-9]+ ' "$KUNIT/$suite/results")
done
ktap_set_plan "${#cases[@]}"
for c in "${cases[@]}"; do
	suite=${c%%|*}
	line=${c#*|}
	name=$(sed -E 's/^[[:space:]]*(not )?ok [0-9]+ //' <<< "$line")
	case $line in
	*"not ok"*)
		grep -E '^[[:space:]]+#' "$KUNIT/$suite/results" 2>/dev/null | head -20
		ktap_test_fail "$suite: $name"
		;;
	*"# SKIP"*) ktap_test_skip "$suite: $name" ;;
	*) ktap_test_pass "$suite: $name" ;;
	esac
done
rmmod meterbus-kunit
ktap_finished
