/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The web page's parts: the built-in files (web/ in the source tree,
 * compiled in), the JSON API and Prometheus exposition built from the
 * daemon's state, and the view of the card's five pins.
 */
#ifndef SMCARDD_WEB_H
#define SMCARDD_WEB_H

#include <stddef.h>

#include <json-c/json.h>

#include "web_cache.h"

struct daemon;

struct web_asset {
	const char *path;		/* URL path, "/" for the page */
	const char *type;		/* Content-Type */
	const unsigned char *data;
	size_t size;
};

/* Generated from web/ by web/embed; ends with a NULL path. */
extern const struct web_asset web_assets[];

/* The built-in file served at @path, or NULL. */
const struct web_asset *web_asset_find(const char *path);

/* GET /api/readings: the latest payload of every topic, as published. */
struct json_object *web_api_readings(struct daemon *d, const struct web_cache *c);
/* GET /api/status: card, sources, pins, sinks and the values' units. */
struct json_object *web_api_status(struct daemon *d, const struct web_cache *c);
/* GET /api/history: the last hour of every numeric value. */
struct json_object *web_api_history(const struct web_cache *c);
/* GET /metrics: Prometheus text exposition; malloc'ed, length in *@len. */
char *web_api_metrics(struct daemon *d, const struct web_cache *c, size_t *len);

#define WEB_PINS	5

/* One of the card's IO pins as the kernel describes it. */
struct web_pin {
	int pin;			/* 1 .. 5 */
	const char *function;		/* "S0 counter", "4-20 mA", ... */
	char label[48];			/* the channel's label in the overlay */
	char state[16];			/* "high", "low" or "" */
	double value;			/* NAN when unknown */
	const char *unit;		/* of value: "V", "mA", "pulses" */
};

/*
 * Fill @pins from the card's device tree node, IIO and counter devices
 * (sysfs). Returns 0, or -ENODEV when there is no card.
 */
int web_pins_read(struct web_pin pins[WEB_PINS]);

#endif
