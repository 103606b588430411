#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Instructions per M-Bus telegram decode, counted by callgrind (repeatable,
# unlike time on a shared machine): parse + normalise, the JSON text and
# the json-c object, over the whole corpus of bench_mbus and for its
# typical 100-byte RSP_UD. Each is the difference between N runs and
# none, over N and the number of telegrams; symbols are bound at start so
# that the dynamic linker's first calls do not count.
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/build/userspace/host/bench/bench_mbus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=${MBUS_CALLGRIND_RUNS:-100}
cd "$top" || exit 1

total()
{
	LD_BIND_NOW=1 valgrind --tool=callgrind --callgrind-out-file="$tmp/out" \
		"$bin" --iterations "$1" --only "$2" ${3:+--frame "$3"} \
		>"$tmp/count" 2>/dev/null || return 1
	sed -n 's/^summary: //p' "$tmp/out"
}

for what in parse json object; do
	for frame in "" read100; do
		base=$(total 0 "$what" "$frame") && full=$(total "$n" "$what" "$frame") || {
			echo "bench_mbus_callgrind: valgrind failed ($what $frame)"
			exit 1
		}
		k=$(cat "$tmp/count")
		echo "# figure: mbus decode (callgrind) | $what, ${frame:-corpus mean of $k telegrams} |" \
			"$(((full - base) / n / k)) instructions | " \
			"$([ "$what" = parse ] && echo 'no heap allocation per record')"
	done
done
