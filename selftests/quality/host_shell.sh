#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Gate: under 'set -o pipefail', 'producer | grep -q' fails at random: grep
# quits at the first match and a producer still writing dies of SIGPIPE,
# which pipefail reports as the pipeline's status. No script of the
# project that sets pipefail may end a pipeline in 'grep -q'.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# early_quits FILE...: the 'grep -q' pipelines of the files that set pipefail.
early_quits()
{
	local f
	for f in "$@"; do
		grep -l 'pipefail' "$f" >/dev/null || continue
		grep -nE '\|[[:space:]]*grep[[:space:]]+(-[[:alnum:]]*q|--quiet)' "$f" |
			grep -vE '^[0-9]+:[[:space:]]*#' | sed "s|^|# $f:|"
	done
}

ktap_print_header
ktap_set_plan 2

mapfile -t scripts < <(cd "$top" && git ls-files -z | xargs -0 grep -lI '^#!.*bash' 2>/dev/null)
(cd "$top" && early_quits "${scripts[@]}") >"$tmp/found"
if [ -s "$tmp/found" ]; then
	cat "$tmp/found"
	ktap_test_fail "shell: $(wc -l < "$tmp/found") pipelines end in grep -q under pipefail"
else
	ktap_test_pass "shell: no pipeline ends in grep -q under pipefail (${#scripts[@]} scripts)"
fi

# The gate itself, and the fault it guards against: a producer that writes
# past a pipe's buffer after grep -q has quit fails the pipeline.
quiet='grep -q'
printf '#!/bin/bash\nset -o pipefail\nseq 1000000 | %s 1\n' "$quiet" >"$tmp/bad.sh"
bash "$tmp/bad.sh"
rc=$?
if [ -n "$(early_quits "$tmp/bad.sh")" ] && [ $rc -ne 0 ]; then
	ktap_test_pass "shell gate: a grep -q pipeline is reported (and fails: status $rc)"
else
	ktap_test_fail "shell gate: a grep -q pipeline is reported (status $rc)"
fi
ktap_finished
