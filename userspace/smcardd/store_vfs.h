/* SPDX-License-Identifier: GPL-2.0 */
/* A pass-through SQLite VFS that counts syncs (store_vfs.c). */
#ifndef SMCARDD_STORE_VFS_H
#define SMCARDD_STORE_VFS_H

#include <stdint.h>

#include <sqlite3.h>

struct sd_store_vfs {
	sqlite3_vfs vfs;
	sqlite3_vfs *root;		/* the default VFS everything goes to */
	char name[48];			/* unique per instance */
	uint64_t syncs;			/* only touched by the store's thread */
};

/* Register under sv->name (not as the default); 0 or -1. */
int sd_store_vfs_register(struct sd_store_vfs *sv);
void sd_store_vfs_unregister(struct sd_store_vfs *sv);

#endif
