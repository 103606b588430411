#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Wire noise on the M-Bus (Documentation/robustness.rst): test_wire_noise
# with many more faults of each kind per role and baud rate
# (STRESS_NOISE_ROUNDS, default 25) and a longer stuck line
# (STRESS_NOISE_STUCK_MS, default 3000).
here=$(cd "$(dirname "$0")" && pwd)
export STRESS_NOISE_STUCK_MS=${STRESS_NOISE_STUCK_MS:-3000}
exec "$here/test_wire_noise" "${STRESS_NOISE_ROUNDS:-25}"
