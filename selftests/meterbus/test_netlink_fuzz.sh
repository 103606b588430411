#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bounded part of the netlink fuzzer (stress_netlink_fuzz.sh, nl_fuzz.c):
# NL_FUZZ_MESSAGES (10^4) messages to the meterbus family from three root
# and one nobody sender, then the bus restored and a transfer that must
# succeed. 10^4 took 12 to 32 s of fuzzing in the reference VM (TCG, KASAN;
# 311 to 826 messages/s, host load 2 to 4 with another VM), bound by the
# guest's CPUs; 35 s for the whole script. NL_FUZZ_SEED replays a run.
exec "$(dirname "$0")/nl_fuzz" -n "${NL_FUZZ_MESSAGES:-10000}" \
	${NL_FUZZ_SEED:+-s "$NL_FUZZ_SEED"}
