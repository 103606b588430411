/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What smcardd publishes of a P1 telegram, and the Home Assistant entities
 * for it, built without touching the daemon (so unit tests can look):
 *
 *   BASE/p1                     every object of the meter by its key
 *                               (lib/p1 catalogue), in normalised units
 *   BASE/p1/mbusN               an M-Bus sub-device, "time" = its reading's
 *   BASE/p1/power_failure_log   profile buffers, with their entries
 *   BASE/p1/peak_demand_history
 *
 * Sub-topics are meant to be sent only when they change.
 */
#ifndef SMCARDD_P1_PUBLISH_H
#define SMCARDD_P1_PUBLISH_H

#include <stdint.h>

#include <json-c/json.h>

#include "config.h"
#include "ha.h"
#include "p1.h"

#define SD_P1_PATTERNS	32
#define SD_P1_MSGS	(2 + P1_MBUS_MAX + 4)

/* [p1] include / exclude, split into patterns. */
struct sd_p1_filter {
	char include[SD_P1_PATTERNS][64];
	char exclude[SD_P1_PATTERNS][64];
	size_t ninclude, nexclude;
};

struct sd_p1_msg {
	char sub[64];			/* "p1", "p1/mbus1" ... */
	struct json_object *payload;
};

struct sd_p1_pub {
	struct sd_p1_msg msg[SD_P1_MSGS];
	size_t nmsg;
	struct sd_entity *ent;
	size_t nent, cap;
	uint64_t signature;		/* of the entities: same set, same value */
	bool hash_only;			/* @ent left empty, @signature computed */
};

/* Split @c's include/exclude lists; patterns are fnmatch(3) globs. */
void sd_p1_filter_init(struct sd_p1_filter *f, const struct sd_p1 *c);

/* Whether an object goes out: its name, key or OBIS code against @f. */
bool sd_p1_wanted(const struct sd_p1_filter *f, const char *name,
		  const char *key, const char *code);

/*
 * Build the messages for @t and their entities (state topics under
 * @base). Returns 0 or -ENOMEM; free @pub with sd_p1_pub_free() either way.
 */
int sd_p1_build(const struct p1_telegram *t, const struct sd_p1_filter *f,
		const char *base, struct sd_p1_pub *pub);
/*
 * The same, for every telegram: the entities are filled in only when
 * their signature differs from @known (the set registered already);
 * otherwise @pub->nent is 0. The messages are the same either way.
 */
int sd_p1_build_known(const struct p1_telegram *t, const struct sd_p1_filter *f,
		      const char *base, uint64_t known, struct sd_p1_pub *pub);
void sd_p1_pub_free(struct sd_p1_pub *pub);

/* [p1] defaults, and the keys handled here: timezone, include, exclude. */
void sd_p1_config_defaults(struct sd_p1 *c);
/* 0, or -1 with a message for FILE:LINE in @msg. */
int sd_p1_config_set(struct sd_p1 *c, const char *key, const char *val,
		     char *msg, size_t size);

#endif
