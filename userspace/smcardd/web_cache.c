// SPDX-License-Identifier: GPL-2.0
/* The web page's memory: latest readings, hour-long series, metric names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_cache.h"

void web_cache_init(struct web_cache *c)
{
	memset(c, 0, sizeof(*c));
}

void web_cache_free(struct web_cache *c)
{
	for (size_t i = 0; i < c->ntopic; i++)
		json_object_put(c->topic[i].payload);
	for (size_t i = 0; i < c->nseries; i++)
		free(c->series[i]);
	web_cache_init(c);
}

const struct web_topic *web_cache_get(const struct web_cache *c,
				      const char *sub)
{
	for (size_t i = 0; i < c->ntopic; i++)
		if (!strcmp(c->topic[i].sub, sub))
			return &c->topic[i];
	return NULL;
}

static struct web_series *series_get(struct web_cache *c, const char *sub,
				     const char *key)
{
	struct web_series *s;

	for (size_t i = 0; i < c->nseries; i++) {
		s = c->series[i];
		if (!strcmp(s->key, key) && !strcmp(s->sub, sub))
			return s;
	}
	if (c->nseries == WEB_MAX_SERIES || strlen(key) >= sizeof(s->key)) {
		c->dropped++;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	snprintf(s->sub, sizeof(s->sub), "%s", sub);
	snprintf(s->key, sizeof(s->key), "%s", key);
	c->series[c->nseries++] = s;
	return s;
}

/*
 * One point per step of wall time: a value in the same step as the newest
 * point replaces it, so the series ends at the latest value.
 */
static void series_add(struct web_series *s, int64_t t_ms, double v)
{
	struct web_point *last;

	if (s->n) {
		last = &s->pt[(s->head + s->n - 1) % WEB_POINTS];
		if (last->t_ms / WEB_STEP_MS == t_ms / WEB_STEP_MS) {
			*last = (struct web_point){ t_ms, v };
			return;
		}
	}
	if (s->n == WEB_POINTS) {
		s->head = (s->head + 1) % WEB_POINTS;
		s->n--;
	}
	s->pt[(s->head + s->n) % WEB_POINTS] = (struct web_point){ t_ms, v };
	s->n++;
}

int web_cache_put(struct web_cache *c, const char *sub,
		  struct json_object *payload, int64_t mono_ms, int64_t wall_ms)
{
	struct web_topic *t = (struct web_topic *)web_cache_get(c, sub);

	if (!t) {
		if (c->ntopic == WEB_MAX_TOPICS || strlen(sub) >= sizeof(t->sub)) {
			c->dropped++;
			return -ENOSPC;
		}
		t = &c->topic[c->ntopic++];
		snprintf(t->sub, sizeof(t->sub), "%s", sub);
		t->payload = NULL;
	}
	json_object_put(t->payload);
	t->payload = json_object_get(payload);
	t->mono_ms = mono_ms;
	json_object_object_foreach(payload, k, v) {
		struct web_series *s;
		enum json_type type = json_object_get_type(v);

		/* "id" numbers the readings; it is no value */
		if ((type != json_type_double && type != json_type_int) || !strcmp(k, "id"))
			continue;
		s = series_get(c, sub, k);
		if (!s)
			continue;
		series_add(s, wall_ms, json_object_get_double(v));
	}
	return 0;
}

unsigned int web_series_points(const struct web_series *s, int64_t since_ms,
			       struct web_point *out)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->n; i++) {
		const struct web_point *p = &s->pt[(s->head + i) % WEB_POINTS];

		if (p->t_ms >= since_ms)
			out[n++] = *p;
	}
	return n;
}

/*
 * Prometheus wants base units (promtool check metrics): energy in joules,
 * durations in seconds, no SI prefixes. A value is multiplied by @factor.
 */
static const struct {
	const char *unit, *name;
	double factor;
} units[] = {
	{ "W", "watts", 1 }, { "kW", "watts", 1e3 }, { "MW", "watts", 1e6 },
	{ "Wh", "joules", 3600 }, { "kWh", "joules", 3.6e6 },
	{ "MWh", "joules", 3.6e9 }, { "GJ", "joules", 1e9 },
	{ "MJ", "joules", 1e6 }, { "J", "joules", 1 },
	{ "V", "volts", 1 }, { "mV", "volts", 1e-3 }, { "kV", "volts", 1e3 },
	{ "A", "amperes", 1 }, { "mA", "amperes", 1e-3 },
	{ "Hz", "hertz", 1 },
	{ "var", "volt_amperes_reactive", 1 }, { "kvar", "volt_amperes_reactive", 1e3 },
	{ "varh", "volt_ampere_reactive_seconds", 3600 },
	{ "kvarh", "volt_ampere_reactive_seconds", 3.6e6 },
	{ "VA", "volt_amperes", 1 }, { "kVA", "volt_amperes", 1e3 },
	{ "VAh", "volt_ampere_seconds", 3600 }, { "kVAh", "volt_ampere_seconds", 3.6e6 },
	{ "m3", "cubic_meters", 1 }, { "m³", "cubic_meters", 1 },
	{ "m3/h", "cubic_meters_per_second", 1 / 3600.0 },
	{ "m³/h", "cubic_meters_per_second", 1 / 3600.0 },
	{ "L", "liters", 1 }, { "l", "liters", 1 }, { "L/h", "liters_per_second", 1 / 3600.0 },
	{ "degC", "celsius", 1 }, { "°C", "celsius", 1 }, { "K", "kelvin", 1 },
	{ "%", "percent", 1 }, { "bar", "pascals", 1e5 }, { "Pa", "pascals", 1 },
	{ "hPa", "pascals", 100 }, { "kPa", "pascals", 1e3 },
	{ "s", "seconds", 1 }, { "min", "seconds", 60 }, { "h", "seconds", 3600 },
	{ "lx", "lux", 1 },
};

static int append(char *buf, size_t size, size_t *len, const char *s)
{
	for (; *s; s++) {
		char ch = *s;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9')))
			ch = '_';
		/* no doubled or leading separators */
		if (ch == '_' && (!*len || buf[*len - 1] == '_'))
			continue;
		if (*len + 1 >= size)
			return -1;
		buf[(*len)++] = ch;
	}
	buf[*len] = 0;
	return 0;
}

int web_metric_name(const char *device_class, const char *key,
		    const char *unit, bool counter, char *buf, size_t size,
		    double *factor)
{
	const char *what = device_class && *device_class ? device_class : key;
	const char *u = NULL;
	size_t len = 0;

	*factor = 1;
	if (!size)
		return -1;
	buf[0] = 0;
	if (unit && *unit) {
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && !u; i++)
			if (!strcmp(units[i].unit, unit)) {
				u = units[i].name;
				*factor = units[i].factor;
			}
		if (!u)
			u = unit;
	}
	if (append(buf, size, &len, "smcard_") || append(buf, size, &len, what) ||
	    (u && (append(buf, size, &len, "_") || append(buf, size, &len, u))) ||
	    (counter && append(buf, size, &len, "_total")))
		return -1;
	while (len && buf[len - 1] == '_')
		buf[--len] = 0;
	return (int)len;
}
