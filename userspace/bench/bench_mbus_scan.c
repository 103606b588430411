// SPDX-License-Identifier: GPL-2.0
/*
 * The secondary search of 250 generated meters (one in ten an ID twin)
 * on the in-process bus of mbus_meterset.h, aligned (collisions are a
 * wired-AND) and with realistic reply delays (garbage): requests,
 * timeouts, meters found, and the EN 13757-2 wire time of exactly that
 * traffic at 2400, 9600 and 38400 Bd, the time a real bus cannot beat
 * (selftests/mbus-user/bench_mbus.sh measures the same search in the VM).
 *
 *   bench_mbus_scan [--meters N] [--seed S]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbus.h"

struct count {
	unsigned int found, notes;
};

static int on_found(void *arg, const struct mbus_found *f)
{
	((struct count *)arg)->found++;
	return 0;
}

static void on_note(void *arg, const char *text)
{
	((struct count *)arg)->notes++;
}

/* 11 bits a byte, the shortest reply delay, the window of an absent meter */
static double wire_s(const struct mbus_link_stats *t, double baud)
{
	return 11.0 * (double)(t->bytes_tx + t->bytes_rx) / baud +
	       (double)t->replies * 11 / baud +
	       (double)t->timeouts * (330 / baud + 0.050);
}

static int run(size_t n, uint64_t seed, bool realistic)
{
	struct mbus_meterset ms;
	struct count c = { 0 };
	struct mbus_scan_opts o = { .found = on_found, .note = on_note, .arg = &c };
	struct mbus_secaddr all = MBUS_SECADDR_WILDCARD;
	struct mbus_link l = { .xfer = mbus_meterset_xfer, .ctx = &ms };
	const char *mode = realistic ? "realistic" : "aligned";
	int ret;

	mbus_meterset_init(&ms);
	if (mbus_meterset_generate(&ms, n, seed, false)) {
		fprintf(stderr, "bench_mbus_scan: out of memory\n");
		return 1;
	}
	ms.realistic = realistic;
	ms.rng = seed;
	ret = mbus_scan_secondary(&l, &all, &o);
	if (ret < 0) {
		fprintf(stderr, "bench_mbus_scan: %s\n", l.msg);
		mbus_meterset_free(&ms);
		return 1;
	}
	printf("# figure: mbus scan (in process) | secondary search, %s | "
	       "%lu requests (%lu timeouts), %u of %zu found, %u notes | "
	       "wire time %.0f s at 2400 Bd, %.0f s at 9600 Bd, %.0f s at 38400 Bd\n",
	       mode, l.stats.requests, l.stats.timeouts, c.found, n, c.notes,
	       wire_s(&l.stats, 2400), wire_s(&l.stats, 9600),
	       wire_s(&l.stats, 38400));
	mbus_meterset_free(&ms);
	return c.found == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned long n = 250, seed = 17;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--meters") && i + 1 < argc) {
			n = strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			seed = strtoul(argv[++i], NULL, 10);
		} else {
			fprintf(stderr, "usage: bench_mbus_scan [--meters N] [--seed S]\n");
			return 2;
		}
	}
	return run(n, seed, false) | run(n, seed, true);
}
