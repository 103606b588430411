# SPDX-License-Identifier: GPL-2.0
# Why did a scan miss a meter? It is the emulator's miss when probes that
# could have found it went unanswered and every one of them fell into a
# stall of the VM: the emulator (a process in the guest) could not answer
# in time, or its answer came in bursts and arrived damaged, whatever the
# master did. Anything else (no unanswered probe: it was never asked, or
# its answer was taken wrongly; or an unanswered probe while the VM ran)
# is the master's or the kernel's.
#
#   awk -f misses.awk -v off=NS -v window=NS STALLS MONITOR TARGETS
#
# STALLS: stallwatch's file; off: its realtime - monotonic offset.
# MONITOR: 'smcardctl mbus monitor --json' lines (kernel time stamps).
# TARGETS: one meter per line, a primary address (decimal) or a secondary
# address (16 hex digits). window: the reply window plus the extra time
# the master allowed, in ns.
# Prints "TARGET emulator" or "TARGET master" per target.

function hex(b) { return toupper(b) }

# the frame's bytes into f[1..n]
function bytes(s,   n) {
	n = split(s, f, " ")
	return n
}

# probe k (frame bytes in p[k, i]) could have found target t
function probes(k, t,   a, id, pat, i, c) {
	if (p[k, 1] == "10")			# short frame: C A
		return length(t) <= 3 && p[k, 3] == sprintf("%02X", t + 0)
	if (p[k, 1] != "68" || p[k, 7] != "52" || length(t) != 16)
		return 0			# not a selection
	# ID (BCD, LSB first), manufacturer (LSB first), version, medium
	pat = p[k, 11] p[k, 10] p[k, 9] p[k, 8] p[k, 13] p[k, 12] p[k, 14] p[k, 15]
	for (i = 1; i <= 16; i++) {
		c = substr(pat, i, 1)
		if (c != "F" && c != substr(t, i, 1))
			return 0
	}
	return 1
}

function stalled(lo, hi,   i) {
	for (i = 1; i <= ns; i++)
		if (sa[i] < hi && sb[i] > lo)
			return 1
	return 0
}

FILENAME == ARGV[1] {
	if ($1 == "stall") { ns++; sa[ns] = $5; sb[ns] = $7 }
	next
}

FILENAME == ARGV[2] {
	if (!match($0, /"timestamp_ns":[0-9]+/))
		next
	ts = substr($0, RSTART + 15, RLENGTH - 15) - off
	if (!match($0, /"frame":"[^"]*"/))
		next
	fr = substr($0, RSTART + 9, RLENGTH - 10)
	if ($0 ~ /"direction":"tx"/) {
		np++
		pt[np] = ts
		answered[np] = 0
		n = bytes(fr)
		for (i = 1; i <= n; i++) p[np, i] = hex(f[i])
	} else if (np && $0 ~ /"result":"ok"/) {
		# a damaged answer is no answer: a stalled emulator's bytes
		# come in bursts, and the master ends the reply at a gap
		answered[np] = 1
	}
	next
}

{
	t = toupper($1)
	lost = 0; bad = 0
	for (k = 1; k <= np; k++) {
		if (!probes(k, t) || answered[k])
			continue
		lost++
		if (!stalled(pt[k], pt[k] + window))
			bad++
	}
	print $1, (lost && !bad) ? "emulator" : "master"
}
