// SPDX-License-Identifier: GPL-2.0
/* Worker threads with a bounded result queue (see worker.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "worker.h"

/* libmodbus and json-c need little stack; the default 8 MiB is address
 * space only, but a small one keeps the thread cheap on a small gateway. */
#define WORKER_STACK	(256 * 1024)

struct sd_worker {
	pthread_mutex_t mu;
	pthread_cond_t cv;		/* the queue has room, or stop */
	bool stop;
	int refs;			/* the loop's and the thread's */
	int efd;
	struct sd_work_msg *head, *tail;
	size_t n, max;
	void (*fn)(struct sd_worker *w, void *arg);
	void *arg;
	void (*free_arg)(void *arg);
};

struct sd_work_msg *sd_work_msg_new(int err, const char *sub)
{
	struct sd_work_msg *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->err = err;
	if (sub)
		snprintf(m->sub, sizeof(m->sub), "%s", sub);
	return m;
}

void sd_work_msg_free(struct sd_work_msg *m)
{
	if (!m)
		return;
	json_object_put(m->payload);
	free(m);
}

static void drop_queue(struct sd_worker *w)
{
	while (w->head) {
		struct sd_work_msg *m = w->head;

		w->head = m->next;
		sd_work_msg_free(m);
	}
	w->tail = NULL;
	w->n = 0;
}

static void put(struct sd_worker *w)
{
	bool last;

	pthread_mutex_lock(&w->mu);
	last = --w->refs == 0;
	pthread_mutex_unlock(&w->mu);
	if (!last)
		return;
	drop_queue(w);
	if (w->free_arg)
		w->free_arg(w->arg);
	close(w->efd);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

static void *thread_main(void *arg)
{
	struct sd_worker *w = arg;

	w->fn(w, w->arg);
	put(w);
	return NULL;
}

int sd_worker_start(struct sd_worker **out, void (*fn)(struct sd_worker *w, void *arg),
		    void *arg, void (*free_arg)(void *arg), size_t queue_max)
{
	struct sd_worker *w = calloc(1, sizeof(*w));
	pthread_condattr_t ca;
	pthread_attr_t ta;
	pthread_t th;
	int ret;

	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->efd < 0) {
		ret = -errno;
		free(w);
		return ret;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	w->refs = 2;
	w->max = queue_max ? queue_max : 1;
	w->fn = fn;
	w->arg = arg;
	w->free_arg = free_arg;
	pthread_attr_init(&ta);
	pthread_attr_setstacksize(&ta, WORKER_STACK);
	pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
	ret = -pthread_create(&th, &ta, thread_main, w);
	pthread_attr_destroy(&ta);
	if (ret) {
		w->free_arg = NULL;	/* the caller keeps @arg on failure */
		w->refs = 1;
		put(w);
		return ret;
	}
	*out = w;
	return 0;
}

int sd_worker_fd(const struct sd_worker *w)
{
	return w->efd;
}

struct sd_work_msg *sd_worker_take(struct sd_worker *w)
{
	struct sd_work_msg *m;
	uint64_t v;

	pthread_mutex_lock(&w->mu);
	m = w->head;
	if (m) {
		w->head = m->next;
		if (!w->head)
			w->tail = NULL;
		w->n--;
		m->next = NULL;
		pthread_cond_broadcast(&w->cv);
	}
	if (!w->head && read(w->efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: already reset */
	}
	pthread_mutex_unlock(&w->mu);
	return m;
}

void sd_worker_release(struct sd_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	put(w);
}

int sd_worker_post(struct sd_worker *w, struct sd_work_msg *m)
{
	uint64_t one = 1;

	pthread_mutex_lock(&w->mu);
	while (!w->stop && w->n >= w->max)
		pthread_cond_wait(&w->cv, &w->mu);
	if (w->stop) {
		pthread_mutex_unlock(&w->mu);
		sd_work_msg_free(m);
		return -ECANCELED;
	}
	m->next = NULL;
	if (w->tail)
		w->tail->next = m;
	else
		w->head = m;
	w->tail = m;
	w->n++;
	if (write(w->efd, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow with a bounded queue */
	}
	pthread_mutex_unlock(&w->mu);
	return 0;
}

bool sd_worker_sleep_until(struct sd_worker *w, int64_t due)
{
	bool stop;

	pthread_mutex_lock(&w->mu);
	while (!w->stop && sd_now_ms() < due) {
		struct timespec ts = { .tv_sec = due / 1000, .tv_nsec = (due % 1000) * 1000000 };

		pthread_cond_timedwait(&w->cv, &w->mu, &ts);
	}
	stop = w->stop;
	pthread_mutex_unlock(&w->mu);
	return stop;
}

bool sd_worker_stopping(struct sd_worker *w)
{
	bool stop;

	pthread_mutex_lock(&w->mu);
	stop = w->stop;
	pthread_mutex_unlock(&w->mu);
	return stop;
}
