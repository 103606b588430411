#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Gate: every RST page of Documentation/ parses with docutils (Debian's
# python3-docutils) without a warning or an error. One test per page, plus
# one that shows the gate failing on a page with a malformed table. And
# every Documentation/ path the repository names (pages, sources, man
# pages, scripts) exists, here or in the 6.12 tree: renames leave none
# behind.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# rst_check FILE...: one line per file, "ok FILE" or "bad FILE", each bad
# one followed by its messages indented by "  ".
rst_check()
{
	/usr/bin/python3 - "$@" <<'PY'
import io
import sys

from docutils.core import publish_doctree

for path in sys.argv[1:]:
    messages = io.StringIO()
    settings = {'report_level': 2, 'halt_level': 5, 'warning_stream': messages,
                'input_encoding': 'utf-8', 'file_insertion_enabled': False,
                'raw_enabled': False}
    try:
        with open(path, encoding='utf-8') as f:
            publish_doctree(f.read(), source_path=path,
                            settings_overrides=settings)
    except Exception as e:  # a page docutils cannot read at all
        messages.write(f'{path}: {type(e).__name__}: {e}\n')
    text = messages.getvalue()
    print(('bad ' if text else 'ok ') + path)
    for line in text.splitlines():
        print('  ' + line)
PY
}

mapfile -t pages < <(cd "$top" && find Documentation -name '*.rst' | sort)
ktap_print_header
if ! /usr/bin/python3 -c 'import docutils' 2>/dev/null; then
	ktap_skip_all "python3-docutils is not installed (make deps)"
	exit 4
fi
ktap_set_plan $((${#pages[@]} + 2))

(cd "$top" && rst_check "${pages[@]}") > "$tmp/out"
for p in "${pages[@]}"; do
	if grep -qxF "ok $p" "$tmp/out"; then
		ktap_test_pass "docutils: $p"
	else
		awk -v p="bad $p" '$0 == p { on = 1; next } /^(ok|bad) / { on = 0 } on' \
			"$tmp/out" > "$tmp/msg"
		diag "$tmp/msg"
		ktap_test_fail "docutils: $p"
	fi
done

ksrc=$("$top/tools/vm/kernel" 2>/dev/null)
(cd "$top" && grep -rhoE 'Documentation/[A-Za-z0-9_./,+-]*[A-Za-z0-9_/+-]' \
	--exclude-dir=build --exclude-dir=.git --include='*.rst' --include='*.md' \
	--include='*.c' --include='*.h' --include='*.yaml' --include='*.scd' \
	--include=Kconfig --include='*.sh' --include='*.dtso' . | sort -u |
	while read -r ref; do
		[ -e "$ref" ] || [ -e "$ksrc/$ref" ] || echo "$ref"
	done) > "$tmp/refs"
if [ -z "$ksrc" ]; then
	ktap_test_skip "Documentation/ references: no kernel tree to resolve them"
elif [ ! -s "$tmp/refs" ]; then
	ktap_test_pass "every Documentation/ path named in the repository exists"
else
	diag "$tmp/refs"
	ktap_test_fail "$(wc -l < "$tmp/refs") Documentation/ paths named in the repository do not exist"
fi

# The gate itself: a table whose columns do not line up is reported.
cat > "$tmp/bad.rst" <<'BAD'
Title
=====

=====  =====
a      b
=====  =====
cccccccc  d
=====  =====
BAD
(cd "$tmp" && rst_check bad.rst) > "$tmp/out"
if grep -qx 'bad bad.rst' "$tmp/out"; then
	ktap_test_pass "docutils gate: a malformed table is reported ($(grep -c '^  ' "$tmp/out") messages)"
else
	ktap_test_fail "docutils gate: a malformed table is reported"
fi
ktap_finished
