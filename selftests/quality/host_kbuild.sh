#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Gates on the kernel modules beyond 'make modules' (W=1):
#  - sparse (C=2: every file checked) on the arm64 build, zero warnings;
#  - a W=1 build for 32-bit ARM (arm-linux-gnueabihf-) against a cached
#    prepared kernel tree (tools/vm/kernel-arm32), zero warnings: catches
#    64-bit divisions, pointer-size and alignment bugs.
# Each gate is also shown failing on a deliberately bad module built in a
# temporary directory.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ktap_print_header
ksrc=$("$top/tools/vm/kernel") || { ktap_skip_all "no arm64 kernel tree"; exit 4; }
ksrc32=$("$top/tools/vm/kernel-arm32") || { ktap_skip_all "no arm32 kernel tree"; exit 4; }
ktap_set_plan 4

mkdir -p "$B/quality"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ARM64=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
ARM32=(ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-)

# findings LOG: compiler, sparse and modpost warnings/errors in a build log.
findings()
{
	grep -E 'warning:|error:|WARNING:|ERROR:' "$1"
}

# 1. sparse over the tree's modules. The tree is shared with other builds:
# take the build lock (see the top Makefile).
log=$B/quality/sparse.log
flock "$B/.lock" make -C "$ksrc" "${ARM64[@]}" M="$top" W=1 C=2 modules >"$log" 2>&1
rc=$?
findings "$log" >"$tmp/f"
if [ "$rc" = 0 ] && [ ! -s "$tmp/f" ]; then
	ktap_test_pass "sparse (C=2, W=1): zero warnings on the modules"
else
	[ -s "$tmp/f" ] && diag "$tmp/f" || tail -20 "$log" | sed 's/^/# /'
	ktap_test_fail "sparse (C=2, W=1): zero warnings on the modules (log: $log)"
fi

# 2. 32-bit ARM build, in a copy of the kernel sources so the arm64 objects
# of the tree are not touched.
src32=$B/arm32-src
mkdir -p "$src32"
exec 8>"$B/.arm32.lock"
flock 8
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
	--exclude='*.mod.c' --exclude='.*.cmd' --exclude=modules.order \
	--exclude=Module.symvers --exclude='*.a' \
	--include='/drivers/***' --include='/include/***' --include='/selftests/' \
	--include='/selftests/modules/***' --include=/Kbuild --exclude='*' \
	"$top/" "$src32/"
log=$B/quality/arm32.log
make -C "$ksrc32" "${ARM32[@]}" M="$src32" W=1 -j"$(nproc)" modules >"$log" 2>&1
rc=$?
flock -u 8
findings "$log" >"$tmp/f"
n=$(find "$src32" -name '*.ko' | wc -l)
if [ "$rc" = 0 ] && [ ! -s "$tmp/f" ] && [ "$n" -gt 0 ]; then
	ktap_test_pass "arm32 (W=1): $n modules, zero warnings"
else
	[ -s "$tmp/f" ] && diag "$tmp/f" || tail -20 "$log" | sed 's/^/# /'
	ktap_test_fail "arm32 (W=1): modules build with zero warnings (log: $log)"
fi

# 3-4. The gates themselves, on a bad module: a pointer cast to a 32-bit
# integer (a sparse finding on every architecture) and an open-coded 64-bit
# division (links on arm64, fails modpost on arm32).
mkdir -p "$tmp/bad"
cat > "$tmp/bad/Kbuild" <<'BAD'
obj-m += bad.o
BAD
cat > "$tmp/bad/bad.c" <<'BAD'
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/io.h>

u64 bad_total;
u32 bad_count = 1;

int bad_read(void __iomem *base);
int bad_read(void __iomem *base)
{
	bad_total = bad_total / bad_count;
	return *(int *)base;
}
MODULE_LICENSE("GPL");
BAD
make -C "$ksrc" "${ARM64[@]}" M="$tmp/bad" W=1 C=2 modules >"$tmp/bad64.log" 2>&1
if findings "$tmp/bad64.log" | grep "address space '__iomem'" >/dev/null; then
	ktap_test_pass "sparse gate: a __iomem dereference is reported"
else
	tail -20 "$tmp/bad64.log" | sed 's/^/# /'
	ktap_test_fail "sparse gate: a __iomem dereference is reported"
fi
make -C "$tmp/bad" clean >/dev/null 2>&1 || true
find "$tmp/bad" -name '*.o' -delete
make -C "$ksrc32" "${ARM32[@]}" M="$tmp/bad" W=1 modules >"$tmp/bad32.log" 2>&1
if findings "$tmp/bad32.log" | grep '__aeabi_uldivmod' >/dev/null; then
	ktap_test_pass "arm32 gate: an open-coded 64-bit division is reported"
else
	tail -20 "$tmp/bad32.log" | sed 's/^/# /'
	ktap_test_fail "arm32 gate: an open-coded 64-bit division is reported"
fi
ktap_finished
