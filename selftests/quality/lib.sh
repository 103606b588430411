# SPDX-License-Identifier: GPL-2.0
# Shared by the quality gates (host_*.sh): paths and KTAP helpers.
qdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$qdir/../.." && pwd)
B=$top/build
# shellcheck source=../lib/helpers.sh
. "$top/selftests/lib/helpers.sh"

# Kernel C/H files of the project: drivers, kernel headers, test modules.
kernel_sources()
{
	(cd "$top" && find drivers include/linux include/uapi include/dt-bindings \
		selftests/modules -type f \( -name '*.c' -o -name '*.h' \) \
		! -name '*.mod.c' 2>/dev/null | sort)
}
