/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcardd's SQLite store (WAL): the outbox of readings waiting for the
 * broker's acknowledgement, and the pulse counter totals. A reading is
 * committed before it is published and deleted only when the broker has
 * acknowledged it, so a crash or SIGKILL loses nothing (synchronous=NORMAL:
 * a power cut may lose the last commits, never corrupt the file).
 */
#ifndef SMCARDD_STORE_H
#define SMCARDD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "logic.h"

struct sd_store;

struct sd_outbox_row {
	int64_t id;
	char *topic;
	char *payload;
	int retain;
};

/* Open or create; on failure @err says why. */
int sd_store_open(struct sd_store **s, const char *path, char *err,
		  size_t err_size);
void sd_store_close(struct sd_store *s);

/* Append a reading; *@id is its place in the queue. */
int sd_store_push(struct sd_store *s, const char *topic, const char *payload,
		  int retain, int64_t *id);
/*
 * Up to @max rows with id > @after, oldest first, into @rows (the caller
 * releases them with sd_outbox_row_free()). Returns the count or -errno.
 */
int sd_store_fetch(struct sd_store *s, int64_t after, struct sd_outbox_row *rows,
		   int max);
void sd_outbox_row_free(struct sd_outbox_row *r);
int sd_store_delete(struct sd_store *s, int64_t id);
/* Rows queued. */
int64_t sd_store_pending(struct sd_store *s);
/* Drop the oldest rows beyond @max_rows; returns how many went. */
int64_t sd_store_trim(struct sd_store *s, int64_t max_rows);

/* Counter state by name; -ENOENT when there is none yet. */
int sd_store_counter_get(struct sd_store *s, const char *name,
			 struct sd_count_state *st);
int sd_store_counter_put(struct sd_store *s, const char *name,
			 const struct sd_count_state *st);

/* Small persistent settings (e.g. an address set over the bus); -ENOENT. */
int sd_store_setting_get(struct sd_store *s, const char *key, char *value,
			 size_t size);
int sd_store_setting_put(struct sd_store *s, const char *key, const char *value);

/* Last SQLite error text. */
const char *sd_store_error(struct sd_store *s);

#endif
