// SPDX-License-Identifier: GPL-2.0
/*
 * Readings on their way out: a time stamp is added, the JSON-lines sink
 * gets them at once, and when MQTT is configured they are committed to
 * the outbox first and published from there (mqtt.c), so the broker's
 * acknowledgement is what removes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"

/* Say it at once, then at most once a minute with the count. */
static bool say_now(int64_t *last)
{
	int64_t now = sd_now_ms();

	if (*last && now - *last < 60000)
		return false;
	*last = now;
	return true;
}

/* Queue a reading for MQTT; false when the policy dropped it. */
static bool spool(struct daemon *d, const char *topic, const char *text, bool retain)
{
	struct sd_store_stats st;
	const struct sd_spool *c = &d->cfg.spool;
	struct sd_emit_state *e = &d->emit;
	int64_t dropped, id;
	int ret;

	if (c->max_rows > 0 && !strcmp(c->full_policy, "drop-newest") &&
	    sd_store_pending(d->store) >= c->max_rows) {
		e->dropped++;
		if (say_now(&e->full_logged))
			sd_log(d, SD_LOG_WARN, "spool full (max_rows %ld, full_policy drop-newest): new readings are not queued for MQTT; %llu dropped so far",
			       c->max_rows, (unsigned long long)e->dropped);
		return false;
	}
	ret = sd_store_push(d->store, topic, text, retain && d->cfg.mqtt.retain, &id);
	if (ret == -ENOMEM) {
		e->dropped++;
		sd_log(d, SD_LOG_ERR, "spool: cannot queue %s (reading %lld): %s; %d readings already wait in memory",
		       topic, (long long)id, sd_store_error(d->store), SD_STORE_MEM_ROWS);
	} else if (ret) {
		if (say_now(&e->disk_logged))
			sd_log(d, SD_LOG_ERR, "spool: %s: %s; keeping readings in memory (up to %d) until the disk takes them",
			       d->store_path, ret == -ENOSPC ? "disk full" : sd_store_error(d->store),
			       SD_STORE_MEM_ROWS);
	} else if (e->disk_logged && (sd_store_get_stats(d->store, &st), !st.in_memory)) {
		sd_log(d, SD_LOG_INFO, "spool: %s takes readings again", d->store_path);
		e->disk_logged = 0;
	}
	if (c->max_rows > 0 && strcmp(c->full_policy, "drop-newest")) {
		dropped = sd_store_trim(d->store, c->max_rows);
		if (dropped > 0) {
			e->dropped += (uint64_t)dropped;
			if (say_now(&e->full_logged))
				sd_log(d, SD_LOG_WARN, "spool full (max_rows %ld, full_policy drop-oldest): dropped the oldest readings; %llu dropped so far",
				       c->max_rows, (unsigned long long)e->dropped);
		}
	}
	sd_mqtt_pump(d);
	return true;
}

void sd_emit(struct daemon *d, const char *sub, struct json_object *payload,
	     bool retain)
{
	static const char own_time[] = "{\"time\":\"";
	char topic[512], now[32], head[96];
	const char *body, *rest;
	size_t len, keep = 0;
	char *text;

	if (!payload) {
		sd_log(d, SD_LOG_ERR, "%s: out of memory building a reading", sub);
		return;
	}
	snprintf(topic, sizeof(topic), "%s/%s", d->base, sub);
	body = json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	/*
	 * Time first for readable lines (the reading's own when it starts
	 * with one: a meter's reading time), then the reading's id (the same
	 * in every copy of it: a consumer drops what it has seen), then the
	 * members json-c wrote.
	 */
	if (!strncmp(body, own_time, sizeof(own_time) - 1) &&
	    (rest = strchr(body + sizeof(own_time) - 1, '"'))) {
		keep = (size_t)(rest + 1 - body);	/* {"time":"..." */
		snprintf(head, sizeof(head), ",\"id\":%lld", (long long)sd_store_next_id(d->store));
		rest++;
	} else {
		sd_iso_time(now, sizeof(now));
		snprintf(head, sizeof(head), "{\"time\":\"%s\",\"id\":%lld%s", now,
			 (long long)sd_store_next_id(d->store), strcmp(body, "{}") ? "," : "");
		rest = body + 1;
	}
	len = keep + strlen(head) + strlen(rest) + 1;
	text = malloc(len);
	if (!text) {
		sd_log(d, SD_LOG_ERR, "%s: out of memory building a reading", sub);
		json_object_put(payload);
		return;
	}
	snprintf(text, len, "%.*s%s%s", (int)keep, body, head, rest);
	sd_log(d, SD_LOG_DEBUG, "%s %s", topic, text);
	/* committed first: a line in the JSON file is a reading MQTT will get */
	if (!d->mqtt || !spool(d, topic, text, retain))
		sd_store_take_id(d->store);	/* not queued: the id is used anyway */
	sd_jsonl_write(d, topic, text);
	sd_http_observe(d, sub, text);
	free(text);
	sd_mbus_slave_observe(d, sub, payload);
	sd_mbsrv_observe(d, sub, payload);
	json_object_put(payload);
}

void sd_entity_add(struct daemon *d, const struct sd_entity *e)
{
	struct sd_entity *n;

	for (size_t i = 0; i < d->nent; i++)
		if (!strcmp(d->ent[i].object_id, e->object_id) &&
		    !strcmp(d->ent[i].component, e->component))
			return;
	n = realloc(d->ent, (d->nent + 1) * sizeof(*n));
	if (!n) {
		sd_log(d, SD_LOG_ERR, "out of memory adding entity %s", e->object_id);
		return;
	}
	d->ent = n;
	d->ent[d->nent++] = *e;
	if (d->mqtt)
		sd_mqtt_discovery_one(d, e);
}

void sd_entity_sensor(struct daemon *d, const char *sub, const char *object,
		      const char *name, const char *key, const char *unit,
		      const char *device_class, const char *state_class,
		      bool counting)
{
	struct sd_entity e = { .component = "sensor" };

	/* sources announce their entities with every reading: known ones cost a lookup */
	for (size_t i = 0; i < d->nent; i++)
		if (!strcmp(d->ent[i].object_id, object) && !strcmp(d->ent[i].component, "sensor"))
			return;
	snprintf(e.object_id, sizeof(e.object_id), "%s", object);
	snprintf(e.name, sizeof(e.name), "%s", name);
	snprintf(e.state_topic, sizeof(e.state_topic), "%s/%s", d->base, sub);
	snprintf(e.key, sizeof(e.key), "%s", key);
	snprintf(e.unit, sizeof(e.unit), "%s", sd_ha_unit(unit ? unit : ""));
	snprintf(e.device_class, sizeof(e.device_class), "%s", device_class ? device_class : "");
	snprintf(e.state_class, sizeof(e.state_class), "%s", state_class ? state_class : "");
	if (unit && *unit)
		sd_ha_classes(e.unit, counting, e.device_class, e.state_class);
	else if (!e.state_class[0])
		snprintf(e.state_class, sizeof(e.state_class), "measurement");
	sd_entity_add(d, &e);
}
