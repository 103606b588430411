/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcardd's SQLite store: the outbox of readings waiting for the broker's
 * acknowledgement, the pulse counter totals and a few settings.
 *
 * Durability: every reading is committed (written to the WAL, a write()
 * into the kernel) before it is published, so a crash or SIGKILL loses
 * nothing. Commits are not synced: sd_store_tick() syncs the WAL at most
 * once per sync interval when something was written, so a power cut loses
 * at most the readings of the last interval, and flash sees one sync per
 * interval whatever the reading rate. Acknowledged rows are deleted in one
 * transaction per interval too. The WAL is checkpointed (two more syncs)
 * only when it has grown past 4 MiB (about a thousand readings).
 *
 * Ids: every reading gets an id that is never reused (the floor is kept
 * across restarts), so a consumer can drop a reading that arrives twice.
 *
 * Full disk: a reading that cannot be written is kept in memory (up to
 * SD_STORE_MEM_ROWS) and written as soon as the disk has room again; the
 * caller is told so that it can log it.
 */
#ifndef SMCARDD_STORE_H
#define SMCARDD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "logic.h"

#define SD_STORE_MEM_ROWS	10000

struct sd_store;

struct sd_outbox_row {
	int64_t id;
	char *topic;
	char *payload;
	int retain;
};

struct sd_store_stats {
	uint64_t syncs;			/* fsync/fdatasync calls, all files */
	uint64_t commits;		/* reading inserts */
	uint64_t checkpoints;
	int64_t in_memory;		/* readings held while the disk is full */
	int64_t lost;			/* readings neither on disk nor in memory */
};

/* Open or create; on failure @err says why. */
int sd_store_open(struct sd_store **s, const char *path, char *err,
		  size_t err_size);
/* Deletes what was acknowledged, syncs, closes. */
void sd_store_close(struct sd_store *s);

/* The id the next sd_store_push() will give its reading. */
int64_t sd_store_next_id(struct sd_store *s);
/* Use up that id for a reading that is not queued (JSON lines only). */
int64_t sd_store_take_id(struct sd_store *s);
/*
 * Append a reading; *@id is its place in the queue. 0 when it is on disk,
 * -ENOSPC (or another -errno) when it is only in memory, -ENOMEM when it
 * could not be kept at all.
 */
int sd_store_push(struct sd_store *s, const char *topic, const char *payload,
		  int retain, int64_t *id);
/*
 * Up to @max rows with id > @after, oldest first, into @rows (the caller
 * releases them with sd_outbox_row_free()). Returns the count or -errno.
 */
int sd_store_fetch(struct sd_store *s, int64_t after, struct sd_outbox_row *rows,
		   int max);
void sd_outbox_row_free(struct sd_outbox_row *r);
/* Acknowledged: gone from the queue now, from the disk at the next tick. */
int sd_store_delete(struct sd_store *s, int64_t id);
/* Rows queued. */
int64_t sd_store_pending(struct sd_store *s);
/* Drop the oldest rows beyond @max_rows; returns how many went. */
int64_t sd_store_trim(struct sd_store *s, int64_t max_rows);

/*
 * Housekeeping, called by the main loop at least every @interval_ms:
 * deletes the acknowledged rows, moves readings held in memory to the
 * disk, and syncs when something was written @interval_ms ago or more.
 * Returns the next time (CLOCK_MONOTONIC ms) it wants to run.
 */
int64_t sd_store_tick(struct sd_store *s, int64_t now, int64_t interval_ms);
void sd_store_get_stats(struct sd_store *s, struct sd_store_stats *st);

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
