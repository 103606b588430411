#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Gate: cppcheck (warning, performance, portability) on userspace/ with zero
# findings; the suppressions in cppcheck.supp each carry their reason. One
# test per directory, plus one that shows the gate failing on a bad file.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_cppcheck PATH...: 0 when there is no finding; report in $tmp/out.
run_cppcheck()
{
	cppcheck -q --std=c11 --enable=warning,performance,portability \
		--inline-suppr --error-exitcode=1 -D_GNU_SOURCE \
		"${incs[@]}" -I"$top/userspace" -I"$top/include/uapi" \
		--include="$qdir/cppcheck-macros.h" \
		--suppressions-list="$qdir/cppcheck.supp" \
		--template='{file}:{line}: {severity}: {message} [{id}]' \
		"$@" >"$tmp/out" 2>&1 && [ ! -s "$tmp/out" ]
}

cd "$top"
incs=()
for d in userspace/lib/*/; do
	incs+=(-I"$top/${d%/}")
done
mapfile -t dirs < <(for d in userspace/lib/* userspace/smcardctl userspace/smcardd \
	userspace/emulators/*; do
	compgen -G "$d/*.c" >/dev/null && echo "$d"
done)
ktap_print_header
ktap_set_plan $((${#dirs[@]} + 1))

for d in "${dirs[@]}"; do
	if run_cppcheck "$d"; then
		ktap_test_pass "cppcheck: $d"
	else
		diag "$tmp/out"
		ktap_test_fail "cppcheck: $d"
	fi
done

cat > "$tmp/bad.c" <<'BAD'
int bad(int i);
int bad(int i)
{
	int a[4] = { 0 };

	a[4] = i;
	return a[0];
}
BAD
if run_cppcheck "$tmp/bad.c"; then
	ktap_test_fail "cppcheck gate: an out-of-bounds write is not reported"
else
	ktap_test_pass "cppcheck gate: an out-of-bounds write is reported"
fi
ktap_finished
