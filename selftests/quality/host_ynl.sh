#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Gate: include/uapi/linux/meterbus.h is what ynl-gen makes of the spec
# Documentation/netlink/specs/meterbus.yaml (tools/ynl-regen, which also
# validates the spec against the kernel's genetlink schema). Shown failing
# on a spec with one attribute changed, and on one the schema rejects.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ktap_print_header
if ! "$top/tools/vm/kernel" >/dev/null 2>&1; then
	ktap_skip_all "no kernel tree"
	exit 4
fi
ktap_set_plan 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec=$top/Documentation/netlink/specs/meterbus.yaml
header=$top/include/uapi/linux/meterbus.h

# regen SPEC: the generated header in $tmp/out.h, errors in $tmp/err.
regen()
{
	"$top/tools/ynl-regen" "$1" "$tmp/out.h" >"$tmp/err" 2>&1
}

if regen "$spec" && diff -u "$header" "$tmp/out.h" >"$tmp/diff"; then
	ktap_test_pass "uapi header matches ynl-gen's output for the spec"
else
	diag "$tmp/err"
	diag "$tmp/diff"
	ktap_test_fail "uapi header matches ynl-gen's output for the spec (run tools/ynl-regen)"
fi

# The gate itself: a changed constant must show as a difference...
sed 's/^    value: 261$/    value: 262/' "$spec" >"$tmp/changed.yaml"
if regen "$tmp/changed.yaml" && ! diff -q "$header" "$tmp/out.h" >/dev/null; then
	ktap_test_pass "gate: a changed spec gives a different header"
else
	diag "$tmp/err"
	ktap_test_fail "gate: a changed spec gives a different header"
fi

# ...and a spec that breaks the schema must be refused.
sed 's/^protocol: genetlink$/protocol: genetlink\nno-such-key: 1/' "$spec" >"$tmp/bad.yaml"
if regen "$tmp/bad.yaml"; then
	ktap_test_fail "gate: a spec outside the genetlink schema is refused"
else
	ktap_test_pass "gate: a spec outside the genetlink schema is refused ($(grep -c . "$tmp/err") lines of errors)"
fi
ktap_finished
