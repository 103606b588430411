#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Ctrl-C stops everything at once. make check and make demo are
# interrupted while their guest runs, make deb while it builds, the way a
# terminal does it: SIGINT to the whole process group. Within 5 s no
# process they started may be left, QEMU least of all (an orphaned guest
# would eat both cores until its timeout).
#
# Only this test's own processes are looked at: each run carries a marker
# in its environment, which every process it starts inherits. Other
# developers' guests on the same machine are not touched. The three run at
# the same time, so that the test costs the longest of them, not the sum.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/helpers.sh"

mark=interrupt-$$-$RANDOM
tmp=$(mktemp -d)

# marked [NAME]: the processes that carry this test's marker (of run NAME)
marked()
{
	local e

	for e in /proc/[0-9]*/environ; do
		grep -qsaF "SMCARD_INTERRUPT_MARK=$mark-${1:-}" "$e" &&
			{ e=${e#/proc/}; echo "${e%/environ}"; }
	done
	return 0
}

# marked_qemu NAME: those of them that are QEMU
marked_qemu()
{
	local p

	for p in $(marked "$1"); do
		case $(readlink "/proc/$p/exe" 2>/dev/null) in
		*/qemu-system-*) echo "$p" ;;
		esac
	done
}

# describe PID...: "pid command" lines for the diagnostics
describe()
{
	local p

	for p in "$@"; do
		echo "$p $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | cut -c1-100)"
	done
}

cleanup()
{
	local left

	left=$(marked)
	[ -n "$left" ] && kill -KILL $left 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# start NAME CMD...: CMD in a process group of its own, marked NAME. With
# job control the group is its own, and SIGINT is not ignored in it (as it
# would be for a plain '&').
declare -A pgid
start()
{
	local name=$1

	shift
	set -m
	env SMCARD_INTERRUPT_MARK="$mark-$name" "$@" > "$tmp/$name.log" 2>&1 < /dev/null &
	pgid[$name]=$!
	set +m
}

# interrupt NAME WHAT: send SIGINT to the run's group, as a terminal does,
# and give it 5 s
interrupt()
{
	local name=$1 what=$2 left

	kill -INT -- "-${pgid[$name]}"
	if until_ok 5 eval '[ -z "$(marked "$name")" ]'; then
		ktap_test_pass "make $name: Ctrl-C while $what leaves nothing running"
	else
		left=$(marked "$name")
		ktap_print_msg "make $name: still running 5 s after Ctrl-C:"
		describe $left | sed 's/^/# /'
		[ -n "$(marked_qemu "$name")" ] && ktap_print_msg "make $name: QEMU among them"
		ktap_test_fail "make $name: Ctrl-C while $what leaves nothing running"
		kill -KILL $left 2>/dev/null
	fi
	wait "${pgid[$name]}" 2>/dev/null
	tail -3 "$tmp/$name.log" | sed 's/^/# /'
}

# guest_up NAME: a QEMU of the run has run for 10 s (the guest boots)
declare -A qemu_seen qemu_since
guest_up()
{
	local p

	p=$(marked_qemu "$1" | head -1)
	[ -n "$p" ] || return 1
	if [ "${qemu_seen[$1]:-}" != "$p" ]; then
		qemu_seen[$1]=$p
		qemu_since[$1]=$SECONDS
	fi
	[ $((SECONDS - qemu_since[$1])) -ge 10 ]
}

# building NAME: dpkg-buildpackage of the run is under way
building()
{
	local p

	for p in $(marked "$1"); do
		grep -qa dpkg-buildpackage "/proc/$p/cmdline" 2>/dev/null && return 0
	done
	return 1
}

ktap_print_header
ktap_set_plan 3

# make check: its logs go to $tmp, not over those of the make check that
# may be running this test; without the host unit tests and with a short
# fuzz smoke it gets to its guest sooner
start check env CHECK_LOGS="$tmp/check" CHECK_HOST_UNIT=0 FUZZ_RUNS=1000 \
	make -C "$top" check
start demo make -C "$top" demo
start deb make -C "$top" deb
# Each is interrupted as soon as it is where it should be (at most 40 min:
# a first make check builds everything); one that ends before is a failure.
declare -A ready=([check]=guest_up [demo]=guest_up [deb]=building)
declare -A what=([check]="a guest runs" [demo]="a guest runs" [deb]="the packages build")
pending=(check demo deb)
end=$((SECONDS + 2400))
while [ ${#pending[@]} -gt 0 ] && [ $SECONDS -lt $end ]; do
	left=()
	for name in "${pending[@]}"; do
		if "${ready[$name]}" "$name"; then
			interrupt "$name" "${what[$name]}"
		elif ! kill -0 "${pgid[$name]}" 2>/dev/null; then
			ktap_print_msg "make $name: ended before it got to the point of the interrupt:"
			tail -15 "$tmp/$name.log" | sed 's/^/# /'
			ktap_test_fail "make $name: Ctrl-C while ${what[$name]} leaves nothing running"
		else
			left+=("$name")
		fi
	done
	pending=("${left[@]}")
	sleep 1
done
for name in "${pending[@]}"; do
	ktap_test_fail "make $name: never got to the point of the interrupt in 40 min"
done

ktap_finished
