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

static const struct {
	const char *unit, *name;
} units[] = {
	{ "W", "watts" }, { "kW", "kilowatts" }, { "MW", "megawatts" },
	{ "Wh", "watt_hours" }, { "kWh", "kilowatt_hours" },
	{ "MWh", "megawatt_hours" }, { "GJ", "gigajoules" },
	{ "MJ", "megajoules" }, { "J", "joules" },
	{ "V", "volts" }, { "mV", "millivolts" }, { "kV", "kilovolts" },
	{ "A", "amperes" }, { "mA", "milliamperes" },
	{ "Hz", "hertz" },
	{ "var", "volt_amperes_reactive" }, { "kvar", "kilovolt_amperes_reactive" },
	{ "varh", "volt_ampere_reactive_hours" },
	{ "kvarh", "kilovolt_ampere_reactive_hours" },
	{ "VA", "volt_amperes" }, { "kVA", "kilovolt_amperes" },
	{ "VAh", "volt_ampere_hours" }, { "kVAh", "kilovolt_ampere_hours" },
	{ "m3", "cubic_meters" }, { "m³", "cubic_meters" },
	{ "m3/h", "cubic_meters_per_hour" }, { "m³/h", "cubic_meters_per_hour" },
	{ "L", "liters" }, { "l", "liters" }, { "L/h", "liters_per_hour" },
	{ "degC", "celsius" }, { "°C", "celsius" }, { "K", "kelvin" },
	{ "%", "percent" }, { "bar", "bar" }, { "Pa", "pascals" },
	{ "hPa", "hectopascals" }, { "kPa", "kilopascals" },
	{ "s", "seconds" }, { "min", "minutes" }, { "h", "hours" },
	{ "lx", "lux" },
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
		    const char *unit, bool counter, char *buf, size_t size)
{
	const char *what = device_class && *device_class ? device_class : key;
	const char *u = NULL;
	size_t len = 0;

	if (!size)
		return -1;
	buf[0] = 0;
	if (unit && *unit) {
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (!strcmp(units[i].unit, unit))
				u = units[i].name;
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
