#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/ktap/summary, which make check's verdict rests on: results counted
# from framed KTAP, also behind a stray control byte from the guest's
# console; missing results and a silent non-zero exit count as failures.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/helpers.sh"

# summarize LINES...: the summary's last line for a framed stream
summarize()
{
	printf '%b\n' "$@" | awk -f "$top/tools/ktap/summary" | tail -n 1
}

ktap_print_header
ktap_set_plan 4

check "a plan of two, both ok" "2 passed, 0 failed, 0 skipped" \
	"$(summarize '# === test: t' '1..2' 'ok 1 a' 'ok 2 b' '# === exit: t 0')"
check "a NUL from the console before a result" "2 passed, 0 failed, 0 skipped" \
	"$(summarize '# === test: t' '1..2' '\0ok 1 a' 'ok 2 b' '# === exit: t 0')"
check "a result missing from the plan is a failure" "1 passed, 1 failed, 0 skipped" \
	"$(summarize '# === test: t' '1..2' 'ok 1 a' '# === exit: t 0')"
check "a non-zero exit without a failed result is a failure" \
	"1 passed, 1 failed, 0 skipped" \
	"$(summarize '# === test: t' '1..1' 'ok 1 a' '# === exit: t 2')"
ktap_finished
