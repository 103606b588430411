#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make stress: STRESS_NL_MESSAGES (10^5) messages to the meterbus netlink
# family, valid and invalid, from three root and one nobody sender at once
# (nl_fuzz.c); figures: messages sent, the rate, errors with an extack
# message, kernel reports (0) and the valid transfer afterwards.
# NL_FUZZ_SEED replays a run. At 40 to 120 messages/s in the reference VM,
# 10^5 take 15 to 40 min; 10^6 would not fit in make stress's two hours.
exec "$(dirname "$0")/nl_fuzz" -n "${STRESS_NL_MESSAGES:-1000000}" \
	${NL_FUZZ_SEED:+-s "$NL_FUZZ_SEED"}
