// SPDX-License-Identifier: GPL-2.0
/*
 * Readings on their way out: a time stamp is added, the JSON-lines sink
 * gets them at once, and when MQTT is configured they are committed to
 * the outbox first and published from there (mqtt.c), so the broker's
 * acknowledgement is what removes them.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon.h"

void sd_emit(struct daemon *d, const char *sub, struct json_object *payload,
	     bool retain)
{
	char topic[512], now[32];
	struct json_object *t;
	const char *text;
	int64_t dropped;

	if (!payload) {
		sd_log(d, SD_LOG_ERR, "%s: out of memory building a reading", sub);
		return;
	}
	if (!json_object_object_get_ex(payload, "time", &t)) {
		sd_iso_time(now, sizeof(now));
		/* put the time first for readable lines */
		t = json_object_new_object();
		if (t) {
			sd_json_str(t, "time", now);
			json_object_object_foreach(payload, k, v)
				json_object_object_add(t, k, json_object_get(v));
			json_object_put(payload);
			payload = t;
		}
	}
	snprintf(topic, sizeof(topic), "%s/%s", d->base, sub);
	text = json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	sd_log(d, SD_LOG_DEBUG, "%s %s", topic, text);
	sd_jsonl_write(d, topic, text);
	if (d->mqtt) {
		if (sd_store_push(d->store, topic, text, retain && d->cfg.mqtt.retain, NULL))
			sd_log(d, SD_LOG_ERR, "spool: cannot queue %s: %s", topic,
			       sd_store_error(d->store));
		dropped = sd_store_trim(d->store, d->cfg.spool.max_rows);
		if (dropped > 0)
			sd_log(d, SD_LOG_WARN, "spool full (max_rows %ld): dropped the %lld oldest reading(s)",
			       d->cfg.spool.max_rows, (long long)dropped);
		sd_mqtt_pump(d);
	}
	sd_mbus_slave_observe(d, sub, payload);
	sd_http_observe(d, sub, payload);
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
