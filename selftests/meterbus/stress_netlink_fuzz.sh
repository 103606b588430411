#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make stress: STRESS_NL_MESSAGES (10^6) messages to the meterbus netlink
# family, valid and invalid, from three root and one nobody sender at once
# (nl_fuzz.c); figures: messages sent, the rate, errors with an extack
# message, kernel reports (0) and the valid transfer afterwards.
# NL_FUZZ_SEED replays a run. 10^6 took 37 min (450 messages/s) in the
# reference VM with another VM on the host (load 3.3 to 4.5), within the
# hour a stress program may take; the guest's CPUs are the bound.
exec "$(dirname "$0")/nl_fuzz" -n "${STRESS_NL_MESSAGES:-1000000}" \
	${NL_FUZZ_SEED:+-s "$NL_FUZZ_SEED"}
