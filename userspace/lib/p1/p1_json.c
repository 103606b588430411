// SPDX-License-Identifier: GPL-2.0
/* JSON form of a telegram and of its summary (json-c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "p1.h"

/*
 * Computed values (kW * 1000) pick up binary noise; print them rounded to
 * what a meter can resolve, keeping the number type in the JSON.
 */
static struct json_object *number(double v)
{
	char buf[40];
	size_t n;

	snprintf(buf, sizeof(buf), "%.6f", v);
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[--n] = '\0';
	if (!strcmp(buf, "-0"))
		strcpy(buf, "0");
	return json_object_new_double_s(v, buf);
}

/*
 * A reading as the meter wrote it, made valid JSON: "00072.123" has
 * leading zeros JSON forbids, so it becomes 72.123 with its digits kept.
 */
static struct json_object *reading(double v, const char *text)
{
	char buf[48];
	size_t n = 0;

	if (*text == '+' || *text == '-') {
		if (*text == '-' && v != 0)
			buf[n++] = '-';
		text++;
	}
	while (*text == '0' && text[1] >= '0' && text[1] <= '9')
		text++;
	if (*text == '.')
		buf[n++] = '0';
	while (*text && n < sizeof(buf) - 1)
		buf[n++] = *text++;
	if (n && buf[n - 1] == '.')
		n--;
	buf[n] = '\0';
	return json_object_new_double_s(v, buf);
}

static void add_number(struct json_object *obj, const char *key, double v)
{
	if (!isnan(v))
		json_object_object_add(obj, key, number(v));
}

void p1_json_add_time(struct json_object *obj, const char *key,
		      const char *offset_key, const struct p1_time *tm)
{
	char iso[21], off[7];

	if (tm->state != P1_TIME_OK) {
		json_object_object_add(obj, key, NULL);
		return;
	}
	p1_time_iso(tm->utc, iso);
	json_object_object_add(obj, key, json_object_new_string(iso));
	if (offset_key) {
		p1_time_offset(tm->offset, off);
		json_object_object_add(obj, offset_key, json_object_new_string(off));
	}
}

static void add_time(struct json_object *obj, const char *key, int64_t t)
{
	char iso[21];

	p1_time_iso(t, iso);
	json_object_object_add(obj, key, json_object_new_string(iso));
}

static void add_array3(struct json_object *obj, const char *key,
		       const double v[3])
{
	struct json_object *arr;

	if (isnan(v[0]) && isnan(v[1]) && isnan(v[2]))
		return;
	arr = json_object_new_array();
	for (int i = 0; i < 3; i++)
		json_object_array_add(arr, isnan(v[i]) ? NULL : number(v[i]));
	json_object_object_add(obj, key, arr);
}

/* The notes about object @oi (and its entry @entry), or NULL for none. */
static struct json_object *notes_json(const struct p1_telegram *t, size_t oi,
				      size_t entry)
{
	struct json_object *arr = NULL;

	for (size_t i = 0; i < t->nnotes; i++) {
		const struct p1_note *n = &t->notes[i];

		if (n->obj != oi || n->entry != entry)
			continue;
		if (!arr)
			arr = json_object_new_array();
		json_object_array_add(arr, json_object_new_string(n->msg));
	}
	return arr;
}

static struct json_object *entries_json(const struct p1_telegram *t,
					const struct p1_object *o)
{
	struct json_object *arr = json_object_new_array();
	size_t oi = (size_t)(o - t->objs);

	for (size_t i = 0; i < o->nentries; i++) {
		const struct p1_entry *e = p1_object_entry(t, o, i);
		struct json_object *j = json_object_new_object();
		struct json_object *notes = notes_json(t, oi, i);

		if (e->start.state != P1_TIME_ABSENT)
			p1_json_add_time(j, "start", "start_utc_offset", &e->start);
		if (e->time.state != P1_TIME_ABSENT)
			p1_json_add_time(j, "time", "utc_offset", &e->time);
		if (e->text)
			json_object_object_add(j, "value", e->has_value ?
					       reading(e->value, e->text) : NULL);
		if (e->unit)
			json_object_object_add(j, "unit", json_object_new_string(e->unit));
		if (notes)
			json_object_object_add(j, "notes", notes);
		json_object_array_add(arr, j);
	}
	return arr;
}

static struct json_object *object_json(const struct p1_telegram *t,
				       const struct p1_object *o)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *notes = notes_json(t, (size_t)(o - t->objs),
					       P1_NOTE_OBJECT);
	size_t used;

	json_object_object_add(obj, "obis", json_object_new_string(o->code));
	if (o->known)
		json_object_object_add(obj, "name", json_object_new_string(o->info.name));
	switch (o->kind) {
	case P1_KIND_NUMBER:
		json_object_object_add(obj, "value",
				       reading(o->number, o->text));
		break;
	case P1_KIND_TEXT:
		json_object_object_add(obj, "value", json_object_new_string(o->text));
		break;
	case P1_KIND_EMPTY:
		json_object_object_add(obj, "value", json_object_new_string(""));
		break;
	case P1_KIND_PROFILE:
		json_object_object_add(obj, "value", json_object_new_int64((int64_t)o->count));
		break;
	}
	if (o->unit)
		json_object_object_add(obj, "unit", json_object_new_string(o->unit));
	if (o->decoded)
		json_object_object_add(obj, "text", json_object_new_string(o->decoded));
	if (o->time.state != P1_TIME_ABSENT)
		p1_json_add_time(obj, "timestamp", "utc_offset", &o->time);
	if (notes)
		json_object_object_add(obj, "notes", notes);
	if (o->kind == P1_KIND_PROFILE) {
		struct json_object *ids = json_object_new_array();

		for (size_t i = 0; i < o->nids; i++)
			json_object_array_add(ids, json_object_new_string(
				p1_object_group(t, o, 1 + i)->text));
		json_object_object_add(obj, "ids", ids);
	}
	if (o->nentries)
		json_object_object_add(obj, "entries", entries_json(t, o));
	if (o->kind == P1_KIND_PROFILE || o->nentries)
		return obj;
	/* keep what the interpretation did not cover, for unknown layouts */
	used = o->time.state != P1_TIME_ABSENT ? 2 : 1;
	if (o->ngroups > used) {
		struct json_object *raw = json_object_new_array();

		for (size_t i = 0; i < o->ngroups; i++)
			json_object_array_add(raw, json_object_new_string(
				p1_object_group(t, o, i)->text));
		json_object_object_add(obj, "groups", raw);
	}
	return obj;
}

struct json_object *p1_summary_to_json(const struct p1_summary *s)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *tar;

	if (s->has_time)
		add_time(obj, "time", s->time);
	add_number(obj, "energy_import_kwh", s->import_kwh);
	add_number(obj, "energy_export_kwh", s->export_kwh);
	tar = json_object_new_array();
	for (int i = 0; i < P1_TARIFFS; i++)
		if (!isnan(s->import_tariff_kwh[i]) || !isnan(s->export_tariff_kwh[i])) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "tariff", json_object_new_int(i + 1));
			add_number(e, "import_kwh", s->import_tariff_kwh[i]);
			add_number(e, "export_kwh", s->export_tariff_kwh[i]);
			json_object_array_add(tar, e);
		}
	if (json_object_array_length(tar))
		json_object_object_add(obj, "tariffs", tar);
	else
		json_object_put(tar);
	add_number(obj, "active_tariff", s->tariff);
	add_number(obj, "reactive_import_kvarh", s->reactive_import_kvarh);
	add_number(obj, "reactive_export_kvarh", s->reactive_export_kvarh);
	add_number(obj, "power_import_w", s->power_import_w);
	add_number(obj, "power_export_w", s->power_export_w);
	if (!isnan(s->power_import_w) || !isnan(s->power_export_w))
		add_number(obj, "power_w", (isnan(s->power_import_w) ? 0 : s->power_import_w) -
			   (isnan(s->power_export_w) ? 0 : s->power_export_w));
	add_number(obj, "reactive_import_var", s->reactive_import_var);
	add_number(obj, "reactive_export_var", s->reactive_export_var);
	add_array3(obj, "voltage_v", s->voltage_v);
	add_array3(obj, "current_a", s->current_a);
	add_array3(obj, "phase_import_w", s->phase_import_w);
	add_array3(obj, "phase_export_w", s->phase_export_w);
	add_number(obj, "average_demand_w", s->demand_w);
	add_number(obj, "peak_demand_w", s->peak_demand_w);
	if (s->has_peak_time)
		add_time(obj, "peak_demand_time", s->peak_time);
	add_number(obj, "breaker_state", s->breaker);
	add_number(obj, "limiter_w", s->limiter_w);
	if (s->nmbus) {
		struct json_object *arr = json_object_new_array();

		for (size_t i = 0; i < s->nmbus; i++) {
			const struct p1_mbus_device *d = &s->mbus[i];
			struct json_object *e = json_object_new_object();
			const char *type = p1_mbus_type_name(d->type);

			json_object_object_add(e, "channel", json_object_new_int((int)d->channel));
			if (d->type)
				json_object_object_add(e, "device_type", json_object_new_int((int)d->type));
			if (type)
				json_object_object_add(e, "medium", json_object_new_string(type));
			if (d->id)
				json_object_object_add(e, "id", json_object_new_string(d->id));
			add_number(e, "value", d->value);
			if (d->unit)
				json_object_object_add(e, "unit", json_object_new_string(d->unit));
			if (d->time.state != P1_TIME_ABSENT)
				p1_json_add_time(e, "timestamp", "utc_offset", &d->time);
			add_number(e, "valve_state", d->valve);
			json_object_array_add(arr, e);
		}
		json_object_object_add(obj, "mbus", arr);
	}
	return obj;
}

struct json_object *p1_to_json(const struct p1_telegram *t)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *objs = json_object_new_array();
	struct p1_summary s;

	json_object_object_add(obj, "header", json_object_new_string(t->header));
	json_object_object_add(obj, "variant",
			       json_object_new_string(p1_variant_name(t->variant)));
	json_object_object_add(obj, "version", t->version[0] ?
			       json_object_new_string(t->version) : NULL);
	json_object_object_add(obj, "crc_ok", t->has_crc ?
			       json_object_new_boolean(t->crc_ok) : NULL);
	if (t->has_crc) {
		char crc[5];

		snprintf(crc, sizeof(crc), "%04X", t->crc_read);
		json_object_object_add(obj, "crc", json_object_new_string(crc));
	}
	json_object_object_add(obj, "time_zone",
			       json_object_new_string(p1_tz_name(t->tz)));
	for (size_t i = 0; i < t->nobjs; i++)
		json_object_array_add(objs, object_json(t, &t->objs[i]));
	json_object_object_add(obj, "objects", objs);
	if (t->nnotes) {
		struct json_object *notes = json_object_new_array();

		for (size_t i = 0; i < t->nnotes; i++) {
			const struct p1_note *n = &t->notes[i];
			struct json_object *j = json_object_new_object();

			if (n->obj != P1_NOTE_TELEGRAM)
				json_object_object_add(j, "obis",
					json_object_new_string(t->objs[n->obj].code));
			json_object_object_add(j, "level", json_object_new_string(
				n->warning ? "warning" : "note"));
			json_object_object_add(j, "message", json_object_new_string(n->msg));
			json_object_array_add(notes, j);
		}
		json_object_object_add(obj, "notes", notes);
	}
	p1_summarize(t, &s);
	json_object_object_add(obj, "summary", p1_summary_to_json(&s));
	return obj;
}
