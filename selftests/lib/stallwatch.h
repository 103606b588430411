/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stallwatch: the control measurement of timing tests. The reference VM is
 * an emulated machine on a shared host; now and then the host deschedules
 * a virtual CPU, or all of them, for milliseconds. A timing assertion on
 * the drivers must not count that against them.
 *
 * One SCHED_FIFO thread at the highest priority per CPU, pinned to it,
 * wakes every period on an absolute CLOCK_MONOTONIC deadline. Nothing in
 * the guest can delay it for long: the drivers' work runs in threads of
 * lower priority (IRQ threads, workqueues, processes), so a wake-up that
 * comes late by more than the threshold means the virtual CPU itself did
 * not run: the emulator stalled. Each such stall is recorded as the
 * interval from the previous on-time wake-up to the late one (the stall
 * began somewhere in it).
 *
 * Tests compare their measurements with the stalls seen in the same run:
 * "the driver was late by no more than the emulator stalled".
 */
#ifndef SMCARD_STALLWATCH_H
#define SMCARD_STALLWATCH_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STALLWATCH_PERIOD_NS	2000000LL	/* 2 ms */
#define STALLWATCH_LATE_NS	1000000LL	/* late by more: a stall */
#define STALLWATCH_MAX		65536		/* stalls kept per CPU */

struct stall {
	int64_t from, to;	/* CLOCK_MONOTONIC ns */
};

struct stallwatch_cpu {
	struct stallwatch *sw;
	pthread_t thread;
	int cpu;
	int started;
	uint64_t wakeups;
	int n;			/* stalls recorded */
	struct stall *stalls;	/* STALLWATCH_MAX of them */
};

struct stallwatch {
	volatile int stop;
	FILE *out;		/* optional: a line per stall as it happens */
	pthread_mutex_t lock;
	int ncpu;
	struct stallwatch_cpu *cpus;
};

static inline int64_t stallwatch_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *stallwatch_run(void *arg)
{
	struct stallwatch_cpu *c = arg;
	int64_t next, now, last;
	struct timespec ts;

	last = stallwatch_now();
	next = last + STALLWATCH_PERIOD_NS;
	while (!c->sw->stop) {
		ts.tv_sec = next / 1000000000LL;
		ts.tv_nsec = next % 1000000000LL;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		now = stallwatch_now();
		c->wakeups++;
		if (now - next > STALLWATCH_LATE_NS) {
			if (c->n < STALLWATCH_MAX) {
				c->stalls[c->n].from = last;
				c->stalls[c->n].to = now;
				/* readers may look while the watchers run */
				__atomic_store_n(&c->n, c->n + 1, __ATOMIC_RELEASE);
			}
			if (c->sw->out) {
				pthread_mutex_lock(&c->sw->lock);
				fprintf(c->sw->out, "stall cpu %d from %lld to %lld ns: %.2f ms\n",
					c->cpu, (long long)last, (long long)now,
					(now - next) / 1e6);
				fflush(c->sw->out);
				pthread_mutex_unlock(&c->sw->lock);
			}
		}
		last = now;
		next += STALLWATCH_PERIOD_NS;
		if (next <= now)
			next = now + STALLWATCH_PERIOD_NS;
	}
	return NULL;
}

static inline void stallwatch_stop(struct stallwatch *sw);
static inline void stallwatch_free(struct stallwatch *sw);

/* Start the watchers; 0 or a negative errno. Needs CAP_SYS_NICE. */
static inline int stallwatch_start(struct stallwatch *sw, FILE *out)
{
	struct sched_param sp = { .sched_priority = sched_get_priority_max(SCHED_FIFO) };
	pthread_attr_t attr;
	cpu_set_t set;
	int i, ret;

	memset(sw, 0, sizeof(*sw));
	sw->out = out;
	pthread_mutex_init(&sw->lock, NULL);
	sw->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (sw->ncpu < 1)
		sw->ncpu = 1;
	sw->cpus = calloc(sw->ncpu, sizeof(*sw->cpus));
	if (!sw->cpus)
		return -ENOMEM;
	for (i = 0; i < sw->ncpu; i++) {
		struct stallwatch_cpu *c = &sw->cpus[i];

		c->sw = sw;
		c->cpu = i;
		c->stalls = calloc(STALLWATCH_MAX, sizeof(*c->stalls));
		if (!c->stalls) {
			ret = ENOMEM;
			goto fail;
		}
		pthread_attr_init(&attr);
		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &sp);
		CPU_ZERO(&set);
		CPU_SET(i, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		ret = pthread_create(&c->thread, &attr, stallwatch_run, c);
		pthread_attr_destroy(&attr);
		if (ret)
			goto fail;
		c->started = 1;
	}
	return 0;

fail:
	stallwatch_stop(sw);
	stallwatch_free(sw);
	return -ret;
}

static inline void stallwatch_stop(struct stallwatch *sw)
{
	int i;

	sw->stop = 1;
	for (i = 0; i < sw->ncpu && sw->cpus; i++)
		if (sw->cpus[i].started)
			pthread_join(sw->cpus[i].thread, NULL);
}

/* Stalls recorded so far on one CPU (the watchers may be running). */
static inline int stallwatch_n(const struct stallwatch_cpu *c)
{
	return __atomic_load_n(&c->n, __ATOMIC_ACQUIRE);
}

/*
 * Let the watchers record a stall that ended a moment ago: after a stall
 * the caller may run before the watcher of its CPU does.
 */
static inline void stallwatch_settle(void)
{
	struct timespec ts = { .tv_nsec = 5 * STALLWATCH_PERIOD_NS };

	nanosleep(&ts, NULL);
}

/*
 * Time in [from, to) during which at least one CPU was stalled (the union
 * of the stall intervals of all CPUs), in ns. Call stallwatch_settle()
 * first if @to is just now.
 */
static inline int64_t stallwatch_stalled(const struct stallwatch *sw,
					 int64_t from, int64_t to)
{
	int64_t total = 0, t = from;

	/* Sweep: repeatedly take the earliest stall that covers t or starts after it. */
	while (t < to) {
		int64_t best_from = INT64_MAX, best_to = 0;
		int i, k;

		for (i = 0; i < sw->ncpu; i++)
			for (k = 0; k < stallwatch_n(&sw->cpus[i]); k++) {
				const struct stall *s = &sw->cpus[i].stalls[k];

				if (s->to <= t)
					continue;
				if (s->from < best_from || (s->from == best_from && s->to > best_to)) {
					best_from = s->from;
					best_to = s->to;
				}
			}
		if (best_from == INT64_MAX || best_from >= to)
			break;
		if (best_from < t)
			best_from = t;
		/* extend over stalls overlapping the one found */
		for (;;) {
			int grown = 0;

			for (i = 0; i < sw->ncpu; i++)
				for (k = 0; k < stallwatch_n(&sw->cpus[i]); k++) {
					const struct stall *s = &sw->cpus[i].stalls[k];

					if (s->from <= best_to && s->to > best_to) {
						best_to = s->to;
						grown = 1;
					}
				}
			if (!grown)
				break;
		}
		if (best_to > to)
			best_to = to;
		total += best_to - best_from;
		t = best_to;
	}
	return total;
}

/* Number of stalls recorded on all CPUs. */
static inline int stallwatch_count(const struct stallwatch *sw)
{
	int i, n = 0;

	for (i = 0; i < sw->ncpu && sw->cpus; i++)
		n += stallwatch_n(&sw->cpus[i]);
	return n;
}

static inline void stallwatch_free(struct stallwatch *sw)
{
	int i;

	for (i = 0; i < sw->ncpu && sw->cpus; i++)
		free(sw->cpus[i].stalls);
	free(sw->cpus);
	sw->cpus = NULL;
}

#endif
