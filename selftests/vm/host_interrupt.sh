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
# developers' guests on the same machine are not touched.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/helpers.sh"

mark=interrupt-$$-$RANDOM
tmp=$(mktemp -d)

# marked: the processes that carry this test's marker
marked()
{
	local e

	for e in /proc/[0-9]*/environ; do
		grep -qsaF "SMCARD_INTERRUPT_MARK=$mark" "$e" && { e=${e#/proc/}; echo "${e%/environ}"; }
	done
	return 0
}

# marked_qemu: those of them that are QEMU
marked_qemu()
{
	local p

	for p in $(marked); do
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

# interrupt NAME READY CMD...: start CMD in a process group of its own,
# wait (at most 40 min: a first make check builds everything) until READY
# succeeds, then send SIGINT to the group and give it 5 s.
interrupt()
{
	local name=$1 ready=$2 pgid left

	shift 2
	# with job control the command gets a process group of its own, and
	# SIGINT is not ignored in it (as it would be for a plain '&')
	set -m
	env SMCARD_INTERRUPT_MARK="$mark" "$@" > "$tmp/$name.log" 2>&1 < /dev/null &
	pgid=$!
	set +m
	if ! until_ok 2400 "$ready"; then
		ktap_print_msg "$name: never got to the point of the interrupt; its output:"
		tail -15 "$tmp/$name.log" | sed 's/^/# /'
		ktap_test_fail "$name: Ctrl-C while $what leaves nothing running"
		return
	fi
	kill -INT -- "-$pgid"
	if until_ok 5 eval '[ -z "$(marked)" ]'; then
		ktap_test_pass "$name: Ctrl-C while $what leaves nothing running"
	else
		left=$(marked)
		ktap_print_msg "$name: still running 5 s after Ctrl-C:"
		describe $left | sed 's/^/# /'
		[ -n "$(marked_qemu)" ] && ktap_print_msg "$name: QEMU among them"
		ktap_test_fail "$name: Ctrl-C while $what leaves nothing running"
		kill -KILL $left 2>/dev/null
	fi
	wait "$pgid" 2>/dev/null
	tail -3 "$tmp/$name.log" | sed 's/^/# /'
}

# guest_up: a QEMU of this test has run for 10 s (the guest boots)
guest_up()
{
	local p

	p=$(marked_qemu | head -1)
	[ -n "$p" ] || { QEMU_SEEN=; return 1; }
	[ "$QEMU_SEEN" = "$p" ] || { QEMU_SEEN=$p; QEMU_SINCE=$SECONDS; }
	[ $((SECONDS - QEMU_SINCE)) -ge 10 ]
}

# building: dpkg-buildpackage of this test runs
building()
{
	local p

	for p in $(marked); do
		grep -qa dpkg-buildpackage "/proc/$p/cmdline" 2>/dev/null && return 0
	done
	return 1
}

ktap_print_header
ktap_set_plan 3

# make check: its logs go to $tmp, not over those of the make check that
# may be running this test; a short fuzz smoke gets it to its guest sooner
what="a guest runs"
interrupt "make check" guest_up env CHECK_LOGS="$tmp/check" FUZZ_RUNS=1000 make -C "$top" check
interrupt "make demo" guest_up make -C "$top" demo
what="the packages build"
interrupt "make deb" building make -C "$top" B="$tmp/build" deb

ktap_finished
