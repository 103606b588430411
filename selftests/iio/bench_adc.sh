#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcard-adc benchmark (host side): boots the reference VM and runs
# adc_bench_guest.sh there. The VM is emulated (TCG) and the debug kernel
# has KASAN and lockdep on, so the figures are lower bounds for hardware.
top=$(cd "$(dirname "$0")/../.." && pwd)
echo "smcard-adc: simulated I2C at 100 kHz; guest is QEMU TCG with a debug kernel"
exec "$top/tools/vm/run" --no-build --timeout 600 \
	/usr/lib/smcard/selftests/iio/adc_bench_guest.sh
