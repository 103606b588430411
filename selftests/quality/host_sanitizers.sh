#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Gate: the userspace unit tests built with ASan + UBSan
# (make -C userspace SAN=1, into build/userspace/host-san) pass, with no
# sanitizer report. One test per unit test program, plus one that shows the
# gate failing on a program with a heap overflow.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ktap_print_header
san=$B/userspace/host-san
log=$B/quality/san-build.log
mkdir -p "$B/quality"
if ! flock "$B/.lock" make -C "$top/userspace" SAN=1 -j"$(nproc)" >"$log" 2>&1; then
	ktap_set_plan 1
	tail -20 "$log" | sed 's/^/# /'
	ktap_test_fail "userspace builds with SAN=1 (log: $log)"
	ktap_finished
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# run_san PROG: 0 when it exits 0 and prints no sanitizer report.
run_san()
{
	timeout 600 "$@" >"$tmp/out" 2>&1
	local rc=$?
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/out"; then
		grep -E -A12 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/out" > "$tmp/rep"
		return 1
	fi
	[ "$rc" = 0 ] || { grep -E '^not ok|^# ' "$tmp/out" | tail -20 > "$tmp/rep"; return 1; }
}

mapfile -t tests < <(find "$san/tests" -maxdepth 1 -type f -name 'test_*' -perm -u+x | sort)
ktap_set_plan $((${#tests[@]} + 1))
cd "$top/userspace"	# the tests find their data files from here
for t in "${tests[@]}"; do
	name=${t#"$B/"}
	if run_san "$t"; then
		ktap_test_pass "asan+ubsan: $name"
	else
		diag "$tmp/rep"
		ktap_test_fail "asan+ubsan: $name"
	fi
done

cat > "$tmp/bad.c" <<'BAD'
#include <stdlib.h>
int main(int argc, char **argv)
{
	char *p = malloc(4);

	p[argc + 3] = 1;
	free(p);
	return 0;
}
BAD
gcc -g -fsanitize=address,undefined -fno-sanitize-recover=all -o "$tmp/bad" "$tmp/bad.c"
if run_san "$tmp/bad"; then
	ktap_test_fail "sanitizer gate: a heap overflow is not reported"
else
	ktap_test_pass "sanitizer gate: a heap overflow is reported"
fi
ktap_finished
