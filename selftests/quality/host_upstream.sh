#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Gates on the upstream series (tools/upstream-series, build/upstream):
#  - the series is generated and builds in-tree for arm64 as modules with
#    W=1, zero warnings, every module of the repository built;
#  - it applies to the pristine 6.12 files it changes;
#  - checkpatch.pl --strict in patch mode, inside the tree, on every patch;
#  - make dt_binding_check for our bindings inside the tree;
#  - scripts/get_abi.pl validate: no finding, so no duplicate of the
#    standard IIO / counter ABI.
# The checkpatch and get_abi gates are also shown failing on bad input.
#
# Time: the processed schema of all ~4000 bindings (minutes) is cached in
# /var/cache/smcard/upstream/schema, keyed by the bindings' content and the
# dt-schema version; checkpatch results likewise by the patch, the series'
# bindings and checkpatch.pl. The built-in build is in make stress
# (host_stress_builtin.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$B/upstream
cache=${SMCARD_CACHE:-/var/cache/smcard}/upstream
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$cache/schema" "$cache/checkpatch"

ktap_print_header
"$top/tools/vm/kernel" >/dev/null || { ktap_skip_all "no kernel tree"; exit 4; }

# The tree (shared with other work trees) stays as this series left it
# until the gates are done.
exec 9>"$cache/tree.lock"
flock 9
export UPSTREAM_SERIES_LOCKED=1

"$top/tools/upstream-series" --out "$out" --build modules >"$tmp/series" 2>"$tmp/series.err"
rc=$?
mapfile -t patches < <(grep -E '/[0-9]{4}-.*\.patch$' "$tmp/series" | grep -v '/0000-')
tree=$(tail -1 "$tmp/series")
if [ "${#patches[@]}" = 0 ] || [ ! -d "$tree" ]; then
	ktap_set_plan 1
	diag "$tmp/series.err"
	ktap_test_fail "upstream-series: the series is generated and built"
	ktap_finished
fi
ktap_set_plan $((${#patches[@]} + 6))

# 1. The in-tree build.
log=$out/build-modules.log
grep -E 'warning:|error:|WARNING:|ERROR:' "$log" > "$tmp/f" 2>/dev/null
missing=()
while read -r dir mod _; do
	[ -f "$tree/$dir/$mod.ko" ] || missing+=("$mod")
done < <("$top/tools/upstream-series" --modules)
n=$("$top/tools/upstream-series" --modules | wc -l)
if [ "$rc" = 0 ] && [ ! -s "$tmp/f" ] && [ ${#missing[@]} = 0 ]; then
	ktap_test_pass "in-tree arm64 build (W=1): ${#patches[@]} patches, $n modules, zero warnings"
else
	{ cat "$tmp/series.err"; cat "$tmp/f"; [ ${#missing[@]} = 0 ] || echo "not built: ${missing[*]}"; } > "$tmp/d"
	diag "$tmp/d"
	ktap_test_fail "in-tree arm64 build (W=1) of the series (log: $log)"
fi

# 2. The series applies to the pristine files it changes.
pristine=$(ls -d "$cache"/pristine-*/linux-source-6.12 | head -1)
mkdir -p "$tmp/apply"
(cd "$out/git" && git ls-tree -r --name-only pristine) | while read -r f; do
	mkdir -p "$tmp/apply/$(dirname "$f")"
	cp "$pristine/$f" "$tmp/apply/$f"
done
if (cd "$tmp/apply" && for p in "${patches[@]}"; do git apply "$p" || exit 1; done) >"$tmp/d" 2>&1; then
	ktap_test_pass "the series applies to pristine Linux 6.12 ($(basename "$pristine"))"
else
	diag "$tmp/d"
	ktap_test_fail "the series applies to pristine Linux 6.12"
fi

# 3. checkpatch --strict, in patch mode, from the tree's root. gpiolib
# expects -ENOTSUPP from a gpio_chip's .set_config (gpiolib.c tests for
# it), so that warning is not counted in drivers/gpio.
checkpatch()
{
	(cd "$tree" && perl scripts/checkpatch.pl --strict --show-types --terse \
		--no-summary "$1") 2>&1 |
		awk -v patch="$1" '
			BEGIN { while ((getline l < patch) > 0) { n++; if (l ~ /^\+\+\+ b\//) f = substr(l, 7); file[n] = f } }
			{ split($0, a, ":"); ln = a[2] + 0 }
			/:ENOTSUPP:/ && file[ln] ~ /^drivers\/gpio\// { next }
			{ print }'
}
cp_version=$(sha256sum "$tree/scripts/checkpatch.pl" | cut -c1-16)
bind_key=$(grep -l '^+++ b/Documentation/devicetree/bindings/' "${patches[@]}" |
	xargs -r sed '1d;/^Date: /d' | sha256sum | cut -c1-16)
for p in "${patches[@]}"; do
	name=$(basename "$p")
	key=$( { sed '1d;/^Date: /d' "$p"; echo "$cp_version $bind_key"; } | sha256sum | cut -c1-32)
	hit=$cache/checkpatch/$key
	if [ -f "$hit" ]; then
		cp "$hit" "$tmp/cp"
		touch "$hit"
		how=" (cached)"
	else
		checkpatch "$p" > "$tmp/cp"
		cp "$tmp/cp" "$hit.tmp" && mv "$hit.tmp" "$hit"
		how=
	fi
	if [ ! -s "$tmp/cp" ]; then
		ktap_test_pass "checkpatch --strict: $name$how"
	else
		diag "$tmp/cp"
		ktap_test_fail "checkpatch --strict: $name ($(wc -l < "$tmp/cp") findings)$how"
	fi
done
find "$cache/checkpatch" -type f -mtime +30 -delete 2>/dev/null

# 4. make dt_binding_check for our bindings. Debian's dt-schema (2022.08) is
# older than 6.12 asks for (2023.9): the version check is overridden, and
# the kernel bindings it cannot read are ignored with a message that is not
# about ours.
mapfile -t ours < <(cd "$tree" && sed -n 's|^+++ b/Documentation/devicetree/bindings/\(.*\.yaml\)$|\1|p' "${patches[@]}" | sort -u)
bdir=$tree/Documentation/devicetree/bindings
schema_key=$( { dt-doc-validate --version 2>&1
	(cd "$bdir" && find . -name '*.yaml' ! -name 'processed-schema*' | sort | xargs sha256sum); } |
	sha256sum | cut -c1-32)
if [ -s "$cache/schema/$schema_key.json" ]; then
	cp "$cache/schema/$schema_key.json" "$bdir/processed-schema.json"
	cp "$cache/schema/$schema_key.cmd" "$bdir/.processed-schema.json.cmd"
	touch "$bdir/processed-schema.json"
fi
# Checks whose results are printed only when they run: make them run.
rm -f "$bdir/.dt-binding.checked" "$bdir/.yamllint.checked"
for b in "${ours[@]}"; do
	rm -f "$bdir/${b%.yaml}.example.dts" "$bdir/${b%.yaml}.example.dtb"
done
make -C "$tree" ARCH=arm64 DT_SCHEMA_MIN_VERSION=2022.08 \
	DT_SCHEMA_FILES="$(IFS=:; echo "${ours[*]}")" dt_binding_check >"$out/dt_binding_check.log" 2>&1
rc=$?
if [ "$rc" = 0 ] && [ ! -s "$cache/schema/$schema_key.json" ]; then
	cp "$bdir/processed-schema.json" "$cache/schema/$schema_key.json.tmp" &&
		cp "$bdir/.processed-schema.json.cmd" "$cache/schema/$schema_key.cmd" &&
		mv "$cache/schema/$schema_key.json.tmp" "$cache/schema/$schema_key.json"
fi
# Findings: anything about our files that is not a progress line.
grep -F "$(printf '%s\n' "${ours[@]%.yaml}")" "$out/dt_binding_check.log" |
	grep -Ev '^  (DTEX|DTC|DTC \[C\]|CHKDT|LINT|SCHEMA) ' > "$tmp/f"
if [ "$rc" = 0 ] && [ ! -s "$tmp/f" ] && grep -q 'DTC \[C\]' "$out/dt_binding_check.log"; then
	ktap_test_pass "make dt_binding_check: ${#ours[@]} bindings and their examples"
else
	[ -s "$tmp/f" ] && diag "$tmp/f" || tail -20 "$out/dt_binding_check.log" | sed 's/^/# /'
	ktap_test_fail "make dt_binding_check: ${#ours[@]} bindings (log: $out/dt_binding_check.log)"
fi
ls -t "$cache"/schema/*.json 2>/dev/null | tail -n +4 | while read -r old; do
	rm -f "$old" "${old%.json}.cmd"
done

# 5. get_abi.pl validate over the tree's ABI, ours included: the pristine
# tree has no finding, so any is ours (a duplicate What of the standard
# ABI, a malformed entry).
(cd "$tree" && perl scripts/get_abi.pl validate) > "$tmp/f" 2>&1
if [ ! -s "$tmp/f" ]; then
	ktap_test_pass "get_abi.pl validate: no duplicate or malformed ABI entry"
else
	diag "$tmp/f"
	ktap_test_fail "get_abi.pl validate: $(wc -l < "$tmp/f") findings"
fi

# 6. The gates on bad input: a patch with style errors and no sign-off,
# and an ABI file that redefines a standard IIO attribute.
cat > "$tmp/bad.patch" <<'BAD'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Nobody <nobody@example.org>
Subject: [PATCH] misc: bad

---
 drivers/misc/bad.c | 4 ++++
 1 file changed, 4 insertions(+)
 create mode 100644 drivers/misc/bad.c

diff --git a/drivers/misc/bad.c b/drivers/misc/bad.c
new file mode 100644
--- /dev/null
+++ b/drivers/misc/bad.c
@@ -0,0 +1,4 @@
+// SPDX-License-Identifier: GPL-2.0
+int bad_function( int a ){
+    return a+1 ;
+}
BAD
checkpatch "$tmp/bad.patch" > "$tmp/cp"
mkdir -p "$tmp/abi"
cp "$pristine/Documentation/ABI/testing/sysfs-bus-iio" "$tmp/abi/"
cat > "$tmp/abi/sysfs-bus-iio-bad" <<'BAD'
What:		/sys/bus/iio/devices/iio:deviceX/in_voltageY_raw
KernelVersion:	6.12
Contact:	nobody@example.org
Description:
		A second definition of a standard attribute.
BAD
(cd "$tree" && perl scripts/get_abi.pl --dir "$tmp/abi" validate) > "$tmp/abi.out" 2>&1
if grep -q 'MISSING_SIGN_OFF' "$tmp/cp" && grep -q 'SPACING' "$tmp/cp"; then
	ktap_test_pass "checkpatch gate: a bad patch is reported ($(wc -l < "$tmp/cp") findings)"
else
	diag "$tmp/cp"
	ktap_test_fail "checkpatch gate: a bad patch is reported"
fi
if grep -q 'in_voltageY_raw' "$tmp/abi.out"; then
	ktap_test_pass "get_abi gate: a redefined standard IIO attribute is reported"
else
	diag "$tmp/abi.out"
	ktap_test_fail "get_abi gate: a redefined standard IIO attribute is reported"
fi
ktap_finished
