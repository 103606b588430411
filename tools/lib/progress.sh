# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Progress of long set-up work (sourced, not run): one line per stage on
# stderr, with the time since the start, so that a first `make check`,
# `make demo` or `make deb` never sits silent for minutes.
#
#   progress_start NAME            lines read "NAME: [m:ss] ..."
#   stage WHAT...                  one line
#   logged LOG WHAT CMD...         a stage line naming LOG, CMD with all its
#                                  output in LOG, a line every minute while it
#                                  runs; on failure the log's last lines
#
# A stage line goes to the terminal even when the caller's output goes to a
# log: set PROGRESS_FD to a descriptor open on it (default 2).

progress_start()
{
	PROGRESS_NAME=$1
	PROGRESS_T0=$SECONDS
}

# progress_elapsed: "m:ss" since progress_start
progress_elapsed()
{
	local t=$((SECONDS - ${PROGRESS_T0:-0}))

	printf '%d:%02d' $((t / 60)) $((t % 60))
}

stage()
{
	printf '%s: [%s] %s\n' "${PROGRESS_NAME:-${0##*/}}" "$(progress_elapsed)" "$*" \
		>&"${PROGRESS_FD:-2}"
}

# heartbeat LOG WHAT: a line every minute until killed; counts the objects
# the build log shows compiled so far (kbuild "CC" lines, make's "gcc -c")
heartbeat()
{
	local n

	while sleep 60; do
		n=$(grep -cE '^ +(CC|AS|LD)( \[M\])? |gcc.* -c ' "$1" 2>/dev/null)
		if [ "${n:-0}" -gt 0 ]; then
			stage "$2: still running, $n files compiled so far (log: $1)"
		else
			stage "$2: still running (log: $1)"
		fi
	done
}

logged()
{
	local log=$1 what=$2 beat rc

	shift 2
	stage "$what (log: $log)"
	heartbeat "$log" "$what" &
	beat=$!
	# written for callers with set -e too
	"$@" >>"$log" 2>&1 && rc=0 || rc=$?
	kill "$beat" 2>/dev/null || true
	wait "$beat" 2>/dev/null || true
	if [ $rc != 0 ]; then
		tail -40 "$log" >&"${PROGRESS_FD:-2}"
		stage "$what failed (status $rc; log: $log)"
	fi
	return $rc
}
