#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DKMS: the kernel option check, the DKMS source tree (tools/dkms-tree) and
# a real 'dkms build' in a scratch DKMS tree against the test kernel.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ktap_print_header
ksrc=$("$top/tools/vm/kernel") || { ktap_skip_all "no kernel tree"; exit 4; }
ktap_set_plan 7
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(cat "$top/VERSION")

"$top/dkms/check-config" "$ksrc" >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 0 ] || diag "$tmp/out"
ktap_result "$rc" "check-config: the test kernel has every required option"

grep -v '^CONFIG_COUNTER=' "$ksrc/.config" > "$tmp/config"
"$top/dkms/check-config" "$tmp/config" >"$tmp/out" 2>&1
rc=$?
diag "$tmp/out"
grep -q 'lacks CONFIG_COUNTER (needed by smcard-counter' "$tmp/out" && [ "$rc" = 1 ]
ktap_result $? "check-config: a .config without CONFIG_COUNTER fails and names it"

# Every option the drivers' Kconfig entries depend on or select (the DKMS
# tree's: the simulator is not shipped) is one dkms/check-config checks.
"$top/tools/dkms-tree" "$tmp/tree" >/dev/null 2>&1
ours=$(cat "$tmp"/tree/drivers/*/Kconfig "$tmp"/tree/drivers/*/*/Kconfig 2>/dev/null |
	sed -n 's/^\(menu\)\?config \([A-Z0-9_]*\)$/\2/p' | sort -u)
deps=$(cat "$tmp"/tree/drivers/*/Kconfig "$tmp"/tree/drivers/*/*/Kconfig 2>/dev/null |
	sed -n 's/^[[:space:]]*\(depends on\|select\|imply\)[[:space:]]\+//p' |
	grep -oE '[A-Z][A-Z0-9_]+' | sort -u)
listed=$(sed -n 's/^CONFIG_\([A-Z0-9_]*\).*/\1/p' "$top/dkms/required-config" | sort -u)
unlisted=$(comm -23 <(echo "$deps") <(printf '%s\n' $ours $listed | sort -u))
if [ -n "$deps" ] && [ -z "$unlisted" ]; then
	ktap_test_pass "required-config lists every option the Kconfig entries depend on ($(echo $deps))"
else
	ktap_test_fail "required-config lacks what the Kconfig entries depend on: $(echo $unlisted)"
fi

conf_version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[ "$conf_version" = "$version" ]
ktap_result $? "dkms.conf: PACKAGE_VERSION $conf_version is VERSION $version"

# The tree: every module of drivers/ but the simulator, sources only.
src=$tmp/src/smcard-$version
"$top/tools/dkms-tree" "$src" >"$tmp/out" 2>&1
expect=$(cd "$top" && find drivers -name Kbuild -exec \
	sed -n 's/^obj-\(m\|\$(CONFIG_[A-Z0-9_]*)\)[[:space:]]*+=[[:space:]]*\(.*\)\.o$/\2/p' {} + |
	grep -vx smcard-sim | sort)
got=$(awk '!/^#/ { print $2 }' "$src/dkms/modules.list" | sort)
bad=$(find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod.c' -o -path '*smcard-sim*' \
	-o -path '*selftests*' \) | head -5)
if [ -n "$got" ] && [ "$got" = "$expect" ] && [ -z "$bad" ]; then
	ktap_test_pass "dkms-tree: modules $(echo $got), no simulator, no build products"
else
	echo "# expected: $(echo $expect); got: $(echo $got); unexpected files: $bad"
	ktap_test_fail "dkms-tree: every module but the simulator, sources only"
fi

# A real DKMS build (arm64, cross) in a scratch DKMS tree.
mkdir -p "$tmp/var" "$tmp/inst"
dk=(dkms --dkmstree "$tmp/var" --sourcetree "$tmp/src" --installtree "$tmp/inst")
kver=6.12-smcard-test
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
"${dk[@]}" add -m smcard -v "$version" -k "$kver" --kernelsourcedir "$ksrc" >"$tmp/out" 2>&1
"${dk[@]}" build -m smcard -v "$version" -k "$kver" -a arm64 --kernelsourcedir "$ksrc" \
	>>"$tmp/out" 2>&1
built=$(find "$tmp/var/smcard/$version/$kver/arm64/module" -name '*.ko' 2>/dev/null |
	xargs -r -n1 basename | sed 's/\.ko$//' | sort)
if [ -n "$built" ] && [ "$built" = "$got" ]; then
	ktap_test_pass "dkms build: $(echo "$built" | wc -l) modules built for the test kernel"
else
	diag "$tmp/out"
	ktap_test_fail "dkms build: every module built (got: $(echo $built))"
fi

# And against a kernel that lacks CONFIG_COUNTER: the build stops with the message.
mkdir -p "$tmp/kernel-nocounter/include"
cp "$tmp/config" "$tmp/kernel-nocounter/.config"
"${dk[@]}" build -m smcard -v "$version" -k "$kver-nocounter" -a arm64 \
	--kernelsourcedir "$tmp/kernel-nocounter" >"$tmp/out" 2>&1
rc=$?
cat "$tmp/var/smcard/$version/build/make.log" >>"$tmp/out" 2>/dev/null
if [ "$rc" != 0 ] && grep -q 'lacks CONFIG_COUNTER' "$tmp/out"; then
	ktap_test_pass "dkms build: a kernel without CONFIG_COUNTER fails with the message"
else
	diag "$tmp/out"
	ktap_test_fail "dkms build: a kernel without CONFIG_COUNTER fails with the message"
fi
ktap_finished
