// SPDX-License-Identifier: GPL-2.0
/* SQLite outbox and counter state for smcardd. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"

struct sd_store {
	sqlite3 *db;
	sqlite3_stmt *push, *fetch, *del, *count, *cget, *cput, *trim;
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=NORMAL;"
	"CREATE TABLE IF NOT EXISTS outbox ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" topic TEXT NOT NULL, payload TEXT NOT NULL, retain INTEGER NOT NULL,"
	" created REAL NOT NULL DEFAULT (julianday('now')));"
	"CREATE TABLE IF NOT EXISTS counters ("
	" name TEXT PRIMARY KEY, pulses INTEGER NOT NULL,"
	" last_raw INTEGER NOT NULL, has_raw INTEGER NOT NULL, boot_id TEXT,"
	" updated REAL NOT NULL DEFAULT (julianday('now')));"
	"CREATE TABLE IF NOT EXISTS settings ("
	" key TEXT PRIMARY KEY, value TEXT NOT NULL);";

static int prep(struct sd_store *s, sqlite3_stmt **st, const char *sql)
{
	return sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

int sd_store_open(struct sd_store **out, const char *path, char *err,
		  size_t err_size)
{
	struct sd_store *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(s->db, 5000);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, schema, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = prep(s, &s->push, "INSERT INTO outbox(topic, payload, retain) VALUES(?, ?, ?)");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->fetch, "SELECT id, topic, payload, retain FROM outbox WHERE id > ? ORDER BY id LIMIT ?");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->del, "DELETE FROM outbox WHERE id = ?");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->count, "SELECT count(*) FROM outbox");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->trim, "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT ?)");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->cget, "SELECT pulses, last_raw, has_raw, boot_id FROM counters WHERE name = ?");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->cput, "INSERT INTO counters(name, pulses, last_raw, has_raw, boot_id) VALUES(?, ?, ?, ?, ?) "
			  "ON CONFLICT(name) DO UPDATE SET pulses = excluded.pulses, "
			  "last_raw = excluded.last_raw, has_raw = excluded.has_raw, "
			  "boot_id = excluded.boot_id, updated = julianday('now')");
	if (rc != SQLITE_OK) {
		snprintf(err, err_size, "%s: %s", path,
			 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		sd_store_close(s);
		return -EIO;
	}
	*out = s;
	return 0;
}

void sd_store_close(struct sd_store *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->push);
	sqlite3_finalize(s->fetch);
	sqlite3_finalize(s->del);
	sqlite3_finalize(s->count);
	sqlite3_finalize(s->trim);
	sqlite3_finalize(s->cget);
	sqlite3_finalize(s->cput);
	sqlite3_close(s->db);
	free(s);
}

const char *sd_store_error(struct sd_store *s)
{
	return sqlite3_errmsg(s->db);
}

/* Run a statement that returns no rows; reset it either way. */
static int run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

int sd_store_push(struct sd_store *s, const char *topic, const char *payload,
		  int retain, int64_t *id)
{
	int ret;

	sqlite3_bind_text(s->push, 1, topic, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->push, 2, payload, -1, SQLITE_STATIC);
	sqlite3_bind_int(s->push, 3, retain);
	ret = run(s->push);
	if (!ret && id)
		*id = sqlite3_last_insert_rowid(s->db);
	return ret;
}

static char *dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return strdup(t ? (const char *)t : "");
}

int sd_store_fetch(struct sd_store *s, int64_t after, struct sd_outbox_row *rows,
		   int max)
{
	int n = 0, rc;

	sqlite3_bind_int64(s->fetch, 1, after);
	sqlite3_bind_int(s->fetch, 2, max);
	while (n < max && (rc = sqlite3_step(s->fetch)) == SQLITE_ROW) {
		rows[n].id = sqlite3_column_int64(s->fetch, 0);
		rows[n].topic = dup_col(s->fetch, 1);
		rows[n].payload = dup_col(s->fetch, 2);
		rows[n].retain = sqlite3_column_int(s->fetch, 3);
		if (!rows[n].topic || !rows[n].payload) {
			sd_outbox_row_free(&rows[n]);
			break;
		}
		n++;
	}
	sqlite3_reset(s->fetch);
	sqlite3_clear_bindings(s->fetch);
	return n;
}

void sd_outbox_row_free(struct sd_outbox_row *r)
{
	free(r->topic);
	free(r->payload);
	r->topic = r->payload = NULL;
}

int sd_store_delete(struct sd_store *s, int64_t id)
{
	sqlite3_bind_int64(s->del, 1, id);
	return run(s->del);
}

int64_t sd_store_pending(struct sd_store *s)
{
	int64_t n = -1;

	if (sqlite3_step(s->count) == SQLITE_ROW)
		n = sqlite3_column_int64(s->count, 0);
	sqlite3_reset(s->count);
	return n;
}

int64_t sd_store_trim(struct sd_store *s, int64_t max_rows)
{
	int64_t n = sd_store_pending(s);

	if (max_rows <= 0 || n <= max_rows)
		return 0;
	sqlite3_bind_int64(s->trim, 1, n - max_rows);
	if (run(s->trim))
		return -EIO;
	return sqlite3_changes64(s->db);
}

int sd_store_counter_get(struct sd_store *s, const char *name,
			 struct sd_count_state *st)
{
	int rc, ret = -ENOENT;

	sqlite3_bind_text(s->cget, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->cget);
	if (rc == SQLITE_ROW) {
		st->pulses = (uint64_t)sqlite3_column_int64(s->cget, 0);
		st->last_raw = (uint64_t)sqlite3_column_int64(s->cget, 1);
		st->has_raw = sqlite3_column_int(s->cget, 2);
		snprintf(st->boot_id, sizeof(st->boot_id), "%s",
			 sqlite3_column_text(s->cget, 3) ?
			 (const char *)sqlite3_column_text(s->cget, 3) : "");
		ret = 0;
	} else if (rc != SQLITE_DONE) {
		ret = -EIO;
	}
	sqlite3_reset(s->cget);
	sqlite3_clear_bindings(s->cget);
	return ret;
}

int sd_store_counter_put(struct sd_store *s, const char *name,
			 const struct sd_count_state *st)
{
	sqlite3_bind_text(s->cput, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->cput, 2, (int64_t)st->pulses);
	sqlite3_bind_int64(s->cput, 3, (int64_t)st->last_raw);
	sqlite3_bind_int(s->cput, 4, st->has_raw);
	sqlite3_bind_text(s->cput, 5, st->boot_id, -1, SQLITE_STATIC);
	return run(s->cput);
}

int sd_store_setting_get(struct sd_store *s, const char *key, char *value,
			 size_t size)
{
	sqlite3_stmt *st;
	int rc, ret = -ENOENT;

	if (sqlite3_prepare_v2(s->db, "SELECT value FROM settings WHERE key = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(value, size, "%s", (const char *)sqlite3_column_text(st, 0));
		ret = 0;
	} else if (rc != SQLITE_DONE) {
		ret = -EIO;
	}
	sqlite3_finalize(st);
	return ret;
}

int sd_store_setting_put(struct sd_store *s, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "INSERT INTO settings(key, value) VALUES(?, ?) "
			       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}
