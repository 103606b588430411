// SPDX-License-Identifier: GPL-2.0
/*
 * A pass-through SQLite VFS that counts the syncs of one store's files,
 * so that the flash wear the spool causes is a figure and not a guess
 * (the benchmark prints it). Everything else goes to the default VFS.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store_vfs.h"

struct cfile {
	sqlite3_file base;
	struct sd_store_vfs *owner;
	sqlite3_file *real;		/* follows this struct */
};

#define REAL(f)		(((struct cfile *)(f))->real)
#define RM(f)		(REAL(f)->pMethods)

static int c_close(sqlite3_file *f)
{
	int rc = RM(f)->xClose(REAL(f));

	f->pMethods = NULL;
	return rc;
}

static int c_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
	return RM(f)->xRead(REAL(f), b, n, o);
}

static int c_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	return RM(f)->xWrite(REAL(f), b, n, o);
}

static int c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return RM(f)->xTruncate(REAL(f), size);
}

static int c_sync(sqlite3_file *f, int flags)
{
	((struct cfile *)f)->owner->syncs++;
	return RM(f)->xSync(REAL(f), flags);
}

static int c_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return RM(f)->xFileSize(REAL(f), size);
}

static int c_lock(sqlite3_file *f, int l)
{
	return RM(f)->xLock(REAL(f), l);
}

static int c_unlock(sqlite3_file *f, int l)
{
	return RM(f)->xUnlock(REAL(f), l);
}

static int c_reserved(sqlite3_file *f, int *out)
{
	return RM(f)->xCheckReservedLock(REAL(f), out);
}

static int c_fcntl(sqlite3_file *f, int op, void *arg)
{
	return RM(f)->xFileControl(REAL(f), op, arg);
}

static int c_sector(sqlite3_file *f)
{
	return RM(f)->xSectorSize(REAL(f));
}

static int c_devchar(sqlite3_file *f)
{
	return RM(f)->xDeviceCharacteristics(REAL(f));
}

static int c_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
	return RM(f)->xShmMap(REAL(f), pg, sz, ext, pp);
}

static int c_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return RM(f)->xShmLock(REAL(f), off, n, flags);
}

static void c_shm_barrier(sqlite3_file *f)
{
	RM(f)->xShmBarrier(REAL(f));
}

static int c_shm_unmap(sqlite3_file *f, int del)
{
	return RM(f)->xShmUnmap(REAL(f), del);
}

static int c_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **pp)
{
	return RM(f)->xFetch(REAL(f), o, n, pp);
}

static int c_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p)
{
	return RM(f)->xUnfetch(REAL(f), o, p);
}

static const sqlite3_io_methods methods = {
	.iVersion = 3,
	.xClose = c_close,
	.xRead = c_read,
	.xWrite = c_write,
	.xTruncate = c_truncate,
	.xSync = c_sync,
	.xFileSize = c_size,
	.xLock = c_lock,
	.xUnlock = c_unlock,
	.xCheckReservedLock = c_reserved,
	.xFileControl = c_fcntl,
	.xSectorSize = c_sector,
	.xDeviceCharacteristics = c_devchar,
	.xShmMap = c_shm_map,
	.xShmLock = c_shm_lock,
	.xShmBarrier = c_shm_barrier,
	.xShmUnmap = c_shm_unmap,
	.xFetch = c_fetch,
	.xUnfetch = c_unfetch,
};

#define OWNER(v)	((struct sd_store_vfs *)(v)->pAppData)
#define ROOT(v)		(OWNER(v)->root)

static int v_open(sqlite3_vfs *v, sqlite3_filename name, sqlite3_file *f,
		  int flags, int *out)
{
	struct cfile *c = (struct cfile *)f;
	int rc;

	c->owner = OWNER(v);
	c->real = (sqlite3_file *)(c + 1);
	rc = ROOT(v)->xOpen(ROOT(v), name, c->real, flags, out);
	/* SQLite calls xClose only when pMethods is set */
	f->pMethods = c->real->pMethods ? &methods : NULL;
	return rc;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync)
{
	return ROOT(v)->xDelete(ROOT(v), name, sync);
}

static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	return ROOT(v)->xAccess(ROOT(v), name, flags, out);
}

static int v_fullpath(sqlite3_vfs *v, const char *name, int n, char *out)
{
	return ROOT(v)->xFullPathname(ROOT(v), name, n, out);
}

static int v_random(sqlite3_vfs *v, int n, char *out)
{
	return ROOT(v)->xRandomness(ROOT(v), n, out);
}

static int v_sleep(sqlite3_vfs *v, int us)
{
	return ROOT(v)->xSleep(ROOT(v), us);
}

static int v_time(sqlite3_vfs *v, double *out)
{
	return ROOT(v)->xCurrentTime(ROOT(v), out);
}

static int v_error(sqlite3_vfs *v, int n, char *out)
{
	return ROOT(v)->xGetLastError(ROOT(v), n, out);
}

static int v_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	return ROOT(v)->xCurrentTimeInt64(ROOT(v), out);
}

int sd_store_vfs_register(struct sd_store_vfs *sv)
{
	sqlite3_vfs *root = sqlite3_vfs_find(NULL);

	if (!root || root->iVersion < 2)
		return -1;
	memset(sv, 0, sizeof(*sv));
	sv->root = root;
	snprintf(sv->name, sizeof(sv->name), "smcardd-count-%p", (void *)sv);
	sv->vfs.iVersion = 2;
	sv->vfs.szOsFile = (int)sizeof(struct cfile) + root->szOsFile;
	sv->vfs.mxPathname = root->mxPathname;
	sv->vfs.zName = sv->name;
	sv->vfs.pAppData = sv;
	sv->vfs.xOpen = v_open;
	sv->vfs.xDelete = v_delete;
	sv->vfs.xAccess = v_access;
	sv->vfs.xFullPathname = v_fullpath;
	sv->vfs.xRandomness = v_random;
	sv->vfs.xSleep = v_sleep;
	sv->vfs.xCurrentTime = v_time;
	sv->vfs.xGetLastError = v_error;
	sv->vfs.xCurrentTimeInt64 = v_time64;
	return sqlite3_vfs_register(&sv->vfs, 0) == SQLITE_OK ? 0 : -1;
}

void sd_store_vfs_unregister(struct sd_store_vfs *sv)
{
	if (sv->root)
		sqlite3_vfs_unregister(&sv->vfs);
	sv->root = NULL;
}
