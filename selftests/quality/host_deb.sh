#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Debian packages: 'tools/deb' builds smcard-dkms, smcard and smcard-overlay;
# they are unpacked into a scratch root (dpkg -x) and their file lists and
# contents checked. Also: the man pages render without groff warnings.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 6
version=$(cat "$top/VERSION")
out=$B/quality/deb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! "$top/tools/deb" "$out" >"$tmp/out" 2>&1; then
	diag "$tmp/out"
	ktap_test_fail "make deb: the packages build"
	for i in 2 3 4 5; do ktap_test_skip "package check $i (no packages)"; done
else
	ktap_test_pass "make deb: the packages build"
	root=$tmp/root
	for p in smcard-dkms smcard smcard-overlay; do
		dpkg -x "$(ls "$out/${p}_${version}_"*.deb)" "$root"
	done

	# have FILE...: all present in the scratch root.
	have()
	{
		local f miss=0
		for f in "$@"; do
			[ -e "$root$f" ] || { echo "# missing: $f"; miss=1; }
		done
		return $miss
	}
	usrc=/usr/src/smcard-$version
	have "$usrc/dkms.conf" "$usrc/Kbuild" "$usrc/dkms/check-config" \
		"$usrc/dkms/modules.list" "$usrc/include/linux/mfd/smcard.h" &&
		! find "$root$usrc" | grep -E 'smcard-sim|selftests|\.o$|\.ko$' | sed 's/^/# unexpected: /' | grep . >/dev/null
	ktap_result $? "smcard-dkms: $usrc with dkms.conf and sources, no simulator or build products"

	bins=(/usr/bin/smcardctl /usr/share/man/man1/smcardctl.1.gz)
	[ -d "$top/userspace/smcardd" ] && bins+=(/usr/bin/smcardd /usr/share/man/man8/smcardd.8.gz
		/usr/share/man/man5/smcardd.conf.5.gz)
	[ -f "$top/userspace/smcardd/smcardd.conf.example" ] && bins+=(/etc/smcard/smcardd.conf)
	[ -f "$top/userspace/smcardd/smcardd.service" ] && bins+=(/lib/systemd/system/smcardd.service)
	have "${bins[@]}" && "$root/usr/bin/smcardctl" --version | grep -x "smcardctl $version" >/dev/null
	ktap_result $? "smcard: ${bins[*]}"

	ok=0
	if [ -f "$root/lib/systemd/system/smcardd.service" ]; then
		for exe in $(sed -n 's/^Exec[A-Za-z]*=[-@+!]*\([^ ]*\).*/\1/p' \
			"$root/lib/systemd/system/smcardd.service"); do
			case $exe in
			/bin/kill) ;;
			*) have "$exe" || ok=1 ;;
			esac
		done
	fi
	ktap_result $ok "smcard: the programs the systemd unit runs are in the package"

	have /boot/overlays/smcard.dtbo &&
		fdtdump "$root/boot/overlays/smcard.dtbo" 2>/dev/null | grep '__fixups__\|fragment' >/dev/null
	ktap_result $? "smcard-overlay: /boot/overlays/smcard.dtbo is an overlay"
fi

make -s -C "$top/man" O="$tmp/man" >"$tmp/out" 2>&1
rc=$?
for f in "$tmp"/man/*.[158]; do
	[ -e "$f" ] || { rc=1; break; }
	LC_ALL=C.UTF-8 MANWIDTH=80 man -l --warnings=w "$f" 2>&1 >/dev/null | sed 's/^/# /' >>"$tmp/out"
done
[ -s "$tmp/out" ] && { diag "$tmp/out"; rc=1; }
ktap_result $rc "man pages: smcardctl(1), smcardd(8), smcardd.conf(5) build and render cleanly"
ktap_finished
