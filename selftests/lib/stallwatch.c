// SPDX-License-Identifier: GPL-2.0
/*
 * stallwatch: record the emulator's stalls while a shell test measures
 * something (see stallwatch.h).
 *
 *   stallwatch [FILE]
 *   stallwatch --now     prints CLOCK_MONOTONIC in ns (for shell tests)
 *
 * Prints "stallwatch: watching N CPUs, realtime - monotonic = D ns" once the
 * watchers run (D converts CLOCK_REALTIME time stamps), then a line
 * "stall cpu C from A to B ns: L ms" per stall (CLOCK_MONOTONIC, the
 * interval in which the stall happened, and how late the wake-up was), to
 * FILE or stdout. Stops on SIGTERM or SIGINT with a summary line.
 */
#include <signal.h>

#include "stallwatch.h"

int main(int argc, char **argv)
{
	struct stallwatch sw;
	struct timespec rt;
	uint64_t wakeups = 0;
	FILE *out = stdout;
	sigset_t set;
	int i, sig, ret;

	if (argc == 2 && !strcmp(argv[1], "--now")) {
		printf("%lld\n", (long long)stallwatch_now());
		return 0;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: stallwatch [FILE] | --now\n");
		return 2;
	}
	if (argc == 2) {
		out = fopen(argv[1], "w");
		if (!out) {
			perror(argv[1]);
			return 1;
		}
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	ret = stallwatch_start(&sw, out);
	if (ret) {
		fprintf(stderr, "stallwatch: cannot start the watchers: %s\n",
			strerror(-ret));
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &rt);
	fprintf(out, "stallwatch: watching %d CPUs, realtime - monotonic = %lld ns\n",
		sw.ncpu, rt.tv_sec * 1000000000LL + rt.tv_nsec - (long long)stallwatch_now());
	fflush(out);
	sigwait(&set, &sig);
	stallwatch_stop(&sw);
	for (i = 0; i < sw.ncpu; i++)
		wakeups += sw.cpus[i].wakeups;
	fprintf(out, "stallwatch: %llu wake-ups, %d stalls\n",
		(unsigned long long)wakeups, stallwatch_count(&sw));
	stallwatch_free(&sw);
	return fclose(out) ? 1 : 0;
}
