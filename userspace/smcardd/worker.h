/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thread for a source whose library blocks (libmodbus), so that the
 * main loop never waits for a slow or dead device. The worker hands its
 * results to the loop through a bounded queue and an eventfd the loop
 * polls; when the queue is full the worker waits (nothing is dropped).
 *
 * Stopping never blocks the loop: sd_worker_release() asks the thread to
 * end and lets it go; the thread frees the shared state when it leaves
 * its current blocking call. Whatever it still produces is discarded, so
 * the owner drains the queue before releasing it.
 */
#ifndef SMCARDD_WORKER_H
#define SMCARDD_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

struct sd_worker;

/* One result: a reading (err 0) or a failure (err < 0, @what says where). */
struct sd_work_msg {
	struct sd_work_msg *next;
	int err;
	char sub[128];
	struct json_object *payload;
	bool retain;
	char what[512];
};

/*
 * Start @fn(@w, @arg) on a new thread with a queue of @queue_max results.
 * @arg is released with @free_arg (may be NULL) when the thread is done.
 */
int sd_worker_start(struct sd_worker **w, void (*fn)(struct sd_worker *w, void *arg),
		    void *arg, void (*free_arg)(void *arg), size_t queue_max);
/* The eventfd that becomes readable when results wait. */
int sd_worker_fd(const struct sd_worker *w);
/* The oldest result or NULL; the caller frees it with sd_work_msg_free(). */
struct sd_work_msg *sd_worker_take(struct sd_worker *w);
/* Ask the thread to stop and forget it: never waits. */
void sd_worker_release(struct sd_worker *w);

/* --- thread side --- */
/* Hand a result to the loop; waits while the queue is full. -ECANCELED
 * (and @m freed) when the worker is being stopped. */
int sd_worker_post(struct sd_worker *w, struct sd_work_msg *m);
/* Sleep until @due (CLOCK_MONOTONIC ms); true when asked to stop. */
bool sd_worker_sleep_until(struct sd_worker *w, int64_t due);
bool sd_worker_stopping(struct sd_worker *w);

struct sd_work_msg *sd_work_msg_new(int err, const char *sub);
void sd_work_msg_free(struct sd_work_msg *m);

#endif
