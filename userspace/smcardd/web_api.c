// SPDX-License-Identifier: GPL-2.0
/*
 * The web API's documents, built from the daemon's state on each request:
 * /api/readings (the payloads as published on MQTT), /api/status (card,
 * sources, pins, sinks, what each value is), /api/history (sparklines)
 * and /metrics (Prometheus text exposition 0.0.4, one gauge or counter
 * per Home Assistant entity, labelled by source).
 */
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "web.h"

/* Whether topic @sub (below the base) is published by @s. */
static bool source_owns(struct daemon *d, const struct source *s, const char *sub)
{
	size_t k = strlen(s->ops->kind), n = strlen(s->name);
	const char *rest;

	if (strncmp(sub, s->ops->kind, k) || (sub[k] && sub[k] != '/'))
		return false;
	if (!sub[k])
		return true;
	rest = sub + k + 1;
	if (!strncmp(rest, s->name, n) && (!rest[n] || rest[n] == '/'))
		return true;
	/* a source that is alone of its kind owns the whole subtree */
	for (size_t i = 0; i < d->nsrc; i++)
		if (&d->src[i] != s && d->src[i].ops == s->ops)
			return false;
	return true;
}

struct json_object *web_api_readings(struct daemon *d, const struct web_cache *c)
{
	struct json_object *o = json_object_new_object();
	char topic[512];

	if (!o)
		return NULL;
	for (size_t i = 0; i < c->ntopic; i++) {
		snprintf(topic, sizeof(topic), "%s/%s", d->base, c->topic[i].sub);
		json_object_object_add(o, topic, json_object_get(c->topic[i].payload));
	}
	return o;
}

static struct json_object *sources_json(struct daemon *d, const struct web_cache *c,
					int64_t now)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < d->nsrc; i++) {
		const struct source *s = &d->src[i];
		struct json_object *o = json_object_new_object();
		int64_t last = -1;

		if (!o)
			break;
		sd_json_str(o, "kind", s->ops->kind);
		sd_json_str(o, "name", s->name);
		sd_json_str(o, "state", s->up ? "up" : s->failures ? "retrying" : "starting");
		if (!s->up && s->last_err) {
			sd_json_str(o, "error", strerror(-s->last_err));
			json_object_object_add(o, "failures", json_object_new_int64(s->failures));
			json_object_object_add(o, "retry_in_s", json_object_new_int64(
				s->retry_at > now ? (s->retry_at - now + 999) / 1000 : 0));
		}
		for (size_t j = 0; j < c->ntopic; j++)
			if (c->topic[j].mono_ms > last && source_owns(d, s, c->topic[j].sub))
				last = c->topic[j].mono_ms;
		if (last >= 0)
			sd_json_num(o, "age_s", (double)(now - last) / 1000);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *pins_json(void)
{
	struct web_pin pins[WEB_PINS];
	struct json_object *a;

	if (web_pins_read(pins))
		return NULL;
	a = json_object_new_array();
	for (int i = 0; a && i < WEB_PINS; i++) {
		struct json_object *o = json_object_new_object();
		char name[8];

		if (!o)
			break;
		snprintf(name, sizeof(name), "IO%d", pins[i].pin);
		json_object_object_add(o, "pin", json_object_new_int(pins[i].pin));
		sd_json_str(o, "name", name);
		sd_json_str(o, "function", pins[i].function);
		if (pins[i].label[0])
			sd_json_str(o, "label", pins[i].label);
		if (!isnan(pins[i].value)) {
			sd_json_num_digits(o, "value", pins[i].value, 6);
			sd_json_str(o, "unit", pins[i].unit);
		}
		if (pins[i].state[0])
			sd_json_str(o, "state", pins[i].state);
		json_object_array_add(a, o);
	}
	return a;
}

/* The serial port's transceiver knobs (smcard-serial), when present. */
static void serial_json(struct json_object *card)
{
	static const char *const files[] = { "serial_mode", "rs485_termination" };
	char path[SD_PATH_MAX + 64], buf[32];
	glob_t g;

	if (glob("/sys/bus/platform/drivers/smcard-serial/*/serial_mode", 0, NULL, &g))
		return;
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%.*s/%s",
			 (int)(strrchr(g.gl_pathv[0], '/') - g.gl_pathv[0]),
			 g.gl_pathv[0], files[i]);
		if (!sd_read_file(path, buf, sizeof(buf)))
			sd_json_str(card, files[i], buf);
	}
	globfree(&g);
}

static struct json_object *values_json(struct daemon *d)
{
	struct json_object *a = json_object_new_array();
	size_t base = strlen(d->base);

	for (size_t i = 0; a && i < d->nent; i++) {
		const struct sd_entity *e = &d->ent[i];
		struct json_object *o;

		if (strncmp(e->state_topic, d->base, base) || e->state_topic[base] != '/')
			continue;
		o = json_object_new_object();
		if (!o)
			break;
		sd_json_str(o, "topic", e->state_topic + base + 1);
		sd_json_str(o, "key", e->key);
		sd_json_str(o, "name", e->name);
		if (e->unit[0])
			sd_json_str(o, "unit", e->unit);
		if (e->device_class[0])
			sd_json_str(o, "device_class", e->device_class);
		if (e->command_topic[0])
			json_object_object_add(o, "settable", json_object_new_boolean(true));
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *web_api_status(struct daemon *d, const struct web_cache *c)
{
	struct json_object *o = json_object_new_object(), *card, *sinks, *pins;
	const struct web_topic *st = web_cache_get(c, "status");
	int64_t now = sd_now_ms();
	char iso[32];

	if (!o)
		return NULL;
	sd_iso_time(iso, sizeof(iso));
	sd_json_str(o, "time", iso);
	sd_json_str(o, "node", d->node);
	sd_json_str(o, "version", SMCARD_VERSION);
	sd_json_str(o, "base", d->base);
	json_object_object_add(o, "read_only", json_object_new_boolean(d->cfg.http.read_only));
	card = json_object_new_object();
	if (card) {
		if (st) {
			json_object_object_foreach(st->payload, k, v)
				json_object_object_add(card, k, json_object_get(v));
		}
		serial_json(card);
		json_object_object_add(o, "card", card);
	}
	pins = pins_json();
	if (pins)
		json_object_object_add(o, "pins", pins);
	json_object_object_add(o, "sources", sources_json(d, c, now));
	sinks = json_object_new_object();
	if (sinks) {
		json_object_object_add(sinks, "mqtt", json_object_new_string(
			!d->cfg.mqtt.enabled ? "off" : sd_mqtt_connected(d) ? "connected" : "disconnected"));
		if (d->store)
			json_object_object_add(sinks, "spool_pending",
					       json_object_new_int64(sd_store_pending(d->store)));
		json_object_object_add(sinks, "jsonl", json_object_new_boolean(d->cfg.jsonl.enabled));
		json_object_object_add(o, "sinks", sinks);
	}
	json_object_object_add(o, "values", values_json(d));
	return o;
}

struct json_object *web_api_history(const struct web_cache *c)
{
	struct json_object *o = json_object_new_object(), *a;
	struct web_point *pts = malloc(WEB_POINTS * sizeof(*pts));
	struct timespec ts;
	int64_t since;

	if (!o || !pts) {
		json_object_put(o);
		free(pts);
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	since = (int64_t)ts.tv_sec * 1000 - WEB_SPAN_MS;
	json_object_object_add(o, "span_s", json_object_new_int64(WEB_SPAN_MS / 1000));
	a = json_object_new_array();
	for (size_t i = 0; a && i < c->nseries; i++) {
		const struct web_series *s = c->series[i];
		unsigned int n = web_series_points(s, since, pts);
		struct json_object *e, *p;

		if (!n || !(e = json_object_new_object()))
			continue;
		sd_json_str(e, "topic", s->sub);
		sd_json_str(e, "key", s->key);
		p = json_object_new_array();
		for (unsigned int j = 0; p && j < n; j++) {
			struct json_object *pt = json_object_new_array();

			if (!pt)
				break;
			json_object_array_add(pt, json_object_new_int64(pts[j].t_ms / 1000));
			json_object_array_add(pt, json_object_new_double(pts[j].v));
			json_object_array_add(p, pt);
		}
		json_object_object_add(e, "points", p);
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "series", a);
	free(pts);
	return o;
}

/* --- Prometheus ---------------------------------------------------------- */

/* A label value with \, " and newline escaped, as the format wants. */
static void label(FILE *f, const char *name, const char *v, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static void source_labels(FILE *f, const char *sub)
{
	char kind[64];
	const char *slash = strchr(sub, '/');

	snprintf(kind, sizeof(kind), "%.*s", slash ? (int)(slash - sub) : (int)strlen(sub), sub);
	label(f, "source", kind, true);
	label(f, "name", slash ? slash + 1 : kind, false);
}

struct metric {
	char name[160];
	const struct sd_entity *e;
	const struct web_topic *t;
	double v;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct metric *)a)->name, ((const struct metric *)b)->name);
}

/* One family per name: HELP and TYPE once, then every sample. */
static void entity_metrics(FILE *f, struct daemon *d, const struct web_cache *c)
{
	size_t base = strlen(d->base), n = 0;
	struct metric *m = calloc(d->nent ? d->nent : 1, sizeof(*m));

	if (!m)
		return;
	for (size_t i = 0; i < d->nent; i++) {
		const struct sd_entity *e = &d->ent[i];
		const struct web_topic *t;
		struct json_object *v;
		bool counter = !strcmp(e->state_class, "total_increasing");
		double factor;

		if (strcmp(e->component, "sensor") ||
		    strncmp(e->state_topic, d->base, base) || e->state_topic[base] != '/')
			continue;
		t = web_cache_get(c, e->state_topic + base + 1);
		if (!t || !json_object_object_get_ex(t->payload, e->key, &v) ||
		    (json_object_get_type(v) != json_type_double &&
		     json_object_get_type(v) != json_type_int))
			continue;
		if (web_metric_name(e->device_class, e->key, e->unit, counter,
				    m[n].name, sizeof(m[n].name), &factor) < 0)
			continue;
		m[n].e = e;
		m[n].t = t;
		m[n].v = json_object_get_double(v) * factor;
		n++;
	}
	qsort(m, n, sizeof(*m), by_name);
	for (size_t i = 0; i < n; i++) {
		const struct sd_entity *e = m[i].e;

		if (!i || strcmp(m[i].name, m[i - 1].name)) {
			fprintf(f, "# HELP %s %s%s%s\n", m[i].name,
				e->device_class[0] ? e->device_class : e->key,
				e->unit[0] ? " in " : "", e->unit);
			fprintf(f, "# TYPE %s %s\n", m[i].name,
				strcmp(e->state_class, "total_increasing") ? "gauge" : "counter");
		}
		fprintf(f, "%s{", m[i].name);
		source_labels(f, m[i].t->sub);
		label(f, "key", e->key, false);
		fprintf(f, "} %.17g\n", m[i].v);
	}
	free(m);
}

char *web_api_metrics(struct daemon *d, const struct web_cache *c, size_t *len)
{
	unsigned long requests, denied;
	int64_t now = sd_now_ms();
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	entity_metrics(f, d, c);
	fputs("# HELP smcard_source_up 1 while the source's device is open and working\n"
	      "# TYPE smcard_source_up gauge\n", f);
	for (size_t i = 0; i < d->nsrc; i++) {
		fputs("smcard_source_up{", f);
		label(f, "source", d->src[i].ops->kind, true);
		label(f, "name", d->src[i].name, false);
		fprintf(f, "} %d\n", d->src[i].up);
	}
	fputs("# HELP smcard_reading_age_seconds time since the topic's last reading\n"
	      "# TYPE smcard_reading_age_seconds gauge\n", f);
	for (size_t i = 0; i < c->ntopic; i++) {
		fputs("smcard_reading_age_seconds{", f);
		label(f, "topic", c->topic[i].sub, true);
		fprintf(f, "} %.3f\n", (double)(now - c->topic[i].mono_ms) / 1000);
	}
	fprintf(f, "# HELP smcard_mqtt_connected 1 while the MQTT broker is connected\n"
		"# TYPE smcard_mqtt_connected gauge\nsmcard_mqtt_connected %d\n",
		d->cfg.mqtt.enabled && sd_mqtt_connected(d));
	if (d->store)
		fprintf(f, "# HELP smcard_spool_pending_readings readings waiting for the broker\n"
			"# TYPE smcard_spool_pending_readings gauge\n"
			"smcard_spool_pending_readings %lld\n",
			(long long)sd_store_pending(d->store));
	sd_http_counts(d, &requests, &denied);
	fprintf(f, "# HELP smcard_http_requests_total requests to this server\n"
		"# TYPE smcard_http_requests_total counter\nsmcard_http_requests_total %lu\n"
		"# HELP smcard_http_denied_total requests refused for missing authentication or read-only mode\n"
		"# TYPE smcard_http_denied_total counter\nsmcard_http_denied_total %lu\n",
		requests, denied);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
