#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make stress: the upstream series built into the kernel (tools/upstream-series
# --build builtin): every driver =y in the test kernel's configuration,
# vmlinux links (no symbol of ours collides with the kernel's, nothing of
# ours needs a module), zero warnings, and the kernel lists each driver in
# modules.builtin. It relinks a KASAN vmlinux, so it is not in make check;
# host_upstream.sh builds the same series as modules there.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$B/upstream
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

ktap_print_header
"$top/tools/vm/kernel" >/dev/null || { ktap_skip_all "no kernel tree"; exit 4; }
ktap_set_plan 2

start=$(date +%s)
mkdir -p "${SMCARD_CACHE:-/var/cache/smcard}/upstream"
exec 9>"${SMCARD_CACHE:-/var/cache/smcard}/upstream/tree.lock"
flock 9
export UPSTREAM_SERIES_LOCKED=1
"$top/tools/upstream-series" --out "$out" --build builtin >"$tmp/series" 2>"$tmp/err"
rc=$?
secs=$(($(date +%s) - start))
tree=$(tail -1 "$tmp/series")
log=$out/build-builtin.log
grep -E 'warning:|error:|WARNING:|ERROR:' "$log" > "$tmp/f" 2>/dev/null
if [ "$rc" = 0 ] && [ ! -s "$tmp/f" ] && [ -f "$tree/vmlinux" ]; then
	ktap_test_pass "built-in arm64 build: vmlinux links, zero warnings ($secs s)"
else
	cat "$tmp/err" "$tmp/f" > "$tmp/d"
	diag "$tmp/d"
	ktap_test_fail "built-in arm64 build (log: $log)"
fi

missing=()
while read -r dir mod _; do
	grep -qx "kernel/$dir/$mod.ko" "$tree/modules.builtin" 2>/dev/null || missing+=("$mod")
done < <("$top/tools/upstream-series" --modules)
n=$("$top/tools/upstream-series" --modules | wc -l)
if [ "$rc" = 0 ] && [ ${#missing[@]} = 0 ]; then
	ktap_test_pass "modules.builtin lists all $n drivers"
else
	ktap_test_fail "modules.builtin lists every driver (missing: ${missing[*]})"
fi
echo "# figure: upstream series | built-in arm64 build (incremental, KASAN test config) | $secs s | make check's module build: cached by content"
ktap_finished
