#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Instructions per P1 telegram decode, counted by callgrind (repeatable,
# unlike time): the difference between 200 decodes and none, over 200.
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/build/userspace/host/bench/bench_p1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=200

total()
{
	valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bin" \
		--iterations "$1" --flavour "$2" >/dev/null 2>&1 || return 1
	sed -n 's/^summary: //p' "$tmp/out"
}

for flavour in dsmr5 swedish xs211 xs211-3ph; do
	base=$(total 0 "$flavour") && full=$(total $n "$flavour") || {
		echo "bench_p1_callgrind: valgrind failed for $flavour"
		exit 1
	}
	echo "$flavour: $(((full - base) / n)) instructions per telegram decode" \
		"(callgrind; a telegram arrives once per second)"
done
