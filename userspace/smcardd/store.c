// SPDX-License-Identifier: GPL-2.0
/* SQLite outbox, counter state and settings for smcardd (see store.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"
#include "store_vfs.h"

/* Past this, the WAL is folded into the database at the next sync. */
#define WAL_CHECKPOINT_BYTES	(4 * 1024 * 1024)
/* Ids are reserved on disk this far ahead, so none is ever handed out twice. */
#define ID_RESERVE		1000
/* Acknowledged ids waiting for their DELETE; more forces one at once. */
#define MAX_PENDING_DELETES	4096
/*
 * Deletes are committed (not synced) this long after the first
 * acknowledgement: few transactions, and after a SIGKILL only the
 * readings acknowledged in the last moment are sent again.
 */
#define DELETE_DELAY_MS		200

struct mem_row {
	int64_t id;
	char *topic;
	char *payload;
	int retain;
};

struct sd_store {
	sqlite3 *db;
	struct sd_store_vfs vfs;
	sqlite3_stmt *push, *fetch, *del, *cget, *cput, *cut, *trim;
	sqlite3_stmt *sget, *sput;
	int64_t next_id;		/* id of the next reading */
	int64_t id_floor;		/* on disk: no id below it was handed out */
	int64_t rows;			/* readings queued, disk and memory */
	int64_t trimmed_upto;		/* ids up to this were dropped by a trim */
	int64_t *pend;			/* acknowledged, not yet deleted on disk */
	size_t npend;
	int64_t pend_since;		/* ms of the oldest of them */
	struct mem_row *mem;		/* readings the full disk did not take */
	size_t nmem;
	bool dirty;			/* written since the last sync */
	int64_t last_sync;
	uint64_t commits, checkpoints;
	int64_t lost;
};

static const char schema[] =
	/* before the first access, so the WAL index lives in our memory */
	"PRAGMA locking_mode=EXCLUSIVE;"
	"PRAGMA journal_mode=WAL;"
	/* commits are written, not synced; sd_store_tick() syncs */
	"PRAGMA synchronous=NORMAL;"
	"PRAGMA wal_autocheckpoint=0;"
	"PRAGMA cache_size=-128;"
	"CREATE TABLE IF NOT EXISTS outbox ("
	" id INTEGER PRIMARY KEY,"
	" topic TEXT NOT NULL, payload TEXT NOT NULL, retain INTEGER NOT NULL,"
	" created REAL NOT NULL DEFAULT (julianday('now')));"
	"CREATE TABLE IF NOT EXISTS counters ("
	" name TEXT PRIMARY KEY, pulses INTEGER NOT NULL,"
	" last_raw INTEGER NOT NULL, has_raw INTEGER NOT NULL, boot_id TEXT,"
	" updated REAL NOT NULL DEFAULT (julianday('now')));"
	"CREATE TABLE IF NOT EXISTS settings ("
	" key TEXT PRIMARY KEY, value TEXT NOT NULL);";

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int prep(struct sd_store *s, sqlite3_stmt **st, const char *sql)
{
	return sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

/* One integer from a query without parameters, or @dflt. */
static int64_t query_int(struct sd_store *s, const char *sql, int64_t dflt)
{
	sqlite3_stmt *st;
	int64_t v = dflt;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return dflt;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int reserve_ids(struct sd_store *s)
{
	char v[32];

	snprintf(v, sizeof(v), "%lld", (long long)(s->next_id + ID_RESERVE));
	if (sd_store_setting_put(s, "outbox_id_floor", v))
		return -EIO;
	s->id_floor = s->next_id + ID_RESERVE;
	return 0;
}

int sd_store_open(struct sd_store **out, const char *path, char *err,
		  size_t err_size)
{
	struct sd_store *s = calloc(1, sizeof(*s));
	char floor[32];
	int rc;

	*out = NULL;
	if (!s || sd_store_vfs_register(&s->vfs)) {
		snprintf(err, err_size, "out of memory");
		free(s);
		return -ENOMEM;
	}
	s->pend = calloc(MAX_PENDING_DELETES, sizeof(*s->pend));
	rc = s->pend ? SQLITE_OK : SQLITE_NOMEM;
	if (rc == SQLITE_OK)
		rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX, s->vfs.name);
	/* a small lookaside: the store runs a handful of tiny statements */
	if (rc == SQLITE_OK)
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 256, 32);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(s->db, 5000);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, schema, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = prep(s, &s->push, "INSERT INTO outbox(id, topic, payload, retain) VALUES(?, ?, ?, ?)");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->fetch, "SELECT id, topic, payload, retain FROM outbox WHERE id > ? ORDER BY id LIMIT ?");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->del, "DELETE FROM outbox WHERE id = ?");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->cut, "SELECT id FROM outbox ORDER BY id LIMIT 1 OFFSET ?");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->trim, "DELETE FROM outbox WHERE id <= ?");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->cget, "SELECT pulses, last_raw, has_raw, boot_id FROM counters WHERE name = ?");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->cput, "INSERT INTO counters(name, pulses, last_raw, has_raw, boot_id) VALUES(?, ?, ?, ?, ?) "
			  "ON CONFLICT(name) DO UPDATE SET pulses = excluded.pulses, "
			  "last_raw = excluded.last_raw, has_raw = excluded.has_raw, "
			  "boot_id = excluded.boot_id, updated = julianday('now')");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->sget, "SELECT value FROM settings WHERE key = ?");
	if (rc == SQLITE_OK)
		rc = prep(s, &s->sput, "INSERT INTO settings(key, value) VALUES(?, ?) "
			  "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
	if (rc == SQLITE_OK) {
		s->rows = query_int(s, "SELECT count(*) FROM outbox", 0);
		s->next_id = query_int(s, "SELECT max(id) FROM outbox", 0) + 1;
		if (!sd_store_setting_get(s, "outbox_id_floor", floor, sizeof(floor)) &&
		    atoll(floor) > s->next_id)
			s->next_id = atoll(floor);
		if (reserve_ids(s))
			rc = SQLITE_IOERR;
	}
	if (rc != SQLITE_OK) {
		snprintf(err, err_size, "%s: %s", path,
			 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		sd_store_close(s);
		return rc == SQLITE_NOMEM ? -ENOMEM : -EIO;
	}
	*out = s;
	return 0;
}

static void free_mem(struct sd_store *s)
{
	for (size_t i = 0; i < s->nmem; i++) {
		free(s->mem[i].topic);
		free(s->mem[i].payload);
	}
	free(s->mem);
	s->mem = NULL;
	s->nmem = 0;
}

void sd_store_close(struct sd_store *s)
{
	if (!s)
		return;
	if (s->db && s->push) {
		/* what was acknowledged goes, the rest is folded in and synced */
		sd_store_tick(s, INT64_MAX / 2, 0);
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	}
	sqlite3_finalize(s->push);
	sqlite3_finalize(s->fetch);
	sqlite3_finalize(s->del);
	sqlite3_finalize(s->cut);
	sqlite3_finalize(s->trim);
	sqlite3_finalize(s->cget);
	sqlite3_finalize(s->cput);
	sqlite3_finalize(s->sget);
	sqlite3_finalize(s->sput);
	sqlite3_close(s->db);
	sd_store_vfs_unregister(&s->vfs);
	free_mem(s);
	free(s->pend);
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
	return rc == SQLITE_DONE ? 0 : rc == SQLITE_FULL ? -ENOSPC : -EIO;
}

int64_t sd_store_next_id(struct sd_store *s)
{
	return s->next_id;
}

int64_t sd_store_take_id(struct sd_store *s)
{
	return s->next_id++;
}

static int insert(struct sd_store *s, int64_t id, const char *topic,
		  const char *payload, int retain)
{
	sqlite3_bind_int64(s->push, 1, id);
	sqlite3_bind_text(s->push, 2, topic, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->push, 3, payload, -1, SQLITE_STATIC);
	sqlite3_bind_int(s->push, 4, retain);
	return run(s->push);
}

static int keep_in_memory(struct sd_store *s, int64_t id, const char *topic,
			  const char *payload, int retain)
{
	struct mem_row *n;

	if (s->nmem >= SD_STORE_MEM_ROWS)
		return -ENOMEM;
	n = realloc(s->mem, (s->nmem + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	s->mem = n;
	n = &s->mem[s->nmem];
	n->id = id;
	n->retain = retain;
	n->topic = strdup(topic);
	n->payload = strdup(payload);
	if (!n->topic || !n->payload) {
		free(n->topic);
		free(n->payload);
		return -ENOMEM;
	}
	s->nmem++;
	return 0;
}

int sd_store_push(struct sd_store *s, const char *topic, const char *payload,
		  int retain, int64_t *id)
{
	int64_t my = s->next_id++;
	int ret = -ENOSPC;

	if (id)
		*id = my;
	/* while some wait in memory, the rest queue behind them: order is kept */
	if (!s->nmem)
		ret = insert(s, my, topic, payload, retain);
	if (!ret) {
		s->commits++;
		s->dirty = true;
		s->rows++;
		return 0;
	}
	if (keep_in_memory(s, my, topic, payload, retain)) {
		s->lost++;
		return -ENOMEM;
	}
	s->rows++;
	return ret;
}

static char *dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return strdup(t ? (const char *)t : "");
}

static bool pending_delete(const struct sd_store *s, int64_t id)
{
	for (size_t i = 0; i < s->npend; i++)
		if (s->pend[i] == id)
			return true;
	return false;
}

int sd_store_fetch(struct sd_store *s, int64_t after, struct sd_outbox_row *rows,
		   int max)
{
	int n = 0, rc;

	sqlite3_bind_int64(s->fetch, 1, after);
	sqlite3_bind_int64(s->fetch, 2, (int64_t)max + (int64_t)s->npend);
	while (n < max && (rc = sqlite3_step(s->fetch)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s->fetch, 0);

		if (pending_delete(s, id))
			continue;
		rows[n].id = id;
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
	for (size_t i = 0; i < s->nmem && n < max; i++) {
		if (s->mem[i].id <= after)
			continue;
		rows[n].id = s->mem[i].id;
		rows[n].topic = strdup(s->mem[i].topic);
		rows[n].payload = strdup(s->mem[i].payload);
		rows[n].retain = s->mem[i].retain;
		if (!rows[n].topic || !rows[n].payload) {
			sd_outbox_row_free(&rows[n]);
			break;
		}
		n++;
	}
	return n;
}

void sd_outbox_row_free(struct sd_outbox_row *r)
{
	free(r->topic);
	free(r->payload);
	r->topic = r->payload = NULL;
}

static int begin(struct sd_store *s)
{
	return sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? 0 : -EIO;
}

static int end(struct sd_store *s, int ret)
{
	if (!ret && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return ret ? ret : -EIO;
}

/* The acknowledged rows and the id reservation, in one transaction. */
static int flush_deletes(struct sd_store *s)
{
	int ret;

	if (!s->npend && s->next_id + ID_RESERVE / 10 < s->id_floor)
		return 0;
	ret = begin(s);
	for (size_t i = 0; !ret && i < s->npend; i++) {
		sqlite3_bind_int64(s->del, 1, s->pend[i]);
		ret = run(s->del);
	}
	if (!ret && s->next_id + ID_RESERVE / 10 >= s->id_floor)
		ret = reserve_ids(s);
	ret = end(s, ret);
	if (!ret) {
		s->npend = 0;
		s->dirty = true;
	}
	return ret;
}

int sd_store_delete(struct sd_store *s, int64_t id)
{
	for (size_t i = 0; i < s->nmem; i++) {
		if (s->mem[i].id != id)
			continue;
		free(s->mem[i].topic);
		free(s->mem[i].payload);
		memmove(&s->mem[i], &s->mem[i + 1], (s->nmem - i - 1) * sizeof(*s->mem));
		s->nmem--;
		s->rows--;
		return 0;
	}
	if (id <= s->trimmed_upto || pending_delete(s, id))
		return 0;
	if (s->npend == MAX_PENDING_DELETES && flush_deletes(s)) {
		/* the disk refuses: delete this one alone, the rest stays queued */
		sqlite3_bind_int64(s->del, 1, id);
		if (run(s->del))
			return -EIO;
		s->rows--;
		return 0;
	}
	if (!s->npend)
		s->pend_since = now_ms();
	s->pend[s->npend++] = id;
	s->rows--;
	return 0;
}

int64_t sd_store_pending(struct sd_store *s)
{
	return s->rows;
}

int64_t sd_store_trim(struct sd_store *s, int64_t max_rows)
{
	int64_t excess = s->rows - max_rows, cut = -1, before;

	if (max_rows <= 0 || excess <= 0)
		return 0;
	if (flush_deletes(s))
		return -EIO;
	/* a little more than needed, so that a full spool is not cut per reading */
	excess += max_rows / 100;
	before = s->rows;
	sqlite3_bind_int64(s->cut, 1, excess - 1);
	if (sqlite3_step(s->cut) == SQLITE_ROW)
		cut = sqlite3_column_int64(s->cut, 0);
	sqlite3_reset(s->cut);
	if (cut < 0)
		cut = query_int(s, "SELECT max(id) FROM outbox", -1);
	if (cut < 0)
		return 0;
	sqlite3_bind_int64(s->trim, 1, cut);
	if (run(s->trim))
		return -EIO;
	s->rows -= sqlite3_changes64(s->db);
	s->trimmed_upto = cut;
	s->dirty = true;
	return before - s->rows;
}

/* Readings the full disk refused, in order, once it takes them again. */
static void flush_memory(struct sd_store *s)
{
	int ret;

	if (!s->nmem)
		return;
	ret = begin(s);
	for (size_t i = 0; !ret && i < s->nmem; i++)
		ret = insert(s, s->mem[i].id, s->mem[i].topic, s->mem[i].payload,
			     s->mem[i].retain);
	if (end(s, ret))
		return;
	s->commits += s->nmem;
	s->dirty = true;
	free_mem(s);
}

static sqlite3_file *wal_file(struct sd_store *s)
{
	sqlite3_file *f = NULL;

	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) != SQLITE_OK)
		return NULL;
	return f && f->pMethods ? f : NULL;
}

int64_t sd_store_tick(struct sd_store *s, int64_t now, int64_t interval_ms)
{
	int64_t next = now + (interval_ms > 0 ? interval_ms : 1000);
	sqlite3_file *wal;
	sqlite3_int64 size = 0;

	if (s->npend && now - s->pend_since >= DELETE_DELAY_MS)
		flush_deletes(s);
	if (s->npend && s->pend_since + DELETE_DELAY_MS < next)
		next = s->pend_since + DELETE_DELAY_MS;
	if (s->nmem && now - s->last_sync >= interval_ms) {
		/* the WAL may be what fills the disk: fold it in and cut it */
		if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
					      NULL, NULL) == SQLITE_OK)
			s->checkpoints++;
		flush_memory(s);
		s->last_sync = now;	/* at most one try per interval */
	}
	if (!s->dirty)
		return next;
	if (now - s->last_sync < interval_ms)
		return s->last_sync + interval_ms < next ? s->last_sync + interval_ms : next;
	flush_deletes(s);
	wal = wal_file(s);
	if (wal && wal->pMethods->xFileSize(wal, &size) == SQLITE_OK &&
	    size > WAL_CHECKPOINT_BYTES) {
		/* syncs the WAL, then the database; the WAL starts over */
		if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
					      NULL, NULL) == SQLITE_OK)
			s->checkpoints++;
	} else if (wal) {
		wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
	}
	s->dirty = false;
	s->last_sync = now;
	return next;
}

void sd_store_get_stats(struct sd_store *s, struct sd_store_stats *st)
{
	st->syncs = s->vfs.syncs;
	st->commits = s->commits;
	st->checkpoints = s->checkpoints;
	st->in_memory = (int64_t)s->nmem;
	st->lost = s->lost;
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
	s->dirty = true;
	return run(s->cput);
}

int sd_store_setting_get(struct sd_store *s, const char *key, char *value,
			 size_t size)
{
	int rc, ret = -ENOENT;

	sqlite3_bind_text(s->sget, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->sget);
	if (rc == SQLITE_ROW) {
		snprintf(value, size, "%s", (const char *)sqlite3_column_text(s->sget, 0));
		ret = 0;
	} else if (rc != SQLITE_DONE) {
		ret = -EIO;
	}
	sqlite3_reset(s->sget);
	sqlite3_clear_bindings(s->sget);
	return ret;
}

int sd_store_setting_put(struct sd_store *s, const char *key, const char *value)
{
	sqlite3_bind_text(s->sput, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->sput, 2, value, -1, SQLITE_STATIC);
	s->dirty = true;
	return run(s->sput);
}
