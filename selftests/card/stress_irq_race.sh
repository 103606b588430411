#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test_irq_race for STRESS_IRQ_RACE_SECONDS (default 600) instead of 30.
here=$(cd "$(dirname "$0")" && pwd)
IRQ_RACE_SECONDS=${STRESS_IRQ_RACE_SECONDS:-600} exec "$here/test_irq_race.sh"
