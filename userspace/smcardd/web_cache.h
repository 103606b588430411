/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the web page shows besides the live device state: the latest
 * reading of every topic and, for each numeric member, the last hour as a
 * short series for a sparkline. Everything is bounded: a fixed number of
 * topics and series, a fixed number of points per series (one every
 * WEB_STEP_MS, the newest value always last). No I/O, no global state.
 */
#ifndef SMCARDD_WEB_CACHE_H
#define SMCARDD_WEB_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define WEB_MAX_TOPICS	256
#define WEB_MAX_SERIES	256
#define WEB_POINTS	120			/* one hour ... */
#define WEB_STEP_MS	30000			/* ... at 30 s per point */
#define WEB_SPAN_MS	((int64_t)WEB_POINTS * WEB_STEP_MS)

struct web_point {
	int64_t t_ms;				/* CLOCK_REALTIME */
	double v;
};

struct web_series {
	char sub[128];				/* topic below the base */
	char key[48];				/* member of the payload */
	unsigned int head, n;			/* ring of points */
	struct web_point pt[WEB_POINTS];
};

struct web_topic {
	char sub[128];
	struct json_object *payload;		/* owned reference */
	int64_t mono_ms;			/* when it arrived, CLOCK_MONOTONIC */
};

struct web_cache {
	struct web_topic topic[WEB_MAX_TOPICS];
	size_t ntopic;
	struct web_series *series[WEB_MAX_SERIES];
	size_t nseries;
	unsigned long dropped;			/* topics or series over a bound */
};

void web_cache_init(struct web_cache *c);
void web_cache_free(struct web_cache *c);

/*
 * Keep @payload (a new reference is taken) as @sub's latest reading,
 * received at @mono_ms / @wall_ms, and add its numeric members to their
 * series. Returns 0, or -ENOSPC when @sub is new and the cache is full
 * (the reading is not kept), or -ENOMEM.
 */
int web_cache_put(struct web_cache *c, const char *sub,
		  struct json_object *payload, int64_t mono_ms, int64_t wall_ms);

const struct web_topic *web_cache_get(const struct web_cache *c,
				      const char *sub);

/*
 * The points of @s newer than @since_ms, oldest first, into @out (room
 * for WEB_POINTS); returns how many.
 */
unsigned int web_series_points(const struct web_series *s, int64_t since_ms,
			       struct web_point *out);

/*
 * Prometheus metric name for a value: smcard_ + what it measures (the
 * Home Assistant device class, else the payload key) + its base unit
 * spelled out (kWh -> joules) + _total for counters; @factor takes the
 * value to that unit (kWh: 3.6e6). Characters outside [a-zA-Z0-9_]
 * become '_'. Returns the length, or -1 if @size is too small.
 */
int web_metric_name(const char *device_class, const char *key,
		    const char *unit, bool counter, char *buf, size_t size,
		    double *factor);

#endif
