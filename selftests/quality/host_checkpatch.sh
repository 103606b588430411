#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Gate: checkpatch.pl --strict --no-tree on every kernel C/H file of the
# project, zero errors, warnings and checks. One test per file, plus one
# that shows the gate failing on a deliberately bad file.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ksrc=$("$top/tools/vm/kernel") || { ktap_print_header; ktap_skip_all "no kernel tree"; exit 4; }
checkpatch=$ksrc/scripts/checkpatch.pl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# checkpatch FILE: 0 when clean; the report is left in $tmp/out.
run_checkpatch()
{
	perl "$checkpatch" --strict --no-tree --no-summary --show-types \
		--terse -f "$1" >"$tmp/out" 2>&1
	[ ! -s "$tmp/out" ]
}

mapfile -t files < <(kernel_sources)
ktap_print_header
ktap_set_plan $((${#files[@]} + 1))

for f in "${files[@]}"; do
	if (cd "$top" && run_checkpatch "$f"); then
		ktap_test_pass "checkpatch: $f"
	else
		diag "$tmp/out"
		ktap_test_fail "checkpatch: $f"
	fi
done

# The gate itself: a file with style errors must be reported.
cat > "$tmp/bad.c" <<'BAD'
// SPDX-License-Identifier: GPL-2.0
int bad_function( int a ){
    return a+1 ;
}
BAD
if (cd "$tmp" && run_checkpatch bad.c); then
	ktap_test_fail "checkpatch gate: a badly formatted file is not reported"
else
	ktap_test_pass "checkpatch gate: a badly formatted file is reported ($(wc -l < "$tmp/out") findings)"
fi
ktap_finished
