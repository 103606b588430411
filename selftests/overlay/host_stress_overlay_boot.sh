#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make stress: the boots of host_overlay_boot.sh (every function on every
# pin) with kmemleak on, as make check's main run has it; make check runs
# them with kmemleak=off to fit its time.
here=$(cd "$(dirname "$0")" && pwd)
start=$(date +%s)
OVERLAY_BOOT_KMEMLEAK=1 "$here/host_overlay_boot.sh"
rc=$?
echo "# figure: overlay rotations | 6 boots with kmemleak | $(($(date +%s) - start)) s | make check runs them with kmemleak=off"
exit $rc
