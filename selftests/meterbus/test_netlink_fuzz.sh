#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bounded part of the netlink fuzzer (stress_netlink_fuzz.sh, nl_fuzz.c):
# NL_FUZZ_MESSAGES (2000) messages to the meterbus family from three root
# and one nobody sender, then the bus restored and a transfer that must
# succeed. 2000 take about 50 s in the reference VM (TCG, KASAN), 10^4
# about 170 s. NL_FUZZ_SEED replays a run.
exec "$(dirname "$0")/nl_fuzz" -n "${NL_FUZZ_MESSAGES:-2000}" \
	${NL_FUZZ_SEED:+-s "$NL_FUZZ_SEED"}
