# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by every selftest script, on the host and in the guest
# (sourced, not run). An area's own *_lib.sh sources this file and adds
# only what is specific to the area:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/../lib/helpers.sh"
#
# The guest has the same layout under /usr/lib/smcard/selftests (lib/ with
# this file and the programs built from lib/*.c, include/ with the kernel's
# ktap_helpers.sh).
#
# Results (KTAP, one line each):
#   check DESC EXPECTED ACTUAL     pass if the two strings are equal
#   ok DESC CMD...                 pass if CMD succeeds (check_true: same)
#   fails DESC ERRTEXT CMD...      pass if CMD fails with ERRTEXT in its output
#   check_files DESC WANT GOT      pass if the files are equal, else a diff
#   ktap_result STATUS DESC        pass if STATUS is 0
#   diag FILE [N]                  FILE's first N (40) lines as diagnostics
#   figure GROUP WHAT VALUE LIMIT  a figure line for the make stress/bench table
# Waiting (every wait is bounded; the condition is tried once more at the
# deadline, so a guest that was descheduled while it waited is not failed
# for the host's stall):
#   until_ok SECONDS CMD...        poll CMD until it succeeds
#   wait_for [SECONDS] CMD...      the same; SECONDS defaults to 10
# The simulator (guest): $SIM, sim_debugfs (mount debugfs), sim_bus (I2C bus)
# Reading and writing files as commands:
#   put VALUE FILE, get FILE, at_least FILE N, settled FILE, near A B TOL
# Processes:
#   waiting PID                    PID sleeps waiting for input (it is ready)
#   children PID                   its child processes
#   uptime_cs                      monotonic time in $UPTIME_CS (1/100 s)
# Timing against the emulator's stalls (the control measurement, see
# lib/stallwatch.h), in the guest:
#   stall_start FILE, stall_stop   record the stalls of the VM's CPUs
#   stall_retry CMD...             CMD, again if it failed during a stall
#   stalled_ns FILE FROM TO        ns in [FROM, TO) (CLOCK_MONOTONIC ns)
#                                  during which a CPU was stalled
#   monotonic_ns                   CLOCK_MONOTONIC now, in ns
#   stall_offset FILE              CLOCK_REALTIME - CLOCK_MONOTONIC in ns
#   stalls FILE                    how many stalls FILE recorded

SELFTESTS_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../include/ktap_helpers.sh
. "$SELFTESTS_LIB/../include/ktap_helpers.sh"

# The simulator's control interface (debugfs), in the guest.
SIM=/sys/kernel/debug/smcard-sim

# sim_debugfs: mount debugfs if nobody has (the guest's init does)
sim_debugfs()
{
	grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug 2>/dev/null
	return 0
}

# sim_bus: the number of the simulator's I2C bus (i2cdetect -l)
sim_bus()
{
	i2cdetect -l | awk '$3 == "smcard-sim" { sub("i2c-", "", $1); print $1; exit }'
}

# check DESCRIPTION EXPECTED ACTUAL
check()
{
	if [ "$2" = "$3" ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: expected '$2', got '$3'"
		ktap_test_fail "$1"
	fi
}

# ok DESCRIPTION COMMAND...: passes when COMMAND succeeds
ok()
{
	local desc=$1

	shift
	if "$@"; then
		ktap_test_pass "$desc"
	else
		ktap_test_fail "$desc"
	fi
}

check_true() { ok "$@"; }

# fails DESCRIPTION ERRNO_TEXT CMD...: CMD must fail with that error text.
fails()
{
	local desc=$1 want=$2 err

	shift 2
	if err=$("$@" 2>&1); then
		ktap_print_msg "$desc: succeeded"
		ktap_test_fail "$desc"
	elif [ "${err#*"$want"}" != "$err" ]; then
		ktap_test_pass "$desc"
	else
		ktap_print_msg "$desc: $err"
		ktap_test_fail "$desc"
	fi
}

# check_files DESCRIPTION EXPECTED_FILE ACTUAL_FILE
check_files()
{
	if cmp -s "$2" "$3"; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: differs:"
		diff "$2" "$3" | head -20 | sed 's/^/# /'
		ktap_test_fail "$1"
	fi
}

# ktap_result STATUS DESCRIPTION: pass if STATUS is 0.
ktap_result()
{
	if [ "$1" = 0 ]; then
		ktap_test_pass "$2"
	else
		ktap_test_fail "$2"
	fi
}

# diag FILE [LINES]: the file's first lines (40) as KTAP diagnostics
diag()
{
	sed -n "1,${2:-40}s/^/# /p" "$1"
}

# figure GROUP WHAT VALUE LIMIT: one line of the figures table that
# tools/stress and tools/bench collect
figure()
{
	echo "# figure: $1 | $2 | $3 | $4"
}

# uptime_cs: seconds since boot in centiseconds (/proc/uptime; not moved by
# a change of the wall clock) in $UPTIME_CS, without forking a process
uptime_cs()
{
	local up

	read -r up _ < /proc/uptime
	UPTIME_CS=$((10#${up/./}))
}

# until_ok SECONDS CMD...: run CMD until it succeeds, polling every 50 ms
# at first and less often later (up to 0.5 s) so a long wait does not load
# the guest. Fails if CMD has not succeeded at the deadline.
until_ok()
{
	local end pause=0.05

	uptime_cs
	end=$((UPTIME_CS + $1 * 100))
	shift
	until "$@"; do
		uptime_cs
		[ "$UPTIME_CS" -ge "$end" ] && { "$@"; return; }
		sleep "$pause"
		case $pause in
		0.05) pause=0.1 ;;
		0.1) pause=0.2 ;;
		0.2) pause=0.5 ;;
		esac
	done
}

# wait_for [SECONDS] CMD...: until_ok with a default of 10 s
wait_for()
{
	case $1 in
	''|*[!0-9]*) until_ok 10 "$@" ;;
	*) until_ok "$@" ;;
	esac
}

# waiting PID: the process sleeps in a system call that waits for input
# (read, poll, select, epoll, recv): it has opened and set up what it reads, and
# is ready for what the test does next (/proc/PID/syscall)
_arch=$(uname -m)
waiting()
{
	local nr

	read -r nr _ < "/proc/$1/syscall" 2>/dev/null || return 1
	case $_arch:$nr in
	aarch64:63|aarch64:73|aarch64:72|aarch64:22|aarch64:207|aarch64:212) return 0 ;;
	x86_64:0|x86_64:7|x86_64:23|x86_64:45|x86_64:47|x86_64:232|x86_64:270|x86_64:271|x86_64:281)
		return 0 ;;
	esac
	return 1
}

# children PID: the process IDs whose parent is PID (busybox has no pgrep)
children()
{
	local d stat

	for d in /proc/[0-9]*; do
		{ read -r stat < "$d/stat"; } 2>/dev/null || continue
		stat=${stat##*) }
		set -- "$1" $stat
		[ "$3" = "$1" ] && echo "${d#/proc/}"
	done
	return 0
}

# put VALUE FILE: a sysfs write as a command (for fails)
put() { echo "$1" > "$2"; }

# get FILE: a sysfs read as a command (for fails). One read(2): busybox cat
# tries sendfile() first and silently retries a failed one with read(), so
# it hides the error of the first attempt.
get()
{
	local v

	IFS= read -r v < "$1" || return 1
	printf '%s\n' "$v"
}

# at_least FILE N: the number in FILE is N or more (for wait_for)
at_least() { [ "$(cat "$1")" -ge "$2" ]; }

# gone PID...: none of them runs any more
gone()
{
	local p

	for p; do
		kill -0 "$p" 2>/dev/null && return 1
	done
	return 0
}

# settled FILE: wait up to 10 s until FILE reads the same for 0.5 s, print it
settled()
{
	local v w end=$((SECONDS + 10))

	v=$(cat "$1")
	while [ $SECONDS -lt $end ]; do
		sleep 0.5
		w=$(cat "$1")
		[ "$w" = "$v" ] && break
		v=$w
	done
	echo "$v"
}

# near A B TOLERANCE: |A - B| <= TOLERANCE (numbers with decimals)
near()
{
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= t) }'
}

# stall_start FILE: run stallwatch into FILE until stall_stop
stall_start()
{
	STALL_FILE=$1
	"$SELFTESTS_LIB/stallwatch" "$1" &
	STALL_PID=$!
	until_ok 10 grep -qs '^stallwatch: watching' "$1"
}

stall_stop()
{
	[ -n "${STALL_PID:-}" ] || return 0
	kill -TERM "$STALL_PID" 2>/dev/null
	wait "$STALL_PID" 2>/dev/null
	STALL_PID=
	# a diagnostic on stderr: callers may be reading our stdout
	ktap_print_msg "$(tail -1 "$STALL_FILE")" >&2
}

# stalled_ns FILE FROM TO: the time in [FROM, TO) during which at least one
# CPU was stalled, from stallwatch's FILE (the union of its intervals). The
# stalls of one CPU come in time order: a merge of the CPUs' lists.
stalled_ns()
{
	awk -v lo="$2" -v hi="$3" '
	$1 == "stall" { c = $3; n[c]++; a[c, n[c]] = $5; b[c, n[c]] = $7; cpus[c] = 1 }
	END {
		total = 0; end = lo
		for (c in cpus) i[c] = 1
		for (;;) {
			best = ""
			for (c in cpus)
				if (i[c] <= n[c] && (best == "" || a[c, i[c]] < a[best, i[best]]))
					best = c
			if (best == "")
				break
			s = a[best, i[best]]; e = b[best, i[best]]; i[best]++
			if (s < end) s = end
			if (e > hi) e = hi
			if (e > s) { total += e - s; end = e }
		}
		printf "%.0f\n", total
	}' "$1"
}

# stall_retry CMD...: run CMD, and again (three times in all) if it failed
# while stallwatch (stall_start) saw the emulator stall: a process of the
# guest that missed a deadline because the VM did not run. A CMD that
# fails while the VM ran fails at once.
stall_retry()
{
	local i n

	for i in 1 2 3; do
		n=$(stalls "${STALL_FILE:-}")
		"$@" && return 0
		sleep 0.02	# a stall that just ended is recorded by now
		[ "$(stalls "${STALL_FILE:-}")" -gt "$n" ] || return 1
		ktap_print_msg "the emulator stalled during '$*' (attempt $i)" >&2
	done
	return 1
}

# stall_offset FILE: add it to a CLOCK_MONOTONIC time to get CLOCK_REALTIME
stall_offset() { sed -n 's/^stallwatch: watching.* = \(-\{0,1\}[0-9]*\) ns$/\1/p' "$1"; }

# stalls FILE: the number of stalls recorded (0 without FILE)
stalls()
{
	local n

	n=$(grep -c '^stall ' "${1:-/dev/null}" 2>/dev/null)
	echo "${n:-0}"
}

# monotonic_ns: CLOCK_MONOTONIC in ns (the clock of the stall file)
monotonic_ns()
{
	"$SELFTESTS_LIB/stallwatch" --now
}
