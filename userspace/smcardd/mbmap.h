/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Modbus server's register map: where each reading, each source's
 * health and each value's age and quality live, and the libmodbus
 * tables that hold them. The layout is fixed (SD_MBMAP_*, documented in
 * smcardd.rst); which value sits in which slot comes from 'map' lines or,
 * for the others, from the order of first sight, kept in the store so that
 * an address never changes its meaning across restarts.
 */
#ifndef SMCARDD_MBMAP_H
#define SMCARDD_MBMAP_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>
#include <modbus.h>

#include "config.h"

#define SD_MBMAP_LAYOUT		1
#define SD_MBMAP_MAGIC		0x534d		/* "SM" */
/* holding and input registers (the same contents) */
#define SD_MBMAP_HEADER		0		/* 0 .. 99 */
#define SD_MBMAP_SOURCES	100		/* 4 per source slot */
#define SD_MBMAP_NSOURCES	200
#define SD_MBMAP_VALUES		1000		/* 2 per value slot */
#define SD_MBMAP_NVALUES	5000
#define SD_MBMAP_VALUES_END	(SD_MBMAP_VALUES + 2 * SD_MBMAP_NVALUES)
#define SD_MBMAP_AGE		20000		/* 1 per value slot */
#define SD_MBMAP_QUALITY	30000		/* 1 per value slot */
#define SD_MBMAP_NREGS		(SD_MBMAP_QUALITY + SD_MBMAP_NVALUES)
/* coils and discrete inputs */
#define SD_MBMAP_COILS		0		/* coil k: output in source slot k */
#define SD_MBMAP_DI_STATE	0		/* source slot k is ON */
#define SD_MBMAP_DI_ALARM	1000		/* source slot k has an alarm */
#define SD_MBMAP_NBITS		(SD_MBMAP_DI_ALARM + SD_MBMAP_NSOURCES)

/* header registers */
enum {
	SD_MBH_MAGIC, SD_MBH_LAYOUT, SD_MBH_UPTIME, SD_MBH_UPTIME_LO,
	SD_MBH_VALUES, SD_MBH_SOURCES, SD_MBH_UP, SD_MBH_DOWN, SD_MBH_ALARMS,
	SD_MBH_MQTT, SD_MBH_SPOOL, SD_MBH_SPOOL_LO, SD_MBH_WRITE, SD_MBH_TYPE,
	SD_MBH_ORDER,
};

/* per source slot, at SD_MBMAP_SOURCES + 4 * slot */
enum { SD_MBS_STATE, SD_MBS_FAILURES, SD_MBS_ALARMS, SD_MBS_AGE };
enum { SD_MBS_NONE, SD_MBS_UP, SD_MBS_DOWN };
#define SD_MBS_ALARM_DIGITAL	4	/* bit beside those of enum sd_alarm */

/* quality of a value */
enum { SD_MBQ_GOOD, SD_MBQ_ALARM, SD_MBQ_DOWN, SD_MBQ_NONE };

#define SD_MB_AGE_NONE		65535

struct sd_mbmap;
struct sd_store;

/* float32, int32 or uint32; 0 or -1 */
int sd_mbsrv_type_parse(const char *s, enum mbreg_type *t);

/* @store keeps the slots (may be NULL: they last as long as the map). */
int sd_mbmap_new(struct sd_mbmap **m, const struct sd_mbsrv *cfg,
		 struct sd_store *store);
void sd_mbmap_free(struct sd_mbmap *m);
modbus_mapping_t *sd_mbmap_tables(struct sd_mbmap *m);

/* A source the map shows; its slot or -errno. @output: its coil is writable. */
int sd_mbmap_source(struct sd_mbmap *m, const char *kind, const char *name,
		    bool output);
void sd_mbmap_source_state(struct sd_mbmap *m, int slot, bool up,
			   unsigned int failures);
/* Active alarms of a source (1 << enum sd_alarm, or SD_MBS_ALARM_DIGITAL). */
void sd_mbmap_source_alarms(struct sd_mbmap *m, int slot, unsigned int mask);

/* A reading under BASE/@sub at @now_ms (monotonic). */
void sd_mbmap_reading(struct sd_mbmap *m, const char *sub,
		      struct json_object *payload, int64_t now_ms);

struct sd_mbmap_status {
	uint32_t uptime_s;
	int mqtt;			/* 0: none, 1: connected, 2: not */
	uint32_t spool;
};

/* Bring ages, qualities and the header up to @now_ms. */
void sd_mbmap_refresh(struct sd_mbmap *m, int64_t now_ms,
		      const struct sd_mbmap_status *st);

/* The output name behind coil @addr, or NULL. */
const char *sd_mbmap_coil_output(const struct sd_mbmap *m, int addr);

/* Values mapped so far, and those left out because the map is full. */
int sd_mbmap_count(const struct sd_mbmap *m);
int sd_mbmap_overflow(const struct sd_mbmap *m);
/*
 * The map as 'map = ...' lines, ready for the configuration; written to
 * @path atomically. 0 or -errno.
 */
int sd_mbmap_write(struct sd_mbmap *m, const char *path);
/* Whether the map changed since the last sd_mbmap_write(). */
bool sd_mbmap_dirty(const struct sd_mbmap *m);

#endif
