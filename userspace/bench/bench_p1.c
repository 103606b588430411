// SPDX-License-Identifier: GPL-2.0
/*
 * Decode cost of one P1 telegram (parse + normalised summary), for each
 * flavour of the meter model (DSMR 5.0.2, Swedish, XS211 single and three
 * phase), printed beside what the port delivers: one telegram per second,
 * and the telegram's wire time at 115200 8N1.
 *
 *   bench_p1 [--iterations N] [--flavour dsmr5|swedish|xs211|xs211-3ph|all]
 *
 * --iterations 0 only builds the telegrams (the baseline for instruction
 * counts taken with callgrind, see selftests/p1/bench_p1_callgrind.sh).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "p1.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int decode(const char *text, size_t len)
{
	struct p1_telegram t;
	struct p1_summary s;
	struct p1_error err;
	int ret;

	ret = p1_parse(text, len, 0, NULL, &t, &err);
	if (!ret)
		p1_summarize(&t, &s);
	p1_telegram_free(&t);
	return ret;
}

static int bench(enum p1_meter_flavour flavour, const char *name, long n)
{
	struct p1_meter m;
	char buf[8192];
	double t0, ns;
	long len, i;

	p1_meter_init(&m, flavour, 1, 1700000000, NULL);
	p1_meter_step(&m, 3600);
	len = p1_meter_telegram(&m, buf, sizeof(buf));
	if (len < 0) {
		fprintf(stderr, "bench_p1: %s telegram: %s\n", name, strerror((int)-len));
		return 1;
	}
	if (!n)
		return 0;
	if (decode(buf, (size_t)len)) {
		fprintf(stderr, "bench_p1: %s telegram does not decode\n", name);
		return 1;
	}

	t0 = now_ns();
	for (i = 0; i < n; i++)
		decode(buf, (size_t)len);
	ns = (now_ns() - t0) / (double)n;

	printf("%-9s %5ld bytes  decode %8.0f ns/telegram (%6.1f MB/s)   "
	       "limit: 1 telegram/s = 1e9 ns; wire time at 115200 8N1 = %.0f ns\n",
	       name, len, ns, len / ns * 1e3, len * 10 / 115200.0 * 1e9);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum p1_meter_flavour f;
	} flavours[] = {
		{ "dsmr5", P1_METER_DSMR5 }, { "swedish", P1_METER_SWEDISH },
		{ "xs211", P1_METER_XS211 }, { "xs211-3ph", P1_METER_XS211_3PH },
	};
	const char *flavour = "all";
	bool any = false;
	long n = 20000;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--iterations") && i + 1 < argc) {
			n = strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--flavour") && i + 1 < argc) {
			flavour = argv[++i];
		} else {
			fprintf(stderr, "usage: bench_p1 [--iterations N] "
				"[--flavour dsmr5|swedish|xs211|xs211-3ph|all]\n");
			return 2;
		}
	}
	if (n < 0) {
		fprintf(stderr, "bench_p1: --iterations must be >= 0\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(flavours) / sizeof(flavours[0]); i++) {
		if (strcmp(flavour, "all") && strcmp(flavour, flavours[i].name))
			continue;
		ret |= bench(flavours[i].f, flavours[i].name, n);
		any = true;
	}
	if (!any) {
		fprintf(stderr, "bench_p1: unknown flavour '%s'\n", flavour);
		return 2;
	}
	return ret;
}
