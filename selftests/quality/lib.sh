# SPDX-License-Identifier: GPL-2.0
# Shared by the quality gates (host_*.sh): paths and KTAP helpers.
qdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$qdir/../.." && pwd)
B=$top/build
# shellcheck source=../include/ktap_helpers.sh
. "$top/selftests/include/ktap_helpers.sh"

# Kernel C/H files of the project: drivers, kernel headers, test modules.
kernel_sources()
{
	(cd "$top" && find drivers include/linux include/uapi include/dt-bindings \
		selftests/modules -type f \( -name '*.c' -o -name '*.h' \) \
		! -name '*.mod.c' 2>/dev/null | sort)
}

# Report OUTPUT (file) as KTAP diagnostics, at most 40 lines.
diag()
{
	sed -n '1,40s/^/# /p' "$1"
}

# ktap_result OK DESCRIPTION: pass if OK is 0.
ktap_result()
{
	if [ "$1" = 0 ]; then
		ktap_test_pass "$2"
	else
		ktap_test_fail "$2"
	fi
}
