#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Gate: dt-schema validation.
#  - every binding in Documentation/devicetree/bindings passes dt-doc-validate;
#  - the reference DTB (QEMU virt + reference-board.dtbo + smcard.dtbo, merged
#    with fdtoverlay as the VM boots it) passes dt-validate against the
#    kernel's bindings plus ours (dt-mk-schema -j, cached in build/quality).
#    Only findings on nodes the overlays add count: QEMU's own nodes draw
#    findings (platform-bus, node names) that are not ours.
# Both are also shown failing on deliberately bad input.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ktap_print_header
ksrc=$("$top/tools/vm/kernel") || { ktap_skip_all "no kernel tree"; exit 4; }
bindings=$top/Documentation/devicetree/bindings
dts=$B/dts
mapfile -t docs < <(cd "$top" && find Documentation/devicetree/bindings -name '*.yaml' | sort)
ktap_set_plan $((${#docs[@]} + 2))

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$B/quality"

for f in "${docs[@]}"; do
	if (cd "$top" && dt-doc-validate -u "$bindings" "$f") >"$tmp/out" 2>&1; then
		ktap_test_pass "dt-doc-validate: $f"
	else
		diag "$tmp/out"
		ktap_test_fail "dt-doc-validate: $f"
	fi
done

# The processed schema, rebuilt when a binding changes.
key=$( { echo "$ksrc"; cat "${docs[@]/#/$top/}"; } | sha256sum | cut -c1-16)
schema=$B/quality/schema-$key.json
if [ ! -s "$schema" ]; then
	rm -f "$B"/quality/schema-*.json
	dt-mk-schema -j "$ksrc/Documentation/devicetree/bindings" "$bindings" \
		>"$schema.tmp" 2>"$B/quality/dt-mk-schema.log" && mv "$schema.tmp" "$schema"
fi

# node_names DTB: the node names of a DTB, one a line.
node_names()
{
	dtc -q -I dtb -O dts "$1" | sed -n 's/^[[:space:]]*\([A-Za-z0-9,._+-]*\(@[0-9a-fA-F,]*\)\?\) {$/\1/p' |
		sort -u
}

# validate OVERLAY...: dt-validate the merged DTB; findings on the
# overlays' nodes go to $tmp/findings; 0 when there are none.
validate()
{
	fdtoverlay -i "$dts/qemu-virt.dtb" -o "$tmp/merged.dtb" "$@" 2>"$tmp/findings" || return 1
	node_names "$dts/qemu-virt.dtb" > "$tmp/base"
	node_names "$tmp/merged.dtb" | comm -13 "$tmp/base" - > "$tmp/ours"
	dt-validate -m -s "$schema" "$tmp/merged.dtb" > "$tmp/val" 2>&1
	awk -v ours="$tmp/ours" '
		BEGIN { while ((getline n < ours) > 0) mine[n] = 1 }
		/^[^ \t]/ {
			split($0, f, ": ")
			node = f[2]; sub(/^.*\//, "", node)
			keep = (node in mine) || /option,/
		}
		keep' "$tmp/val" > "$tmp/findings"
	[ ! -s "$tmp/findings" ]
}

if [ ! -s "$schema" ]; then
	tail -5 "$B/quality/dt-mk-schema.log" | sed 's/^/# /'
	ktap_test_fail "dt-mk-schema: processed schema of the kernel's and our bindings"
	ktap_test_skip "dt-validate: reference DTB (no schema)"
	ktap_finished
fi

if [ ! -f "$dts/smcard.dtbo" ] || [ ! -f "$dts/reference-board.dtbo" ]; then
	ktap_test_fail "dt-validate: reference DTB: build/dts has no overlays (make dtbs)"
elif validate "$dts/reference-board.dtbo" "$dts/smcard.dtbo"; then
	ktap_test_pass "dt-validate: reference DTB (qemu-virt + reference-board + smcard), $(wc -l < "$tmp/ours") overlay nodes"
else
	diag "$tmp/findings"
	ktap_test_fail "dt-validate: reference DTB (qemu-virt + reference-board + smcard)"
fi

# The gates on bad input: a binding with an unknown keyword, and an IO
# controller node without its required properties.
cat > "$tmp/bad.yaml" <<'BAD'
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
%YAML 1.2
---
$id: http://devicetree.org/schemas/bad.yaml#
$schema: http://devicetree.org/meta-schemas/core.yaml#
title: Bad binding
maintainers:
  - Nobody <nobody@example.com>
properties:
  compatible:
    const: option,bad
  reg:
    maxitems: 1
required:
  - compatible
additionalProperties: false
BAD
dtc_bad="/dts-v1/; /plugin/; &{/} { bad-ioc { compatible = \"option,smcard-ioc\"; }; };"
echo "$dtc_bad" | dtc -q -@ -I dts -O dtb -o "$tmp/bad.dtbo" -
bad_doc=0
dt-doc-validate -u "$bindings" "$tmp/bad.yaml" >/dev/null 2>&1 || bad_doc=1
if [ "$bad_doc" = 1 ] && ! validate "$tmp/bad.dtbo"; then
	ktap_test_pass "dt-schema gate: a bad binding and a bad node are reported ($(wc -l < "$tmp/findings") findings)"
else
	ktap_test_fail "dt-schema gate: a bad binding ($bad_doc) and a bad node are reported"
fi
ktap_finished
